"""Write validated checkpoints (卡点): upsert by code, each placed by its compound or its community
(both, if given, must agree), in a grid of that community; then each community touched counts its
active checkpoint rows into ``community.checkpoints``, with today's condition row, as a
communities import does when the count changes.

A post's own shifts a day and people per shift are stored as given; the norms still drive the
required headcount."""

from __future__ import annotations

import pandas as pd

from core.services.importer.columns_places import CHECKPOINT_RANGES, PLACE_FORMATS
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
from core.services.importer.write_communities import CONDITION, record_conditions

FIELDS: dict[str, FieldKind] = {
    "name": "text", "compound": "text", "community": "text", "grid": "text", "shifts_per_day": "num",
    "people_per_shift": "num", "active": "bool", "lon": "num", "lat": "num",
}
DEFAULTS = {"active": True}


def place(out: Problems, inc: pd.DataFrame, compounds: pd.DataFrame, stored_codes: pd.Series) -> pd.DataFrame:
    """``inc`` with the community of every row (written, or its compound's) and, for a new post
    that names no grid, its compound's grid; every problem of the places and figures is added."""
    compound, community = given(inc, "compound"), given(inc, "community")
    out.add(compound.isna() & community.isna(), "community", "importer.checkpoint_place_missing")
    known = compound.isin(compounds["code"])
    out.add(compound.notna() & ~known, "compound", "importer.compound_unknown", value=compound)
    by_code = compounds.set_index("code")
    its = compound.map(by_code["community"])
    other = compound.notna() & known & community.notna() & (its != community)
    out.add(other, "compound", "importer.compound_other_community", value=compound, community=community, its=its)
    for col, (low, high) in CHECKPOINT_RANGES.items():
        if col in inc:
            outside = ((inc[col] < low) | (inc[col] > high)).fillna(False).astype(bool)
            out.add(outside, col, "importer.out_of_range", value=inc[col], minimum=low, maximum=high)
    placed = inc.assign(community=community.where(community.notna(), its))
    new = ~placed["code"].isin(stored_codes)
    grid = given(placed, "grid")
    placed["grid"] = grid.where(grid.notna() | ~new, compound.map(by_code["grid"]))
    return placed


def write(ctx: Context, v: Validated) -> None:
    imports = ctx.uow.imports
    grids, compounds, stored = imports.grids(), imports.compounds(), imports.checkpoints()
    out = Problems(v, PLACE_FORMATS["checkpoints"])
    inc = place(out, v.frame, compounds, stored["code"])
    check_grids(out, given(v.frame, "grid"), inc["community"], grids)
    out.raise_any()
    follow_community(inc, stored, "grid", grids.set_index("code")["community"])
    follow_community(inc, stored, "compound", compounds.set_index("code")["community"])
    diff = compare(inc, stored, "code", FIELDS)
    communities = touched(diff, stored)
    authorise(ctx, communities)
    ctx.counts.update(created=len(diff.new), updated=len(diff.changed), unchanged=diff.unchanged)
    if ctx.dry_run:
        return
    refs = {"community": ("community_id", imports.community_refs().set_index("code")["id"]),
            "grid": ("grid_id", grids.set_index("code")["id"]),
            "compound": ("compound_id", compounds.set_index("code")["id"])}
    table = Table("checkpoint", FIELDS, refs, DEFAULTS)
    table.create(ctx, diff.new)
    table.update(ctx, diff, stored)
    ctx.counts["communities_recounted"] = recount(ctx, communities)


def recount(ctx: Context, codes: pd.Series) -> int:
    """Set ``checkpoints`` of the communities ``codes`` to their active checkpoint rows; returns
    how many changed (each audited, with today's condition row)."""
    comms = ctx.uow.imports.communities()
    sub = comms[comms["code"].isin(codes)].reset_index(drop=True)
    n = sub["id"].map(ctx.uow.imports.active_checkpoints(list(sub["id"])).set_index("community_id")["n"])
    changed = sub[(n != sub["checkpoints"]).to_numpy()].assign(checkpoints=n)
    if changed.empty:
        return 0
    ctx.uow.imports.update_rows("community", [
        {"id": int(r["id"]), "version": int(r["version"]), "checkpoints": int(r["checkpoints"])}
        for r in changed.to_dict("records")])
    record_conditions(ctx, changed.rename(columns={"id": "community_id"})[["community_id", *CONDITION]])
    before = sub.set_index("code")["checkpoints"]
    for code, after in zip(changed["code"], changed["checkpoints"], strict=True):
        ctx.audit("community", code, before={"checkpoints": int(before[code])}, after={"checkpoints": int(after)},
                  community_code=code)
    return len(changed)
