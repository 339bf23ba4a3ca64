"""Write validated staff: units created by name, upsert by code, and the dated history kept in
step (a changed community closes the open Assignment and opens a new one; a changed on-duty
flag appends a DutyChange; a new person gets both)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from core.model.actor import require
from core.model.vocab import StaffKind
from core.services.importer.cleaning import mask_phones
from core.services.importer.context import Context
from core.services.importer.diff import PERSONAL, Diff, FieldKind, compare, plain, records
from core.services.importer.validate import Validated
from core.services.importer.write_communities import next_codes

FIELDS: dict[str, FieldKind] = {
    "name": "text", "kind": "text", "volunteer_type": "text", "unit": "text", "community_code": "text",
    "phone": "text", "home_lon": "num", "home_lat": "num", "movable": "bool", "on_duty": "bool", "skills": "text",
}


def _incoming(v: Validated) -> pd.DataFrame:
    inc = v.frame.rename(columns={"id": "code"})
    if "kind" in inc:
        # a kind other than volunteer clears the volunteer type ("" = explicitly none)
        inc["volunteer_type"] = inc["volunteer_type"].where(
            inc["volunteer_type"].notna() | (inc["kind"] == StaffKind.VOLUNTEER.value), "")
    return inc


def write(ctx: Context, v: Validated) -> None:
    imports = ctx.uow.imports
    inc = _incoming(v)
    stored = imports.staff(list(inc["code"]))
    stored["volunteer_type"] = stored["volunteer_type"].fillna("")
    diff = compare(inc, stored, "code", FIELDS)
    refs = imports.community_refs()
    street_of = refs.set_index("code")["street_code"]
    comm_id = refs.set_index("code")["id"]
    old_cc = stored.set_index("code")["community_code"]
    touched_cc = pd.concat([diff.new.get("community_code", pd.Series(dtype=object)),
                            diff.changed.get("community_code", pd.Series(dtype=object)),
                            diff.changed["code"].map(old_cc)]).dropna()
    require(ctx.actor, "clerk", "admin", streets=sorted(set(touched_cc.map(street_of).dropna())))
    units = imports.units()
    wanted = pd.concat([diff.new.get("unit", pd.Series(dtype=object)),
                        diff.changed.get("unit", pd.Series(dtype=object))]).dropna()
    missing = [n for n in dict.fromkeys(wanted) if n not in set(units["name"])]  # file order
    ctx.counts.update(created=len(diff.new), updated=len(diff.changed), unchanged=diff.unchanged,
                      units_created=len(missing))
    if ctx.dry_run:
        return
    new_units = [{"code": c, "name": n} for c, n in zip(next_codes("U", units["code"].astype(str), len(missing), 5),
                                                         missing, strict=True)]
    imports.insert_rows("unit", new_units)
    for row in new_units:
        ctx.audit("unit", row["code"], after=row)
    unit_id = imports.units().set_index("name")["id"]
    _create(ctx, diff.new, unit_id, comm_id)
    _update(ctx, diff, unit_id, comm_id)


def _create(ctx: Context, new: pd.DataFrame, unit_id: pd.Series, comm_id: pd.Series) -> None:
    if new.empty:
        return
    given = [c for c in FIELDS if c in new]
    rows = new[["code", *given]].copy()
    out = pd.DataFrame({"code": rows["code"], "name": rows["name"], "kind": rows["kind"]})
    out["volunteer_type"] = rows["volunteer_type"].replace("", None) if "volunteer_type" in rows else None
    out["unit_id"] = rows["unit"].map(unit_id) if "unit" in rows else None
    out["community_id"] = rows["community_code"].map(comm_id) if "community_code" in rows else None
    for col in ("phone", "home_lon", "home_lat"):
        out[col] = rows[col] if col in rows else None
    default_movable = rows["kind"] == StaffKind.CADRE.value
    out["movable"] = rows["movable"].fillna(default_movable) if "movable" in rows else default_movable
    out["on_duty"] = rows["on_duty"].fillna(True) if "on_duty" in rows else True
    out["skills"] = rows["skills"].fillna("") if "skills" in rows else ""
    ids = ctx.uow.imports.insert_frame("staff", out.assign(hours_week=0.0, version=1))
    staff_id = out["code"].map(ids)
    placed = out["community_id"].notna()
    ctx.uow.imports.insert_frame("assignment", pd.DataFrame({
        "staff_id": staff_id[placed], "community_id": out["community_id"][placed], "grid_id": None,
        "valid_from": ctx.now, "valid_to": None, "batch_id": ctx.batch}))
    ctx.uow.imports.insert_frame("duty_change", pd.DataFrame({
        "staff_id": staff_id, "at": ctx.now, "on_duty": out["on_duty"].astype(bool)}))
    cc = rows["community_code"].tolist() if "community_code" in rows else [None] * len(rows)
    ctx.audit_created_frame("staff", audit_frame(rows), cc)


def audit_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The created rows as the audit keeps them: plain values, "" as None, floats to 7 places, phones
    masked (what ``plain`` does to each value, column by column)."""
    out = pd.DataFrame(index=rows.index)
    for col in rows.columns:
        values = rows[col]
        if col in PERSONAL:
            out[col] = mask_phones(values)
        elif pd.api.types.is_float_dtype(values.dtype):
            out[col] = values.astype(float).round(7).astype(object).where(values.notna(), None)
        elif pd.api.types.is_bool_dtype(values.dtype):
            out[col] = values.astype(object).where(values.notna(), None)
        else:
            obj = values.astype(object)
            out[col] = obj.where(obj.notna() & ~obj.isin([""]), None)
    return out


def _update(ctx: Context, diff: Diff, unit_id: pd.Series, comm_id: pd.Series) -> None:
    ch = diff.changed
    if ch.empty:
        return
    units, comms = unit_id.to_dict(), comm_id.to_dict()  # dict lookups: 15,000 rows in a loop
    updates: list[dict[str, Any]] = []
    for rec, fields in zip(ch.astype(object).to_dict("records"), diff.changed_fields, strict=True):
        row: dict[str, Any] = {"id": int(rec["id"]), "version": int(rec["version"])}
        for f in fields:
            value = plain(rec[f])
            if f == "unit":
                row["unit_id"] = int(units[value])
            elif f == "community_code":
                row["community_id"], row["grid_id"] = int(comms[value]), None
            elif f == "volunteer_type":
                row[f] = value or None
            else:
                row[f] = value
        updates.append(row)
    ctx.uow.imports.update_rows("staff", updates)
    flags = pd.DataFrame([{f: True for f in fs} for fs in diff.changed_fields], index=ch.index).fillna(False)
    moved = flags["community_code"].to_numpy(bool) if "community_code" in flags else np.zeros(len(ch), bool)
    if moved.any():
        ids = ch["id"][moved].astype(int).tolist()
        ctx.uow.imports.close_assignments(ids, ctx.now)
        ctx.uow.imports.insert_rows("assignment", records(pd.DataFrame({
            "staff_id": ids, "community_id": ch["community_code"][moved].map(comm_id).to_numpy(), "grid_id": None,
            "valid_from": ctx.now, "valid_to": None, "batch_id": ctx.batch})))
    duty = flags["on_duty"].to_numpy(bool) if "on_duty" in flags else np.zeros(len(ch), bool)
    if duty.any():
        ctx.uow.imports.insert_rows("duty_change", records(pd.DataFrame({
            "staff_id": ch["id"][duty].astype(int).to_numpy(), "at": ctx.now,
            "on_duty": ch["on_duty"][duty].astype(bool).to_numpy()})))
    cc = ch["community_code"].tolist() if "community_code" in ch else [None] * len(ch)
    ctx.audit_changed("staff", diff, cc)
