"""Write validated home-isolated households (居家隔离): upsert by code; the communities' and grids'
``isolated_households`` follow in the same transaction (with the community's condition of the day).

Head of household, phone and address are personal: no problem message names them and the audit log
keeps them masked (张*, 138****5678, the door number hidden)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from core.model.actor import require
from core.services.importer.columns_people import (
    DEFAULT_ISOLATION_DAYS,
    HOUSEHOLD_STATUS,
    HOUSEHOLDS,
    MEMBERS_RANGE,
    Located,
    private_phones,
    resolve_grids,
    words_column,
)
from core.services.importer.context import Context
from core.services.importer.diff import Diff, FieldKind, compare, plain, records
from core.services.importer.validate import Validated
from core.services.importer.vocabulary import HOUSEHOLD_STATUS_WORDS
from core.services.importer.write_people import (
    audit_counts,
    column_or,
    mask_personal,
    touched_communities,
)

ROLES = ("clerk", "admin")
FIELDS: dict[str, FieldKind] = {
    "community_code": "text", "grid": "text", "address": "text", "head_name": "text", "phone": "text",
    "members": "num", "start_date": "text", "planned_end": "text", "status": "text",
}
PERSONAL = {"head_name": "name", "address": "address", "phone": "phone"}


def _check(ctx: Context, v: Validated, stored: pd.DataFrame, grids: pd.DataFrame) -> pd.DataFrame:
    """The incoming rows with statuses, phones and grid ids cleaned; every problem located."""
    inc = v.frame.copy()
    located = Located(v, HOUSEHOLDS)
    status = words_column(located, "status", HOUSEHOLD_STATUS, "importer.household_status_bad",
                          [*HOUSEHOLD_STATUS_WORDS.values()])
    if status is not None:
        inc["status"] = status
    phones = private_phones(located)
    if phones is not None:
        inc["phone"] = phones
    if "members" in inc:
        m = inc["members"]
        located.add((m.notna() & ((m < MEMBERS_RANGE[0]) | (m > MEMBERS_RANGE[1]))).fillna(False).to_numpy(bool),
                    "members", "importer.members_range", value=m.astype(str), low=MEMBERS_RANGE[0],
                    high=MEMBERS_RANGE[1])
    if "grid" in inc:
        inc["grid_id"] = resolve_grids(located, inc["grid"], inc["community_code"], grids)
    old = stored.set_index("code")
    start = _given(inc, "start_date", old, ctx.today)
    end = _given(inc, "planned_end", old, None)
    end = end.where(end.notna(), start.map(lambda d: d + dt.timedelta(days=DEFAULT_ISOLATION_DAYS)))
    early = (pd.to_datetime(end) < pd.to_datetime(start)).to_numpy(bool)
    located.add(early, "planned_end" if "planned_end" in inc else "start_date", "importer.planned_end_before_start",
                start=start.astype(str), end=end.astype(str))
    located.done()
    return inc.assign(start_date=start, planned_end=end)


def _given(inc: pd.DataFrame, col: str, old: pd.DataFrame, default: Any) -> pd.Series:
    """The file's value, else the stored one, else ``default`` (dates as Python dates)."""
    mine = inc[col] if col in inc else pd.Series(None, index=inc.index, dtype=object)
    kept = inc["code"].map(old[col]) if len(old) else pd.Series(None, index=inc.index, dtype=object)
    out = mine.astype(object).where(mine.notna(), kept.astype(object))
    return out.where(out.notna(), default).astype(object)


def write(ctx: Context, v: Validated) -> None:
    imports = ctx.uow.imports
    stored = imports.isolated_households(list(v.frame["code"]))
    grids = imports.grids().rename(columns={"community": "community_code"})
    inc = _check(ctx, v, stored, grids)
    diff = compare(inc, stored, "code", FIELDS)
    refs = imports.community_refs().set_index("code")
    touched = touched_communities(diff, stored)
    require(ctx.actor, *ROLES, streets=sorted(set(touched.map(refs["street_code"]).dropna())))
    ctx.counts.update(created=len(diff.new), updated=len(diff.changed), unchanged=diff.unchanged)
    if ctx.dry_run:
        return
    _create(ctx, diff.new, refs["id"])
    _update(ctx, diff, refs["id"])
    changes = ctx.uow.isolation.sync_counts(list(touched.map(refs["id"]).dropna().astype(int)), ctx.today)
    audit_counts(ctx, changes, "isolated_households")


def _create(ctx: Context, new: pd.DataFrame, comm_id: pd.Series) -> None:
    if new.empty:
        return
    status = column_or(new, "status", "active")
    out = pd.DataFrame({
        "code": new["code"], "community_id": new["community_code"].map(comm_id),
        "grid_id": column_or(new, "grid_id", None), "address": new["address"],
        "head_name": column_or(new, "head_name", ""), "phone": column_or(new, "phone", None),
        "members": column_or(new, "members", 1), "start_date": new["start_date"], "planned_end": new["planned_end"],
        "status": status, "ended_at": [ctx.now if s == "ended" else None for s in status], "created_by": ctx.actor.username,
        "version": 1})
    ctx.uow.imports.insert_rows("isolated_household", records(out))
    shown = out.drop(columns=["community_id", "grid_id", "created_by", "version", "ended_at"]).assign(
        community=new["community_code"], grid=column_or(new, "grid", None))
    rows = [mask_personal({k: plain(val) for k, val in r.items()}, PERSONAL) for r in records(shown)]
    ctx.audit_created("home_isolation", rows, new["community_code"].tolist())


def _update(ctx: Context, diff: Diff, comm_id: pd.Series) -> None:
    ch = diff.changed
    if ch.empty:
        return
    updates: list[dict[str, Any]] = []
    for rec, fields in zip(ch.astype(object).to_dict("records"), diff.changed_fields, strict=True):
        row: dict[str, Any] = {"id": int(rec["id"]), "version": int(rec["version"])}
        for f in fields:
            value = rec[f]
            if f == "community_code":
                row["community_id"] = int(comm_id[value])
                row.setdefault("grid_id", None)  # a grid of the old community no longer applies
            elif f == "grid":
                row["grid_id"] = int(rec["grid_id"])
            elif f == "status":
                row["status"], row["ended_at"] = value, ctx.now if value == "ended" else None
            elif f in ("start_date", "planned_end"):
                row[f] = value
            else:
                row[f] = plain(value)
        updates.append(row)
    ctx.uow.imports.update_rows("isolated_household", updates)
    diff.before = [mask_personal(d, PERSONAL) for d in diff.before]
    diff.after = [mask_personal(d, PERSONAL) for d in diff.after]
    ctx.audit_changed("home_isolation", diff, ch["community_code"].tolist())
