"""Write validated screening campaigns (地毯式排查): upsert by code, one target per grid in scope.

The scope names streets and communities (by name or code); the campaign covers every grid of them.
Targets are the grids' households, or a given total split over the grids in proportion to their
households (``core.services.screening.grid_targets``, the rule campaigns opened on the page follow).
A campaign that has recorded progress keeps its targets: a file that would change them is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from core.model.actor import require
from core.services.importer.columns_people import (
    CAMPAIGNS,
    DAYS_RANGE,
    DEFAULT_DAYS,
    Located,
    split_scope,
)
from core.services.importer.context import Context
from core.services.importer.diff import FieldKind, compare, plain
from core.services.importer.validate import Validated
from core.services.screening import grid_targets

ROLES = ("clerk", "admin")
ENTITY = "screening_campaign"
FIELDS: dict[str, FieldKind] = {"name": "text", "started_at": "time", "deadline": "time"}


class _Scope:
    """Street and community words → community codes."""

    def __init__(self, ctx: Context) -> None:
        imports = ctx.uow.imports
        self.refs = imports.community_refs()
        streets = imports.streets()
        unique_name = self.refs.drop_duplicates("name", keep=False)
        self.comm = {**dict(zip(unique_name["name"], unique_name["code"], strict=True)),
                     **{c: c for c in self.refs["code"]}}
        of_street = self.refs.groupby("street_code")["code"].agg(list).to_dict()
        self.street = {**{n: of_street.get(c, []) for n, c in zip(streets["name"], streets["code"], strict=True)},
                       **{c: of_street.get(c, []) for c in streets["code"]}}
        grids = imports.grids()
        self.grids = grids.assign(grid_id=grids["id"], community_id=grids["community"].map(
            self.refs.set_index("code")["id"]))

    def resolve(self, text: str) -> tuple[list[str], list[str], list[str]]:
        """(community codes, unknown words, words without grids) of one scope cell."""
        codes: list[str] = []
        unknown: list[str] = []
        empty: list[str] = []
        for word in split_scope(text):
            mine = self.street.get(word, [self.comm[word]] if word in self.comm else None)
            if mine is None:
                unknown.append(word)
                continue
            if not self.grids["community"].isin(mine).any():
                empty.append(word)
            codes += [c for c in mine if c not in codes]
        return codes, unknown, empty


def _timing(inc: pd.DataFrame, old: pd.DataFrame, now: dt.datetime) -> tuple[list[Any], list[Any]]:
    """Start and deadline of each row: the file's, else the stored ones, else now and three days on."""
    starts, deadlines = [], []
    for code, start, days in zip(inc["code"], inc.get("start", [None] * len(inc)),
                                 inc.get("days", [None] * len(inc)), strict=True):
        had = old.loc[code] if code in old.index else None
        given = None if pd.isna(start) else pd.Timestamp(start).to_pydatetime()
        s = given or (pd.Timestamp(had["started_at"]).to_pydatetime() if had is not None else now)
        if not pd.isna(days):
            d = s + dt.timedelta(days=int(days))
        elif had is not None:
            d = s + (pd.Timestamp(had["deadline"]) - pd.Timestamp(had["started_at"])).to_pytimedelta()
        else:
            d = s + dt.timedelta(days=DEFAULT_DAYS)
        starts.append(s)
        deadlines.append(d)
    return starts, deadlines


def write(ctx: Context, v: Validated) -> None:
    imports = ctx.uow.imports
    inc = v.frame.copy()
    located = Located(v, CAMPAIGNS)
    if "days" in inc:
        d = inc["days"]
        located.add((d.notna() & ((d < DAYS_RANGE[0]) | (d > DAYS_RANGE[1]))).fillna(False).to_numpy(bool), "days",
                    "importer.campaign_days_range", value=d.astype(str), low=DAYS_RANGE[0], high=DAYS_RANGE[1])
    scope = _Scope(ctx)
    resolved = [scope.resolve(str(s)) for s in inc["scope"]]
    unknown = pd.Series([u for _, u, _ in resolved], dtype=object)
    empty = pd.Series([e for _, _, e in resolved], dtype=object)
    located.add(unknown.map(bool).to_numpy(bool), "scope", "importer.campaign_scope_unknown", names=unknown)
    located.add(empty.map(bool).to_numpy(bool), "scope", "importer.campaign_no_grids", names=empty)
    stored = imports.screening_campaigns(list(inc["code"]))
    old = stored.set_index("code")
    inc["started_at"], inc["deadline"] = _timing(inc, old, ctx.now)
    totals = inc["households"] if "households" in inc else pd.Series(pd.NA, index=inc.index)
    targets = [grid_targets(scope.grids[scope.grids["community"].isin(codes)].reset_index(drop=True),
                            total=None if pd.isna(n) else int(n))[["grid_id", "target_households"]]
               for (codes, _, _), n in zip(resolved, totals, strict=True)]
    had = imports.campaign_targets([int(i) for i in stored["id"]])
    before_t = {int(cid): dict(zip(g["grid_id"].astype(int), g["target_households"].astype(int), strict=True))
                for cid, g in had.groupby("campaign_id")}
    new_t = [dict(zip(t["grid_id"].astype(int), t["target_households"].astype(int), strict=True)) for t in targets]
    cid = inc["code"].map(old["id"]) if len(old) else pd.Series(pd.NA, index=inc.index)
    retarget = pd.Series([not pd.isna(c) and before_t.get(int(c), {}) != t for c, t in zip(cid, new_t, strict=True)])
    progressed = (inc["code"].map(old["progress_entries"]).fillna(0).astype(int) > 0 if len(old)
                  else pd.Series(False, index=inc.index))
    located.add((retarget & progressed).to_numpy(bool), "households" if "households" in inc else "scope",
                "importer.campaign_has_progress", code=inc["code"])
    located.done()
    diff = compare(inc, stored.assign(version=None), "code", FIELDS)
    changed_codes = set(diff.changed["code"]) | set(inc.loc[retarget.to_numpy(bool), "code"])
    unchanged = int((~inc["code"].isin(changed_codes) & cid.notna()).sum())
    streets = scope.refs.set_index("code")["street_code"]
    touched = [streets[c] for i, (codes, _, _) in enumerate(resolved)
               if pd.isna(cid.iat[i]) or inc["code"].iat[i] in changed_codes for c in codes]
    require(ctx.actor, *ROLES, streets=sorted(set(touched)))
    ctx.counts.update(created=len(diff.new), updated=len(changed_codes), unchanged=unchanged)
    if ctx.dry_run:
        return
    for i, rec in enumerate(inc.astype(object).to_dict("records")):
        _write_one(ctx, rec, None if pd.isna(cid.iat[i]) else int(cid.iat[i]), targets[i],
                   before_t.get(int(cid.iat[i]), {}) if not pd.isna(cid.iat[i]) else {},
                   old.loc[rec["code"]] if rec["code"] in old.index else None, bool(retarget.iat[i]))


def _summary(rec: dict[str, Any], targets: dict[int, int]) -> dict[str, Any]:
    return {"name": rec["name"], "start": plain(rec["started_at"]), "deadline": plain(rec["deadline"]),
            "grids": len(targets), "target": int(sum(targets.values()))}


def _write_one(ctx: Context, rec: dict[str, Any], campaign_id: int | None, targets: pd.DataFrame,
               before_t: dict[int, int], stored: pd.Series | None, retarget: bool) -> None:
    """One campaign (a file holds a few): created, or its changed fields and targets updated."""
    imports = ctx.uow.imports
    rows = [{"grid_id": int(g), "target_households": int(n)}
            for g, n in zip(targets["grid_id"], targets["target_households"], strict=True)]
    after_t = {r["grid_id"]: r["target_households"] for r in rows}
    if campaign_id is None:
        ids = imports.insert_rows(ENTITY, [{"code": rec["code"], "name": rec["name"], "started_at": rec["started_at"],
                                            "deadline": rec["deadline"], "status": "active",
                                            "created_by": ctx.actor.username, "note": ""}])
        ctx.uow.screening.insert_targets([{"campaign_id": ids[rec["code"]], **r} for r in rows])
        ctx.audit(ENTITY, rec["code"], after={**_summary(rec, after_t), "scope": rec["scope"]})
        return
    assert stored is not None
    fields = {f: rec[f] for f in FIELDS if str(plain(rec[f])) != str(plain(stored[f]))}
    if not fields and not retarget:
        return
    if fields:
        imports.update_rows(ENTITY, [{"id": campaign_id, **fields}])
    if retarget:
        imports.replace_targets(campaign_id, [{"campaign_id": campaign_id, **r} for r in rows])
    was = {"name": stored["name"], "started_at": stored["started_at"], "deadline": stored["deadline"]}
    ctx.audit(ENTITY, rec["code"], before=_summary(was, before_t), after={**_summary(rec, after_t),
                                                                          "scope": rec["scope"]})
