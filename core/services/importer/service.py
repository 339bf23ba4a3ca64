"""The import service: read a file, validate it whole, then upsert it in the caller's unit of work
(one transaction: any problem refuses the whole file and nothing is written)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core.model.actor import Actor, write_service
from core.model.errors import InvalidInput
from core.services import clock
from core.services.audit import new_batch_id
from core.services.desk import apply_due_risk
from core.services.importer import boundaries, write_communities
from core.services.importer.context import Context
from core.services.importer.reading import read_table
from core.services.importer.registry import KINDS as REGISTRY
from core.services.importer.validate import validate
from core.services.uow import UnitOfWork

#: every kind, in the order a district loads them
KINDS = tuple(REGISTRY)
DATUMS = ("wgs84", "gcj02", "bd09")
#: the further counts a summary may report (``importer.summary.<name>``)
EXTRA_COUNTS = ("district_created", "streets_created", "units_created", "members_placed", "communities_recounted",
                "merged_cells")


@dataclass
class ImportSummary:
    kind: str
    file: str
    created: int
    updated: int
    unchanged: int
    dry_run: bool
    extra: dict[str, int] = field(default_factory=dict)  # streets/units/district created

    def text(self, tr: Callable[..., str]) -> str:
        """The one-line summary, in the language of ``tr`` (the front end's ``translate(key, **params)``)."""
        key = "importer.summary.checked" if self.dry_run else "importer.summary.done"
        out = tr(key, file=self.file, created=self.created, updated=self.updated, unchanged=self.unchanged)
        more = [tr(f"importer.summary.{k}", n=n) for k, n in self.extra.items() if n and k in EXTRA_COUNTS]
        return out + (tr("importer.summary.more", items=tr("importer.summary.separator").join(more)) if more else "")


@write_service("clerk", "admin")
def import_file(uow: UnitOfWork, actor: Actor, kind: str, path: str | Path, *, datum: str = "wgs84",
                sheet: str | None = None, dry_run: bool = False, district_name: str | None = None,
                district_code: str | None = None, now: dt.datetime | None = None,
                into_demo: bool = False) -> ImportSummary:
    """Import one exchange file of ``kind``; a file with any problem is refused whole (ImportRefused).
    ``dry_run`` checks everything, writes nothing and reports what an import would do.

    A district's real files never mix with the generated demo: an import into the demo database is
    refused (``importer.demo_database``: drop the demo first) unless ``into_demo`` (the tests and the
    demo's own tooling, which add files to a populated district on purpose)."""
    if kind not in KINDS:
        raise InvalidInput("importer.kind_unknown", kind=kind, kinds=list(KINDS))
    if datum not in DATUMS:
        raise InvalidInput("importer.datum_unknown", datum=datum, datums=list(DATUMS))
    # the district's name and code are stored too (String(100), String(32)): checked here, dry run or not
    for option, value, longest in (("district_name", district_name, 100), ("district_code", district_code, 32)):
        if value is not None and (len(value) > longest or any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value)):
            raise InvalidInput("importer.limits.option_invalid", option=option, max_len=longest)
    if not dry_run and not into_demo and uow.meta.get("demo") == "1":
        raise InvalidInput("importer.demo_database")
    if not dry_run:
        uow.imports.lock_for_import()  # overlapping imports run one after the other
        apply_due_risk(uow)  # condition rows written by the import carry the risk level in force
    path = Path(path)
    if not path.is_file():
        raise InvalidInput("importer.file_missing", path=str(path))
    spec = REGISTRY[kind]
    table = None if spec.format is None else read_table(path, sheet)
    now = now or clock.wall_now()
    now = now.replace(microsecond=0)
    ctx = Context(uow, actor, kind, path.name, new_batch_id(), now, dry_run)
    if table is not None and table.merged_cells:
        ctx.counts["merged_cells"] = table.merged_cells  # said in the summary: the file was read so
    if spec.format is None:
        boundaries.write(ctx, boundaries.read(path, datum, uow))
    else:
        assert table is not None
        v = validate(table, spec.format, datum=datum, communities=uow.imports.community_refs())
        if spec.write is None:
            write_communities.write(ctx, v, district_name=district_name, district_code=district_code)
        else:
            spec.write(ctx, v)
    counts = dict(ctx.counts)
    summary = ImportSummary(kind, path.name, counts.pop("created"), counts.pop("updated"),
                            counts.pop("unchanged"), dry_run, counts)
    if not dry_run:
        ctx.audit("file", None, after={"created": summary.created, "updated": summary.updated,
                                       "unchanged": summary.unchanged, **summary.extra})
        ctx.flush_audit()
    return summary
