"""Write validated compounds (小区): upsert by code; a grid named must be one of the compound's
community (a compound moved to another community without a grid leaves its old grid)."""

from __future__ import annotations

from core.services.importer.columns_places import PLACE_FORMATS
from core.services.importer.context import Context
from core.services.importer.diff import FieldKind, compare
from core.services.importer.place_refs import (
    Problems,
    Table,
    authorise,
    check_grids,
    follow_community,
    given,
    touched,
)
from core.services.importer.validate import Validated

FIELDS: dict[str, FieldKind] = {
    "name": "text", "community": "text", "kind": "text", "households": "num", "buildings": "num", "gates": "num",
    "grid": "text", "lon": "num", "lat": "num",
}
DEFAULTS = {"households": 0, "buildings": 0, "gates": 0}


def write(ctx: Context, v: Validated) -> None:
    imports = ctx.uow.imports
    inc = v.frame.copy()
    grids = imports.grids()
    out = Problems(v, PLACE_FORMATS["compounds"])
    check_grids(out, given(inc, "grid"), inc["community"], grids)
    out.raise_any()
    stored = imports.compounds()
    follow_community(inc, stored, "grid", grids.set_index("code")["community"])
    diff = compare(inc, stored, "code", FIELDS)
    authorise(ctx, touched(diff, stored))
    ctx.counts.update(created=len(diff.new), updated=len(diff.changed), unchanged=diff.unchanged)
    if ctx.dry_run:
        return
    refs = {"community": ("community_id", imports.community_refs().set_index("code")["id"]),
            "grid": ("grid_id", grids.set_index("code")["id"])}
    table = Table("compound", FIELDS, refs, DEFAULTS)
    table.create(ctx, diff.new)
    table.update(ctx, diff, stored)
