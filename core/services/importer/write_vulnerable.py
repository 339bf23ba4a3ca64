"""Write validated vulnerable residents (重点关爱): upsert by code; each touched community's and grid's
``vulnerable_residents`` become their count of active residents (with the community's condition of the day).

Name, phone, address and note are personal: no problem message names them and the audit log keeps them
masked."""

from __future__ import annotations

from typing import Any

import pandas as pd

from core.model.actor import require
from core.services.importer.columns_people import (
    CARE_STATUS,
    VULNERABLE,
    Located,
    private_phones,
    resolve_grids,
    words_column,
)
from core.services.importer.context import Context
from core.services.importer.diff import Diff, FieldKind, compare, plain, records
from core.services.importer.validate import Validated
from core.services.importer.vocabulary import CARE_STATUS_WORDS
from core.services.importer.write_people import (
    audit_counts,
    column_or,
    mask_personal,
    touched_communities,
)

ROLES = ("clerk", "admin")
FIELDS: dict[str, FieldKind] = {
    "community_code": "text", "grid": "text", "category": "text", "name": "text", "phone": "text",
    "address": "text", "note": "text", "status": "text",
}
PERSONAL = {"name": "name", "phone": "phone", "address": "address", "note": "text"}
ENTITY = "vulnerable_resident"


def _check(v: Validated, grids: pd.DataFrame) -> pd.DataFrame:
    inc = v.frame.copy()
    located = Located(v, VULNERABLE)
    status = words_column(located, "status", CARE_STATUS, "importer.vulnerable_status_bad",
                          [*CARE_STATUS_WORDS.values()])
    if status is not None:
        inc["status"] = status
    phones = private_phones(located)
    if phones is not None:
        inc["phone"] = phones
    if "grid" in inc:
        inc["grid_id"] = resolve_grids(located, inc["grid"], inc["community_code"], grids)
    located.done()
    return inc


def write(ctx: Context, v: Validated) -> None:
    imports = ctx.uow.imports
    stored = imports.vulnerable_residents(list(v.frame["code"]))
    inc = _check(v, imports.grids().rename(columns={"community": "community_code"}))
    diff = compare(inc, stored, "code", FIELDS)
    refs = imports.community_refs().set_index("code")
    touched = touched_communities(diff, stored)
    require(ctx.actor, *ROLES, streets=sorted(set(touched.map(refs["street_code"]).dropna())))
    ctx.counts.update(created=len(diff.new), updated=len(diff.changed), unchanged=diff.unchanged)
    if ctx.dry_run:
        return
    _create(ctx, diff.new, refs["id"])
    _update(ctx, diff, refs["id"])
    changes = ctx.uow.care.sync_counts(list(touched.map(refs["id"]).dropna().astype(int)), ctx.today)
    audit_counts(ctx, changes, "vulnerable_residents")


def _create(ctx: Context, new: pd.DataFrame, comm_id: pd.Series) -> None:
    if new.empty:
        return
    out = pd.DataFrame({
        "code": new["code"], "community_id": new["community_code"].map(comm_id),
        "grid_id": column_or(new, "grid_id", None), "category": new["category"], "name": new["name"],
        "phone": column_or(new, "phone", None), "address": column_or(new, "address", ""),
        "note": column_or(new, "note", ""), "status": column_or(new, "status", "active"),
        "created_by": ctx.actor.username, "version": 1})
    ctx.uow.imports.insert_rows(ENTITY, records(out))
    shown = out.drop(columns=["community_id", "grid_id", "created_by", "version"]).assign(
        community=new["community_code"], grid=column_or(new, "grid", None))
    rows = [mask_personal({k: plain(val) for k, val in r.items()}, PERSONAL) for r in records(shown)]
    ctx.audit_created(ENTITY, rows, new["community_code"].tolist())


def _update(ctx: Context, diff: Diff, comm_id: pd.Series) -> None:
    ch = diff.changed
    if ch.empty:
        return
    updates: list[dict[str, Any]] = []
    for rec, fields in zip(ch.astype(object).to_dict("records"), diff.changed_fields, strict=True):
        row: dict[str, Any] = {"id": int(rec["id"]), "version": int(rec["version"])}
        for f in fields:
            if f == "community_code":
                row["community_id"] = int(comm_id[rec[f]])
                row.setdefault("grid_id", None)  # a grid of the old community no longer applies
            elif f == "grid":
                row["grid_id"] = int(rec["grid_id"])
            else:
                row[f] = plain(rec[f])
        updates.append(row)
    ctx.uow.imports.update_rows(ENTITY, updates)
    diff.before = [mask_personal(d, PERSONAL) for d in diff.before]
    diff.after = [mask_personal(d, PERSONAL) for d in diff.after]
    ctx.audit_changed(ENTITY, diff, ch["community_code"].tolist())
