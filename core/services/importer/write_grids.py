"""Write validated grids: upsert by code (a grid may move to another community: audited), and
each grid member named placed in their grid (staff.grid_id and community_id set, the open
Assignment closed and a new one opened with the grid)."""

from __future__ import annotations

import pandas as pd

from core.model.vocab import StaffKind
from core.services.importer.columns_places import PLACE_FORMATS
from core.services.importer.context import Context
from core.services.importer.diff import FieldKind, compare, records
from core.services.importer.place_refs import Problems, Table, authorise, given, touched
from core.services.importer.validate import Validated
from core.services.importer.vocabulary import STAFF_KIND_WORDS

FIELDS: dict[str, FieldKind] = {"name": "text", "community": "text", "households": "num", "population": "num"}
DEFAULTS = {"households": 0, "population": 0, "isolated_households": 0, "vulnerable_residents": 0}


def check_members(out: Problems, inc: pd.DataFrame, staff: pd.DataFrame) -> None:
    """A grid member must be a known person of kind grid_member, named for one grid only."""
    member = given(inc, "grid_member")
    named = member.notna()
    known = member.isin(staff["code"])
    out.add(named & ~known, "grid_member", "importer.grid_member_unknown", value=member)
    kind = member.map(staff.set_index("code")["kind"]).astype(object)
    out.add(named & known & (kind != StaffKind.GRID_MEMBER.value), "grid_member",
            "importer.grid_member_not_grid_member", value=member, kind=kind.map(STAFF_KIND_WORDS).fillna(kind))
    twice = named & member.duplicated(keep="first")
    first_row = member.map(pd.Series(inc["_row"].to_numpy(), index=member.to_numpy()).groupby(level=0).first())
    out.add(twice, "grid_member", "importer.grid_member_twice", value=member, first_row=first_row)


def member_moves(inc: pd.DataFrame, staff: pd.DataFrame) -> pd.DataFrame:
    """The grid members not yet in the grid (and community) the file names for them:
    staff code, id, version, from (community, grid), to (community, grid)."""
    rows = inc[given(inc, "grid_member").notna()]
    if rows.empty:
        return pd.DataFrame(columns=["staff", "id", "version", "community", "grid", "to_community", "to_grid"])
    who = staff.set_index("code").loc[rows["grid_member"].to_numpy()].reset_index()
    moves = pd.DataFrame({"staff": who["code"], "id": who["id"], "version": who["version"],
                          "community": who["community"], "grid": who["grid"],
                          "to_community": rows["community"].to_numpy(), "to_grid": rows["code"].to_numpy()})
    same = (moves["grid"].astype(object) == moves["to_grid"]) & (moves["community"].astype(object)
                                                                 == moves["to_community"])
    return moves[~same.fillna(False).astype(bool)].reset_index(drop=True)


def write(ctx: Context, v: Validated) -> None:
    imports = ctx.uow.imports
    inc = v.frame
    out = Problems(v, PLACE_FORMATS["grids"])
    staff = imports.staff_refs(list(given(inc, "grid_member").dropna().unique()))
    check_members(out, inc, staff)
    out.raise_any()
    stored = imports.grids()
    diff = compare(inc, stored, "code", FIELDS)
    moves = member_moves(inc, staff)
    authorise(ctx, pd.concat([touched(diff, stored), moves["community"], moves["to_community"]]))
    member_only = moves["to_grid"].isin(stored["code"]) & ~moves["to_grid"].isin(diff.changed["code"])
    ctx.counts.update(created=len(diff.new), updated=len(diff.changed) + int(member_only.sum()),
                      unchanged=diff.unchanged - int(member_only.sum()), members_placed=len(moves))
    if ctx.dry_run:
        return
    comm_id = imports.community_refs().set_index("code")["id"]
    table = Table("grid", FIELDS, {"community": ("community_id", comm_id)}, DEFAULTS)
    table.create(ctx, diff.new)
    table.update(ctx, diff, stored)
    _place_members(ctx, moves, comm_id)


def _place_members(ctx: Context, moves: pd.DataFrame, comm_id: pd.Series) -> None:
    if moves.empty:
        return
    grid_id = ctx.uow.imports.grids().set_index("code")["id"]
    ids = moves["id"].astype(int).tolist()
    to_comm = moves["to_community"].map(comm_id).astype(int)
    to_grid = moves["to_grid"].map(grid_id).astype(int)
    ctx.uow.imports.update_rows("staff", [
        {"id": i, "version": int(ver), "community_id": int(c), "grid_id": int(g)}
        for i, ver, c, g in zip(ids, moves["version"], to_comm, to_grid, strict=True)])
    ctx.uow.imports.close_assignments(ids, ctx.now)
    ctx.uow.imports.insert_rows("assignment", records(pd.DataFrame({
        "staff_id": ids, "community_id": to_comm, "grid_id": to_grid, "valid_from": ctx.now, "valid_to": None,
        "batch_id": ctx.batch})))
    for m in records(moves):
        ctx.audit("staff", m["staff"], before={"community_code": m["community"], "grid": m["grid"]},
                  after={"community_code": m["to_community"], "grid": m["to_grid"]},
                  community_code=m["to_community"])
