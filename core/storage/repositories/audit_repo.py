"""The audit log: append (the only write path the log has) and read with filters (every filter
reaches SQL as a bound parameter)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.storage.repositories import audit_names_repo
from core.storage.repositories.base import Repository, bound
from core.storage.rows import AuditLog, Community


def append(session: Session, **fields: Any) -> None:
    session.add(AuditLog(**fields))


def append_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk append (one executemany); the ``at`` default is filled per row."""
    if rows:
        session.execute(insert(AuditLog), rows)

COLUMNS = ["id", "at", "actor", "action", "entity", "entity_id", "community_code", "community",
           "before", "after", "reason", "batch_id"]


def entries(session: Session, *, person: str | None = None, community_code: str | None = None,
            actions: Sequence[str] | None = None, start: dt.datetime | None = None,
            end: dt.datetime | None = None, limit: int = 5000) -> pd.DataFrame:
    """Newest first; ``end`` is exclusive."""
    stmt = (select(AuditLog.id, AuditLog.at, AuditLog.actor, AuditLog.action, AuditLog.entity,
                   AuditLog.entity_id, AuditLog.community_code, Community.name.label("community"),
                   AuditLog.before, AuditLog.after, AuditLog.reason, AuditLog.batch_id)
            .outerjoin(Community, Community.code == AuditLog.community_code))
    if person:
        stmt = stmt.where(AuditLog.actor == person)
    if community_code:
        stmt = stmt.where(AuditLog.community_code == community_code)
    if actions:
        stmt = stmt.where(AuditLog.action.in_(list(actions)))
    if start is not None:
        stmt = stmt.where(AuditLog.at >= start)
    if end is not None:
        stmt = stmt.where(AuditLog.at < end)
    result = session.execute(stmt.order_by(AuditLog.id.desc()).limit(limit))
    return pd.DataFrame(result.all(), columns=COLUMNS)


def distinct_values(session: Session) -> dict[str, list[str]]:
    """The people and action kinds present in the log (for the filter choices)."""
    actors = list(session.scalars(select(AuditLog.actor).distinct().order_by(AuditLog.actor)))
    actions = list(session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)))
    return {"actors": actors, "actions": actions}


class AuditRepository(Repository):
    """``uow.audit``: the functions above, bound to the unit of work's session."""

    append = bound(append)
    append_many = bound(append_many)
    entries = bound(entries)
    distinct_values = bound(distinct_values)
    names = bound(audit_names_repo.names)
