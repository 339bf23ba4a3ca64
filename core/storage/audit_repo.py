"""Append to the audit log (the only write path the log has)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.storage.models import AuditLog


def append(session: Session, **fields: Any) -> None:
    session.add(AuditLog(**fields))
