"""Storage of alert rules and instances, and the incident reads the wall screen needs (history of open
incidents by day). Only ``select()`` statements and ORM rows; no personal columns are read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.tables_repo import frame
from core.storage.rows.alerts import AlertInstance, AlertRule

RULE_COLUMNS = ["code", "kind", "threshold", "level", "enabled", "note", "updated_by", "updated_at"]
INSTANCE_COLUMNS = ["id", "rule_code", "subject", "street_code", "first_seen", "last_seen", "value",
                    "acknowledged_by", "acknowledged_at", "resolved_at"]


def rules(session: Session) -> pd.DataFrame:
    stmt = select(*(getattr(AlertRule, c) for c in RULE_COLUMNS)).order_by(AlertRule.kind, AlertRule.threshold)
    return frame(session, stmt)


def upsert_rule(session: Session, values: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """Insert or update a rule by code; returns (before, after)."""
    row = session.scalar(select(AlertRule).where(AlertRule.code == values["code"]))
    before = None if row is None else {c: getattr(row, c) for c in RULE_COLUMNS if c != "updated_at"}
    if row is None:
        row = AlertRule(code=values["code"])
        session.add(row)
    for k, v in values.items():
        setattr(row, k, v)
    session.flush()
    return before, {c: getattr(row, c) for c in RULE_COLUMNS if c != "updated_at"}


def delete_rule(session: Session, code: str) -> dict[str, Any] | None:
    row = session.scalar(select(AlertRule).where(AlertRule.code == code))
    if row is None:
        return None
    before = {c: getattr(row, c) for c in RULE_COLUMNS if c != "updated_at"}
    session.delete(row)
    return before


def open_instances(session: Session) -> pd.DataFrame:
    stmt = (select(*(getattr(AlertInstance, c) for c in INSTANCE_COLUMNS))
            .where(AlertInstance.resolved_at.is_(None)).order_by(AlertInstance.id))
    return frame(session, stmt)


def recent_instances(session: Session, since: dt.datetime) -> pd.DataFrame:
    """Open instances and those resolved since ``since`` (the coordinator's list)."""
    stmt = (select(*(getattr(AlertInstance, c) for c in INSTANCE_COLUMNS))
            .where(or_(AlertInstance.resolved_at.is_(None), AlertInstance.resolved_at >= since))
            .order_by(AlertInstance.first_seen.desc()))
    return frame(session, stmt)


def open_instance(session: Session, rule_code: str, subject: str) -> AlertInstance | None:
    return session.scalar(select(AlertInstance).where(AlertInstance.open_key == f"{rule_code}|{subject}"))


def add_instance(session: Session, *, rule_code: str, subject: str, street_code: str | None,
                 first_seen: dt.datetime, value: float) -> AlertInstance:
    row = AlertInstance(rule_code=rule_code, subject=subject, open_key=f"{rule_code}|{subject}",
                        street_code=street_code, first_seen=first_seen, last_seen=first_seen, value=value)
    session.add(row)
    session.flush()
    return row


def touch_instances(session: Session, ids: Iterable[int], now: dt.datetime) -> None:
    ids = list(ids)
    if ids:
        session.execute(update(AlertInstance).where(AlertInstance.id.in_(ids)).values(last_seen=now))


def resolve_instances(session: Session, ids: Iterable[int], now: dt.datetime) -> None:
    ids = list(ids)
    if ids:
        session.execute(update(AlertInstance).where(AlertInstance.id.in_(ids))
                        .values(resolved_at=now, open_key=None))


# --- incidents for the wall screen (no description: it may name residents) ----------------------


def incidents_open_since(session: Session, start: dt.datetime) -> pd.DataFrame:
    """Every incident that was open at some moment since ``start`` (reported before now and not
    resolved before ``start``): enough to count open and overdue incidents at the end of each day."""
    stmt = (select(orm.Incident.id, orm.Incident.code, orm.Incident.community_id, orm.Incident.type, orm.Incident.severity,
                   orm.Incident.status, orm.Incident.reported_at, orm.Incident.resolved_at, orm.Incident.deadline)
            .where(or_(orm.Incident.resolved_at.is_(None), orm.Incident.resolved_at >= start))
            .order_by(orm.Incident.reported_at))
    return frame(session, stmt)


class AlertsRepository(Repository):
    """``uow.alerts``: the functions above, bound to the unit of work's session."""

    rules = bound(rules)
    upsert_rule = bound(upsert_rule)
    delete_rule = bound(delete_rule)
    open_instances = bound(open_instances)
    recent_instances = bound(recent_instances)
    open_instance = bound(open_instance)
    add_instance = bound(add_instance)
    touch_instances = bound(touch_instances)
    resolve_instances = bound(resolve_instances)
    incidents_open_since = bound(incidents_open_since)
