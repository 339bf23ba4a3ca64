"""What every writer needs: the unit of work, who acts, the batch id, the clock, and the audit call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from core.model.actor import Actor
from core.services.audit import record, record_many
from core.services.importer.diff import Diff
from core.services.uow import UnitOfWork


@dataclass
class Context:
    uow: UnitOfWork
    actor: Actor
    kind: str
    file: str
    batch: str
    now: dt.datetime
    dry_run: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return self.now.date()

    @property
    def action(self) -> str:
        return f"import.{self.kind}"

    def audit(self, entity: str, entity_id: str | None, *, before: dict[str, Any] | None = None,
              after: dict[str, Any] | None = None, community_code: str | None = None) -> None:
        record(self.uow, self.actor, self.action, entity, entity_id, community_code=community_code,
               before=before, after=after, reason=self.file, batch_id=self.batch)

    def audit_created(self, entity: str, rows: list[dict[str, Any]], community_codes: list[Any]) -> None:
        """One entry per created row; ``after`` holds its values (phones already masked)."""
        entries = [{"entity_id": str(row["code"]), "after": row, "community_code": cc}
                   for row, cc in zip(rows, community_codes, strict=True)]
        record_many(self.uow, self.actor, self.action, entity, entries, reason=self.file, batch_id=self.batch)

    def audit_changed(self, entity: str, diff: Diff, community_codes: list[Any]) -> None:
        """One entry per changed row with the before/after of the changed fields only."""
        entries = [{"entity_id": str(code), "before": before, "after": after, "community_code": cc}
                   for code, before, after, cc in zip(diff.changed["code"], diff.before, diff.after,
                                                      community_codes, strict=True)]
        record_many(self.uow, self.actor, self.action, entity, entries, reason=self.file, batch_id=self.batch)
