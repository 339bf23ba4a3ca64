"""Write validated communities: district and streets created on demand, upsert by code, and a
dated CommunityCondition row whenever the risk level or the norm counts change."""

from __future__ import annotations

from typing import Any

import pandas as pd

from core.model.actor import require
from core.services.importer import national_codes
from core.services.importer.context import Context
from core.services.importer.diff import Diff, FieldKind, compare, overlay, plain, records
from core.services.importer.problems import ImportRefused
from core.services.importer.validate import Validated

#: the district's code when neither the file nor the user gives one
PLACEHOLDER_DISTRICT = "000000"
DEFAULT_DISTRICT_NAME = "辖区"

FIELDS: dict[str, FieldKind] = {
    "name": "text", "street": "text", "population": "num", "households": "num", "lon": "num", "lat": "num",
    "risk_level": "text", "checkpoints": "num", "isolated_households": "num", "vulnerable_residents": "num",
}
CONDITION = ["risk_level", "checkpoints", "isolated_households", "vulnerable_residents"]
DEFAULTS: dict[str, Any] = {"population": 0, "households": 0, "risk_level": "low", "checkpoints": 0,
                            "isolated_households": 0, "vulnerable_residents": 0, "lon": None, "lat": None}


def next_codes(prefix: str, existing: pd.Series, n: int, width: int) -> list[str]:
    """``n`` fresh codes ``prefix`` + a ``width``-digit number after the highest one in use."""
    tail = existing[existing.str.startswith(prefix) & (existing.str.len() == len(prefix) + width)].str[len(prefix):]
    nums = pd.to_numeric(tail, errors="coerce").dropna()
    start = int(nums.max()) + 1 if len(nums) else 1
    return [f"{prefix}{i:0{width}d}" for i in range(start, start + n)]


def write(ctx: Context, v: Validated, *, district_name: str | None, district_code: str | None) -> None:
    imports = ctx.uow.imports
    inc = v.frame.copy()
    stored = imports.communities()
    streets = imports.streets()
    dist = imports.district()
    known_district = dist["code"] if dist is not None and dist["code"] != PLACEHOLDER_DISTRICT else district_code
    codes, names, problems = national_codes.street_codes(v, streets, known_district)
    if problems:
        raise ImportRefused(problems)
    inc["street"] = names
    diff = compare(inc.drop(columns=[c for c in ("street_code",) if c in inc]), stored, "code", FIELDS)
    code_of = pd.Series(codes.to_numpy(), index=inc["code"].to_numpy())
    wanted = _wanted_streets(diff, code_of)
    stored_codes, stored_names = set(streets["code"].astype(str)), set(streets["name"])
    missing = wanted[~(wanted["code"].isin(stored_codes) | (wanted["code"].isna() & wanted["name"].isin(stored_names)))]
    touched = list(stored.set_index("code").loc[diff.changed["code"], "street_code"]) if len(diff.changed) else []
    touched += list(streets.loc[streets["name"].isin(wanted["name"]), "code"]) + [None] * bool(len(missing))
    require(ctx.actor, "clerk", "admin", streets=touched)
    ctx.counts.update(created=len(diff.new), updated=len(diff.changed), unchanged=diff.unchanged,
                      streets_created=len(missing), district_created=int(dist is None))
    if ctx.dry_run:
        return
    if dist is None:
        code = district_code or national_codes.implied_district(codes) or PLACEHOLDER_DISTRICT
        name = district_name or national_codes.county_names().get(code) or DEFAULT_DISTRICT_NAME
        imports.insert_rows("district", [{"code": code, "name": name}])
        dist = imports.district()
        ctx.audit("district", code, after={"code": code, "name": name})
    assert dist is not None
    numbered = missing[missing["code"].isna()]
    fresh = next_codes(dist["code"], pd.concat([streets["code"].astype(str), missing["code"].dropna()]),
                       len(numbered), 3)
    new_codes = missing["code"].copy()
    new_codes[missing["code"].isna()] = fresh
    new_streets = [{"code": c, "name": n, "district_id": dist["id"]}
                   for c, n in zip(new_codes, missing["name"], strict=True)]
    imports.insert_rows("street", new_streets)
    for row in new_streets:
        ctx.audit("street", row["code"], after={"code": row["code"], "name": row["name"]})
    street_id = imports.streets().drop_duplicates("name").set_index("name")["id"]
    _create(ctx, diff.new, street_id)
    _update(ctx, diff, stored, street_id)


def _wanted_streets(diff: Diff, code_of: pd.Series) -> pd.DataFrame:
    """(code, name) of the streets the new and moved communities go to, once each, in file order;
    code None where the file implies none (matched by name)."""
    moved = diff.changed[["code", "street"]] if "street" in diff.changed else diff.changed[["code"]].iloc[0:0]
    rows = pd.concat([diff.new[["code", "street"]], moved]).dropna(subset=["street"])
    out = pd.DataFrame({"code": rows["code"].map(code_of).to_numpy(), "name": rows["street"].to_numpy()})
    return out.drop_duplicates("name").reset_index(drop=True)


def _create(ctx: Context, new: pd.DataFrame, street_id: pd.Series) -> None:
    if new.empty:
        return
    rows = new[[c for c in new if c in FIELDS or c == "code"]].copy()
    for col, default in DEFAULTS.items():
        rows[col] = rows[col].astype(object).where(rows[col].notna(), default) if col in rows else default
    rows["street_id"] = rows["street"].map(street_id)
    data = records(rows.drop(columns=["street"]).assign(version=1))
    ids = ctx.uow.imports.insert_rows("community", data)
    cond = rows[["code", *CONDITION]].assign(community_id=rows["code"].map(ids), valid_from=ctx.today)
    ctx.uow.imports.insert_rows("community_condition", records(cond.drop(columns=["code"])))
    audit_rows = [{k: plain(v, k) for k, v in r.items() if k != "street_id"} for r in records(rows)]
    ctx.audit_created("community", audit_rows, list(rows["code"]))


def _update(ctx: Context, diff: Diff, stored: pd.DataFrame, street_id: pd.Series) -> None:
    ch = diff.changed
    if ch.empty:
        return
    updates: list[dict[str, Any]] = []
    for rec, fields in zip(ch.astype(object).to_dict("records"), diff.changed_fields, strict=True):
        row: dict[str, Any] = {"id": int(rec["id"]), "version": int(rec["version"])}
        for f in fields:
            value = plain(rec[f])
            if f == "street":
                row["street_id"] = int(street_id[value])
            else:
                row[f] = value
        updates.append(row)
    ctx.uow.imports.update_rows("community", updates)
    touched = [i for i, fs in enumerate(diff.changed_fields) if set(fs) & set(CONDITION)]
    if touched:
        sub = ch.iloc[touched]
        after = overlay(sub, stored, CONDITION).assign(community_id=sub["id"].to_numpy().astype(int))
        record_conditions(ctx, after.drop(columns=["code"]))
    ctx.audit_changed("community", diff, list(ch["code"]))


def record_conditions(ctx: Context, after: pd.DataFrame) -> None:
    """Today's condition row of each community of ``after`` (community_id + the CONDITION columns as
    they now are): inserted, or updated when an import of the same day already wrote one."""
    after = after[["community_id", *CONDITION]].assign(valid_from=ctx.today)
    today = ctx.uow.imports.conditions_on(ctx.today, list(after["community_id"]))
    existing = after["community_id"].map(today.set_index("community_id")["id"] if len(today) else {})
    ins = after[existing.isna()]
    upd = after[existing.notna()].drop(columns=["community_id", "valid_from"])
    ctx.uow.imports.insert_rows("community_condition", records(ins))
    ctx.uow.imports.update_rows("community_condition",
                                records(upd.assign(id=existing.dropna().astype(int).to_numpy())))

