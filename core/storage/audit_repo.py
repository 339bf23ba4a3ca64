"""Append to the audit log (the only write path the log has)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from core.storage.models import AuditLog


def append(session: Session, **fields: Any) -> None:
    session.add(AuditLog(**fields))


def append_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk append (one executemany); the ``at`` default is filled per row."""
    if rows:
        session.execute(insert(AuditLog), rows)
