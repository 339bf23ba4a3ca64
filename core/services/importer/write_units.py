"""Write validated paired units (包保单位, upsert by code; a name stays unique) and their pairings with
communities (包保, upsert by the (unit, community) pair)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from core.model.actor import require
from core.services.importer.columns_people import PAIRINGS, UNITS, Located, first_rows
from core.services.importer.context import Context
from core.services.importer.diff import FieldKind, compare, plain, records
from core.services.importer.validate import Validated

ROLES = ("clerk", "admin")
PAIRING_FIELDS: dict[str, FieldKind] = {"cadres_pledged": "num", "since": "text"}


def write_units(ctx: Context, v: Validated) -> None:
    imports = ctx.uow.imports
    inc = v.frame
    stored = imports.units().assign(version=None)
    located = Located(v, UNITS)
    dup, first = first_rows(inc["name"], located.rows)
    located.add(dup, "name", "importer.unit_name_duplicate", value=inc["name"], first_row=first)
    owner = stored.set_index("name")["code"]
    other = inc["name"].map(owner)
    taken = other.notna() & (other != inc["code"])
    located.add(taken.to_numpy(), "name", "importer.unit_name_taken", value=inc["name"], other=other.astype(str))
    located.done()
    diff = compare(inc, stored, "code", {"name": "text"})
    if len(diff.new) or len(diff.changed):
        require(ctx.actor, *ROLES, streets=[None])  # units serve the whole district
    ctx.counts.update(created=len(diff.new), updated=len(diff.changed), unchanged=diff.unchanged)
    if ctx.dry_run:
        return
    new = records(diff.new[["code", "name"]])
    imports.insert_rows("unit", new)
    ctx.audit_created("unit", new, [None] * len(new))
    imports.update_rows("unit", [{"id": int(i), "name": n} for i, n in zip(diff.changed["id"], diff.changed["name"],
                                                                            strict=True)])
    ctx.audit_changed("unit", diff, [None] * len(diff.changed))


def _stored_pairings(ctx: Context) -> pd.DataFrame:
    stored = ctx.uow.imports.pairings()
    return stored.assign(code=stored["unit_code"] + "|" + stored["community_code"], version=None)


def write_pairings(ctx: Context, v: Validated) -> None:
    imports = ctx.uow.imports
    inc = v.frame.copy()
    located = Located(v, PAIRINGS)
    units = imports.units()
    by_name = units.set_index("name")["code"]
    unit = inc["unit"].where(inc["unit"].isin(units["code"]), inc["unit"].map(by_name))
    located.add(unit.isna().to_numpy(), "unit", "importer.unit_unknown", value=inc["unit"].astype(str))
    inc["code"] = unit.fillna("").astype(str) + "|" + inc["community_code"].fillna("").astype(str)
    dup, first = first_rows(inc["code"], located.rows)
    located.add(dup & unit.notna().to_numpy(), "community_code", "importer.pairing_duplicate", unit=inc["unit"].astype(str),
                community=inc["community_code"].astype(str), first_row=first)
    located.done()
    inc["unit_code"] = unit
    stored = _stored_pairings(ctx)
    diff = compare(inc, stored, "code", PAIRING_FIELDS)
    refs = imports.community_refs().set_index("code")
    touched = pd.concat([diff.new["community_code"], diff.changed["community_code"]])
    require(ctx.actor, *ROLES, streets=sorted(set(touched.map(refs["street_code"]).dropna())))
    ctx.counts.update(created=len(diff.new), updated=len(diff.changed), unchanged=diff.unchanged)
    if ctx.dry_run:
        return
    unit_id = units.set_index("code")["id"]
    new = diff.new
    if len(new):
        out = pd.DataFrame({
            "unit_id": new["unit_code"].map(unit_id), "community_id": new["community_code"].map(refs["id"]),
            "cadres_pledged": new["cadres_pledged"].fillna(0) if "cadres_pledged" in new else 0,
            "since": new["since"].where(new["since"].notna(), ctx.today) if "since" in new else ctx.today})
        imports.insert_rows("pairing", records(out))
        audit_rows = [{"code": code, "unit": u, "community": c, "cadres_pledged": plain(n), "since": plain(s)}
                      for code, u, c, n, s in zip(new["code"], new["unit_code"], new["community_code"],
                                                  out["cadres_pledged"], out["since"], strict=True)]
        ctx.audit_created("pairing", audit_rows, new["community_code"].tolist())
    ch = diff.changed
    updates: list[dict[str, Any]] = []
    for rec, fields in zip(ch.astype(object).to_dict("records"), diff.changed_fields, strict=True):
        updates.append({"id": int(rec["id"]), **{f: plain(rec[f]) if f != "since" else rec[f] for f in fields}})
    imports.update_rows("pairing", updates)
    ctx.audit_changed("pairing", diff, ch["community_code"].tolist())
