"""What the writers of grids, compounds and checkpoints share: problems located in the file,
references to grids checked against the database, and the upsert of one place table (create,
update, audit) with its code references turned into ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.model.actor import require
from core.services.importer.columns import Format
from core.services.importer.context import Context
from core.services.importer.diff import Diff, FieldKind, plain, records
from core.services.importer.problems import ImportRefused, Problem
from core.services.importer.validate import Validated

#: a reference written as "" (not NA) means "explicitly none": the stored one is cleared
NONE = ""


class Problems:
    """The problems a writer finds against the database, located as the user sees them."""

    def __init__(self, v: Validated, fmt: Format) -> None:
        self.v = v
        self.zh = {c.name: c.zh for c in fmt.columns}
        self.found: list[Problem] = []

    def header(self, column: str) -> str:
        return self.v.headers.get(column) or self.zh[column]

    def add(self, mask: pd.Series | np.ndarray, column: str, key: str, **params: Any) -> None:
        """``key`` for every row of ``mask``; a parameter given as a Series is taken per row."""
        bad = np.asarray(mask, dtype=bool)
        rows = self.v.frame["_row"].to_numpy()[bad]
        per_row = {k: list(np.asarray(p.astype(object))[bad]) for k, p in params.items() if isinstance(p, pd.Series)}
        fixed = {k: p for k, p in params.items() if not isinstance(p, pd.Series)}
        for i, row in enumerate(rows):
            values = {**fixed, **{k: plain(vals[i]) for k, vals in per_row.items()}}
            self.found.append(Problem(self.v.file, int(row), self.header(column), key, values))

    def raise_any(self) -> None:
        if self.found:
            raise ImportRefused(self.found)


def given(frame: pd.DataFrame, column: str) -> pd.Series:
    """The column's values (NA where not given, or where the file has no such column)."""
    if column in frame:
        return frame[column].astype(object)
    return pd.Series(pd.NA, index=frame.index, dtype=object)


def check_grids(out: Problems, grid: pd.Series, community: pd.Series, grids: pd.DataFrame) -> None:
    """Each grid named must exist and lie in the row's community."""
    named = grid.notna() & (grid != NONE)
    known = grid.isin(grids["code"])
    out.add(named & ~known, "grid", "importer.grid_unknown", value=grid)
    grid_comm = grid.map(grids.set_index("code")["community"])
    other = named & known & community.notna() & (grid_comm != community)
    out.add(other, "grid", "importer.grid_other_community", value=grid, community=community, its=grid_comm)


def follow_community(inc: pd.DataFrame, stored: pd.DataFrame, column: str, community_of: pd.Series) -> None:
    """A row that moves its place to another community without naming ``column`` (a grid or a
    compound of the old community) leaves that grid or compound: ``column`` becomes NONE."""
    if "community" not in inc:
        return
    old = inc["code"].map(stored.set_index("code")[column]) if len(stored) else pd.Series(None, index=inc.index)
    stale = given(inc, column).isna() & old.notna() & inc["community"].notna() & (
        old.map(community_of) != inc["community"])
    if stale.any():
        inc[column] = given(inc, column).where(~stale, NONE)


def streets_of(ctx: Context, communities: pd.Series) -> list[str]:
    refs = ctx.uow.imports.community_refs().set_index("code")["street_code"]
    return sorted(set(communities.dropna().map(refs).dropna()))


def touched(diff: Diff, stored: pd.DataFrame) -> pd.Series:
    """The communities a write changes: of the new rows, and both sides of the changed ones."""
    old = diff.changed["code"].map(stored.set_index("code")["community"]) if len(diff.changed) else None
    parts = [given(diff.new, "community"), given(diff.changed, "community")] + ([old] if old is not None else [])
    return pd.concat(parts, ignore_index=True).dropna().drop_duplicates()


def authorise(ctx: Context, communities: pd.Series) -> None:
    require(ctx.actor, "clerk", "admin", streets=streets_of(ctx, communities))


@dataclass
class Table:
    """One place table: its fields as the file names them and the references to turn into ids
    (field → (column, code → id))."""

    entity: str
    fields: dict[str, FieldKind]
    refs: dict[str, tuple[str, pd.Series]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)

    def db_value(self, name: str, value: Any) -> tuple[str, Any]:
        value = plain(value)
        if name not in self.refs:
            return name, value
        column, ids = self.refs[name]
        return column, None if value in (None, NONE) else int(ids[value])

    def create(self, ctx: Context, new: pd.DataFrame) -> dict[str, int]:
        """Insert ``new`` (defaults for what the file leaves blank); returns code → id."""
        if new.empty:
            return {}
        rows = new[["code", *[f for f in self.fields if f in new]]].copy()
        for col, default in self.defaults.items():
            rows[col] = rows[col].astype(object).where(rows[col].notna(), default) if col in rows else default
        out = pd.DataFrame({"code": rows["code"]})
        for name in rows.columns.drop("code"):
            if name in self.refs:
                column, ids = self.refs[name]
                out[column] = rows[name].mask(rows[name] == NONE).map(ids)
            else:
                out[name] = rows[name]
        ids = ctx.uow.imports.insert_rows(self.entity, records(out))
        audit_rows = [{k: plain(val, k) for k, val in r.items()} for r in records(rows)]
        ctx.audit_created(self.entity, audit_rows, list(rows["community"]))
        return ids

    def update(self, ctx: Context, diff: Diff, stored: pd.DataFrame) -> None:
        ch = diff.changed
        if ch.empty:
            return
        updates: list[dict[str, Any]] = []
        for rec, fields in zip(ch.astype(object).to_dict("records"), diff.changed_fields, strict=True):
            row: dict[str, Any] = {"id": int(rec["id"])}
            row.update(self.db_value(f, rec[f]) for f in fields)
            updates.append(row)
        ctx.uow.imports.update_rows(self.entity, updates)
        old = ch["code"].map(stored.set_index("code")["community"])
        ctx.audit_changed(self.entity, diff, list(given(ch, "community").fillna(old)))
