"""The import service: read a file, validate it whole, then upsert it in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from core.model.actor import Actor, write_service
from core.model.errors import InvalidInput
from core.services.audit import new_batch_id
from core.services.importer import boundaries, write_communities, write_incidents, write_staff
from core.services.importer.context import Context
from core.services.importer.reading import read_table
from core.services.importer.validate import validate
from core.storage.db import session_scope
from core.storage.repositories import import_repo as repo

KINDS = ("communities", "staff", "incidents", "boundaries")
DATUMS = ("wgs84", "gcj02", "bd09")


@dataclass
class ImportSummary:
    kind: str
    file: str
    created: int
    updated: int
    unchanged: int
    dry_run: bool
    extra: dict[str, int] = field(default_factory=dict)  # streets/units/district created

    def text(self) -> str:
        """The Chinese one-line summary the CLI prints."""
        head = "检查通过（未写入数据库）：" if self.dry_run else "导入完成："
        out = f"{head}{self.file} 新增 {self.created} 条，更新 {self.updated} 条，未变 {self.unchanged} 条"
        labels = {"district_created": "新建辖区", "streets_created": "新建街道", "units_created": "新建派出单位"}
        more = [f"{labels[k]} {n} 个" for k, n in self.extra.items() if n and k in labels]
        return out + ("（" + "，".join(more) + "）" if more else "")


@write_service("clerk", "admin")
def import_file(actor: Actor, kind: str, path: str | Path, *, url: str | None = None, datum: str = "wgs84",
                sheet: str | None = None, dry_run: bool = False, district_name: str = "辖区",
                district_code: str = "000000", now: dt.datetime | None = None) -> ImportSummary:
    """Import one exchange file of ``kind``; a file with any problem is refused whole (ImportRefused)."""
    if kind not in KINDS:
        raise InvalidInput(f"未知的导入类型“{kind}”（可选：{'、'.join(KINDS)}）")
    if datum not in DATUMS:
        raise InvalidInput(f"未知的坐标系“{datum}”（可选：{'、'.join(DATUMS)}）")
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"找不到文件：{path}")
    table = None if kind == "boundaries" else read_table(path, sheet)
    now = (now or dt.datetime.now()).replace(microsecond=0)
    with session_scope(url) as session:
        ctx = Context(session, actor, kind, path.name, new_batch_id(), now, dry_run)
        if kind == "boundaries":
            boundaries.write(ctx, boundaries.read(path, datum, session))
        else:
            assert table is not None
            v = validate(table, kind, datum=datum, communities=repo.community_refs(session))
            if kind == "communities":
                write_communities.write(ctx, v, district_name=district_name, district_code=district_code)
            elif kind == "staff":
                write_staff.write(ctx, v)
            else:
                write_incidents.write(ctx, v)
        counts = dict(ctx.counts)
        summary = ImportSummary(kind, path.name, counts.pop("created"), counts.pop("updated"),
                                counts.pop("unchanged"), dry_run, counts)
        if not dry_run:
            ctx.audit("file", None, after={"created": summary.created, "updated": summary.updated,
                                           "unchanged": summary.unchanged, **summary.extra})
    return summary
