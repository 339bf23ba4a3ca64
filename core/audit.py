"""The audit trail: every write appends who, when, what (before/after) and why.

There is deliberately no function here that updates or deletes an entry.
"""

from __future__ import annotations

import uuid
from typing import Any

from core.security import Actor
from core.storage.audit_repo import append


def new_batch_id() -> str:
    """One id for all the entries of one user action (one transaction)."""
    return uuid.uuid4().hex[:16]


def record(session: Any, actor: Actor, action: str, entity: str, entity_id: str | int | None = None, *,
           community_code: str | None = None, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None, reason: str = "", batch_id: str | None = None) -> None:
    """Append one entry in the caller's transaction (it commits or rolls back with the change)."""
    append(session, actor=actor.username, action=action, entity=entity,
           entity_id=None if entity_id is None else str(entity_id), community_code=community_code,
           before=before, after=after, reason=reason, batch_id=batch_id)
