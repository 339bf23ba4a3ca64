"""What every writer needs: the unit of work, who acts, the batch id, the clock, and the audit call.

Audit entries are held until ``flush_audit`` (the service calls it once, at the end): a file that
creates or changes many rows is then audited in the compact change record (``change_record``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from core.model.actor import Actor
from core.services.audit import record_many
from core.services.importer.change_record import RECORD_ENTITY, ROW_ENTRIES_MAX, Rows, compact
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
    #: the entries not written yet, in order: one entry (``audit``) or the rows of one bulk call
    pending: list[tuple[str, Rows]] = field(default_factory=list)

    @property
    def today(self) -> dt.date:
        return self.now.date()

    @property
    def action(self) -> str:
        return f"import.{self.kind}"

    def audit(self, entity: str, entity_id: str | None, *, before: dict[str, Any] | None = None,
              after: dict[str, Any] | None = None, community_code: str | None = None) -> None:
        entry = {"entity_id": entity_id, "community_code": community_code, "before": before, "after": after}
        self.pending.append(("one", Rows(entity, [entry])))

    def audit_created(self, entity: str, rows: list[dict[str, Any]], community_codes: list[Any]) -> None:
        """One entry per created row; ``after`` holds its values (phones already masked)."""
        entries = [{"entity_id": str(row["code"]), "after": row, "community_code": cc}
                   for row, cc in zip(rows, community_codes, strict=True)]
        self.pending.append(("rows", Rows(entity, entries)))

    def audit_created_frame(self, entity: str, after: pd.DataFrame, community_codes: list[Any]) -> None:
        """``audit_created`` for rows given as a table (column "code" first, values plain and masked):
        no dict is built per row unless the rows get one entry each."""
        self.pending.append(("rows", Rows(entity, after=after.reset_index(drop=True),
                                          ids=after["code"].tolist(), communities=list(community_codes))))

    def audit_changed(self, entity: str, diff: Diff, community_codes: list[Any]) -> None:
        """One entry per changed row with the before/after of the changed fields only."""
        entries = [{"entity_id": str(code), "before": before, "after": after, "community_code": cc}
                   for code, before, after, cc in zip(diff.changed["code"], diff.before, diff.after,
                                                      community_codes, strict=True)]
        self.pending.append(("rows", Rows(entity, entries)))

    def flush_audit(self) -> None:
        """Write the held entries: one per row, or the bulk rows as the compact change record when the
        file created or changed more than ``ROW_ENTRIES_MAX`` rows."""
        bulk = sum(len(rows) for what, rows in self.pending if what == "rows")
        blocks: list[tuple[str, list[dict[str, Any]]]] = []  # consecutive entries of one entity: one insert
        for what, rows in self.pending:
            entity, entries = ((RECORD_ENTITY, compact(rows)) if what == "rows" and bulk > ROW_ENTRIES_MAX
                               else (rows.entity, rows.as_entries()))
            if blocks and blocks[-1][0] == entity:
                blocks[-1][1].extend(entries)
            elif entries:
                blocks.append((entity, list(entries)))
        for entity, entries in blocks:
            self._write(entity, entries)
        self.pending.clear()

    def _write(self, entity: str, entries: list[dict[str, Any]]) -> None:
        record_many(self.uow, self.actor, self.action, entity, entries, reason=self.file, batch_id=self.batch)
