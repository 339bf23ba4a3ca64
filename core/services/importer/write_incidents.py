"""Write validated incidents: upsert by code; the response deadline follows the severity."""

from __future__ import annotations

from typing import Any

import pandas as pd

from core.model.actor import require
from core.model.vocab import SEVERITY_DEADLINE_HOURS
from core.services.importer.context import Context
from core.services.importer.diff import FieldKind, compare, overlay, plain, records
from core.services.importer.validate import Validated

FIELDS: dict[str, FieldKind] = {
    "community_code": "text", "type": "text", "severity": "text", "status": "text", "reported_at": "time",
    "resolved_at": "time", "lon": "num", "lat": "num", "description": "text",
}
HOURS = {str(k): v for k, v in SEVERITY_DEADLINE_HOURS.items()}


def _deadline(reported: pd.Series, severity: pd.Series) -> pd.Series:
    return pd.to_datetime(reported) + pd.to_timedelta(severity.map(HOURS), unit="h")


def write(ctx: Context, v: Validated) -> None:
    imports = ctx.uow.imports
    inc = v.frame.rename(columns={"id": "code"})
    stored = imports.incidents(list(inc["code"]))
    diff = compare(inc, stored, "code", FIELDS)
    refs = imports.community_refs().set_index("code")
    old_cc = stored.set_index("code")["community_code"]
    touched = pd.concat([inc["community_code"], diff.changed["code"].map(old_cc)]).dropna()
    require(ctx.actor, "clerk", "admin", streets=sorted(set(touched.map(refs["street_code"]).dropna())))
    ctx.counts.update(created=len(diff.new), updated=len(diff.changed), unchanged=diff.unchanged)
    if ctx.dry_run:
        return
    new = diff.new
    if len(new):
        rows = new[["code", *[f for f in FIELDS if f in new]]].copy()
        out = rows.drop(columns=["community_code"]).assign(
            community_id=rows["community_code"].map(refs["id"]), grid_id=None,
            deadline=_deadline(rows["reported_at"], rows["severity"]), version=1)
        out["description"] = out["description"].fillna("") if "description" in out else ""
        imports.insert_rows("incident", records(out))
        audit_rows = [{k: plain(val, k) for k, val in r.items()} for r in records(rows)]
        ctx.audit_created("incident", audit_rows, rows["community_code"].tolist())
    ch = diff.changed
    if ch.empty:
        return
    merged = overlay(ch, stored, ["reported_at", "severity"])
    deadlines = [None if pd.isna(d) else d.to_pydatetime()
                 for d in _deadline(merged["reported_at"], merged["severity"])]
    updates: list[dict[str, Any]] = []
    for rec, fields, deadline in zip(ch.astype(object).to_dict("records"), diff.changed_fields, deadlines,
                                     strict=True):
        row: dict[str, Any] = {"id": int(rec["id"]), "version": int(rec["version"])}
        for f in fields:
            value = rec[f]
            if f == "community_code":
                row["community_id"], row["grid_id"] = int(refs["id"][value]), None
            elif isinstance(value, pd.Timestamp):
                row[f] = value.to_pydatetime()
            else:
                row[f] = plain(value)
        if {"reported_at", "severity"} & set(fields):
            row["deadline"] = deadline
        updates.append(row)
    imports.update_rows("incident", updates)
    ctx.audit_changed("incident", diff, ch["community_code"].tolist())
