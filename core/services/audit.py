"""The audit trail: every write appends who, when, what (before/after) and why.

There is deliberately no function here that updates or deletes an entry.
"""

from __future__ import annotations

import uuid
from typing import Any

from core.model.actor import Actor
from core.services.uow import UnitOfWork


def new_batch_id() -> str:
    """One id for all the entries of one user action (one transaction)."""
    return uuid.uuid4().hex[:16]


def record(uow: UnitOfWork, actor: Actor, action: str, entity: str, entity_id: str | int | None = None, *,
           community_code: str | None = None, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None, reason: str = "", batch_id: str | None = None) -> None:
    """Append one entry in the caller's transaction (it commits or rolls back with the change)."""
    uow.audit.append(actor=actor.username, action=action, entity=entity,
                     entity_id=None if entity_id is None else str(entity_id), community_code=community_code,
                     before=before, after=after, reason=reason, batch_id=batch_id)


def record_many(uow: UnitOfWork, actor: Actor, action: str, entity: str, entries: list[dict[str, Any]], *,
                reason: str = "", batch_id: str | None = None) -> None:
    """Append many entries of one action at once (bulk insert; imports write thousands).

    Each entry holds ``entity_id`` and optionally ``community_code``, ``before``, ``after``.
    """
    rows = [{"actor": actor.username, "action": action, "entity": entity,
             "entity_id": None if e.get("entity_id") is None else str(e["entity_id"]),
             "community_code": e.get("community_code"), "before": e.get("before"), "after": e.get("after"),
             "reason": reason, "batch_id": batch_id} for e in entries]
    uow.audit.append_many(rows)
