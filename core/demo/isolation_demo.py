"""Demo data for incidents, home isolation and screening, written inside the demo seeding transaction.

* incident details (place, a team for dispatched cases) and a report/resolve event per demo incident;
  the default deadline rules;
* one household in home isolation for every isolated household the community counts, spread over its
  grids (grid counts set to match), with the last three days of checks: most done early in the morning,
  some missing today, a couple of fevers;
* one running screening campaign (started yesterday 08:00, deadline tomorrow 20:00) with partial progress
  and a few grids well behind.
Deterministic for the demo's seed. No SQL here: the storage modules do the writing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from core.demo.people import person_names, phones
from core.demo.scales import DemoData
from core.model.incident_rules import DEFAULT_DEADLINE_RULES
from core.storage.repositories import incident_repo, isolation_repo, screening_repo

ISOLATION_DAYS = 14
CHECK_DAYS = 3


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = df.astype(object).where(df.notna(), None)
    return out.to_dict("records")  # type: ignore[return-value]


def write_extras(session: Any, d: DemoData) -> dict[str, int]:
    """Called once by ``core.demo.seed.write_demo`` after the core tables are in."""
    if not len(d.incidents):
        return {}
    rng = np.random.default_rng(d.seed + 9)
    now = dt.datetime.combine(d.today, dt.time(9, 30))
    comm_id = pd.Series(np.arange(1, len(d.communities) + 1), index=d.communities["code"].to_numpy())
    grid_id = pd.Series(np.arange(1, len(d.grids) + 1), index=d.grids["code"].to_numpy())
    _incident_extras(session, d)
    n_hh = _households(session, d, rng, now, comm_id, grid_id)
    n_grids = _campaign(session, d, rng, now, grid_id)
    return {"isolated_households": n_hh, "screening_grids": n_grids}


def _incident_extras(session: Any, d: DemoData) -> None:
    incident_repo.bulk_insert(session, "rule", [{"type": t, "severity": s, "hours": h, "updated_by": "system"}
                                                for t, s, h in DEFAULT_DEADLINE_RULES])
    ids = incident_repo.ids_by_code(session)
    inc = d.incidents.assign(incident_id=d.incidents["code"].map(ids))
    names = d.communities.set_index("code")["name"]
    team = np.where(inc["status"].isin(["dispatched", "in_progress", "resolved", "closed"]),
                    inc["community_code"].map(names) + "应急处置小组", None)
    detail = pd.DataFrame({"incident_id": inc["incident_id"], "place": inc["community_code"].map(names),
                           "assignee_staff_id": None, "assignee_team": team, "reported_by": "system", "source": "demo"})
    incident_repo.bulk_insert(session, "detail", _records(detail))
    rep = pd.DataFrame({"incident_id": inc["incident_id"], "at": inc["reported_at"], "actor": "system",
                        "action": "report", "from_status": None, "to_status": "reported",
                        "note": inc["description"], "assignee": None})
    done = inc[inc["resolved_at"].notna()]
    res = pd.DataFrame({"incident_id": done["incident_id"], "at": done["resolved_at"], "actor": "system",
                        "action": "resolve", "from_status": "in_progress", "to_status": "resolved",
                        "note": "处置完毕（演示）", "assignee": None})
    incident_repo.bulk_insert(session, "event", _records(pd.concat([rep, res], ignore_index=True)))


def _households(session: Any, d: DemoData, rng: np.random.Generator, now: dt.datetime,
                comm_id: pd.Series, grid_id: pd.Series) -> int:
    comms, grids = d.communities, d.grids
    per = comms["isolated_households"].to_numpy(np.int64)
    n = int(per.sum())
    if n == 0:
        return 0
    hh_comm = np.repeat(comms["code"].to_numpy(), per)
    # grid: weighted by each grid's households within its community (cumulative shares + one uniform draw)
    g = grids.assign(w=grids["households"].clip(lower=1).astype(float))
    g["cum"] = g.groupby("community_code")["w"].cumsum() / g.groupby("community_code")["w"].transform("sum")
    g = g.sort_values(["community_code", "cum"])
    u = rng.random(n)
    rank = pd.Series(np.arange(g["community_code"].nunique()), index=pd.unique(g["community_code"]))
    keys = g["community_code"].map(rank).to_numpy(float) + g["cum"].to_numpy()
    first = g.groupby("community_code").cumcount() == 0
    base = pd.Series(np.flatnonzero(first.to_numpy()), index=g.loc[first, "community_code"].to_numpy()).reindex(hh_comm)
    size = g.groupby("community_code").size().reindex(hh_comm).to_numpy()
    pos = np.searchsorted(keys, rank.reindex(hh_comm).to_numpy(float) + u, side="left")
    pos = np.clip(pos, base.to_numpy(), base.to_numpy() + size - 1)
    hh_grid = g["code"].to_numpy()[pos]
    # start days follow the same logistic rise as the community counts' history
    growth = 1 / (1 + np.exp(-(np.arange(ISOLATION_DAYS) - 6) / 1.8))
    inc = np.diff(np.concatenate([[0.0], growth]))
    back = ISOLATION_DAYS - 1 - rng.choice(ISOLATION_DAYS, n, p=inc / inc.sum())
    start = pd.to_datetime(d.today) - pd.to_timedelta(back, unit="D")
    comp = d.compounds.groupby("community_code")["name"].apply(list) if len(d.compounds) else pd.Series(dtype=object)
    comm_name = comms.set_index("code")["name"]
    estate = [(lst[int(k) % len(lst)] if isinstance(lst, list) and lst else f"{comm_name[c]}小区")
              for c, lst, k in zip(hh_comm, comp.reindex(hh_comm).to_numpy(), rng.integers(0, 100, n), strict=False)]
    address = (pd.Series(estate) + pd.Series(rng.integers(1, 30, n)).astype(str) + "栋"
               + pd.Series(rng.integers(1, 5, n)).astype(str) + "单元"
               + pd.Series(rng.integers(1, 25, n) * 100 + rng.integers(1, 5, n)).astype(str))
    hh = pd.DataFrame({
        "code": [f"H{i:06d}" for i in range(1, n + 1)],
        "community_id": pd.Series(hh_comm).map(comm_id).to_numpy(), "grid_id": pd.Series(hh_grid).map(grid_id).to_numpy(),
        "address": address, "head_name": person_names(n, rng), "phone": phones(n, rng),
        "members": rng.choice([1, 2, 3, 4, 5], n, p=[0.15, 0.3, 0.3, 0.17, 0.08]),
        "start_date": start.date, "planned_end": (start + pd.Timedelta(days=ISOLATION_DAYS)).date,
        "status": "active", "created_by": "system", "version": 1,
    })
    isolation_repo.bulk_insert(session, "household", _records(hh))
    hh["id"] = hh["code"].map(isolation_repo.household_ids_by_code(session))
    grid_counts = pd.Series(hh_grid).value_counts()
    isolation_repo.set_grid_counts(session, [{"id": int(grid_id[c]), "isolated_households": int(grid_counts.get(c, 0))}
                                             for c in grids["code"]])
    _checks(session, hh, rng, now)
    return n


def _checks(session: Any, hh: pd.DataFrame, rng: np.random.Generator, now: dt.datetime) -> None:
    rows = []
    for back in range(CHECK_DAYS - 1, -1, -1):
        day = now.date() - dt.timedelta(days=back)
        on = hh[pd.to_datetime(hh["start_date"]).dt.date <= day]
        done = rng.random(len(on)) < (0.975 if back == 0 else 0.995)  # today some are still missing
        on = on[done]
        minutes = rng.integers(7 * 60, 9 * 60 + 25, len(on))
        temps = [list(np.round(np.clip(rng.normal(36.5, 0.22, k), 35.8, 37.1), 1)) for k in on["members"]]
        rows.append(pd.DataFrame({
            "household_id": on["id"].to_numpy(), "day": day,
            "checked_at": [dt.datetime.combine(day, dt.time(0)) + dt.timedelta(minutes=int(x)) for x in minutes],
            "temperatures": temps, "need_groceries": rng.random(len(on)) < 0.12,
            "need_medicine": rng.random(len(on)) < 0.05, "need_other": "", "note": "", "checked_by": "system",
        }))
    checks = pd.concat(rows, ignore_index=True)
    today = np.flatnonzero(checks["day"] == now.date())
    for i in rng.choice(today, min(2, len(today)), replace=False):  # a couple of fevers this morning
        t = list(checks.at[i, "temperatures"])
        t[0] = float(np.round(rng.uniform(37.6, 38.6), 1))
        checks.at[i, "temperatures"] = t
    checks["temperatures"] = [[float(x) for x in t] for t in checks["temperatures"]]
    checks["max_temp"] = [max(t) for t in checks["temperatures"]]
    isolation_repo.bulk_insert(session, "check", _records(checks))


def _campaign(session: Any, d: DemoData, rng: np.random.Generator, now: dt.datetime, grid_id: pd.Series) -> int:
    start = dt.datetime.combine(d.today - dt.timedelta(days=1), dt.time(8, 0))
    deadline = dt.datetime.combine(d.today + dt.timedelta(days=1), dt.time(20, 0))
    camp = screening_repo.add_campaign(session, code=f"P{start:%Y%m%d%H%M}", name="江岸区地毯式排查（第一轮）",
                                       started_at=start, deadline=deadline, status="active", created_by="system",
                                       note="演示：三天内全区逐户排查")
    g = d.grids
    target = g["households"].to_numpy(np.int64)
    ids = g["code"].map(grid_id).to_numpy()
    screening_repo.insert_targets(session, [{"campaign_id": camp.id, "grid_id": int(i), "target_households": int(t)}
                                            for i, t in zip(ids, target, strict=False)])
    rate = np.clip(rng.normal(0.53, 0.06, len(g)), 0.1, 0.95)
    slow = rng.random(len(g)) < 0.05
    rate = np.where(slow, rng.uniform(0.05, 0.2, len(g)), rate)
    times = [start.replace(hour=12), start.replace(hour=18), start.replace(hour=22),
             dt.datetime.combine(d.today, dt.time(8, 0))]
    frac = np.array([0.25, 0.6, 0.8, 1.0])
    cum = np.floor(target[:, None] * rate[:, None] * frac[None, :]).astype(np.int64)
    step = np.diff(np.concatenate([np.zeros((len(g), 1), np.int64), cum], axis=1), axis=1)
    rows = []
    for k, at in enumerate(times):
        v = step[:, k]
        home = np.round(v * rng.uniform(0.78, 0.92, len(g))).astype(np.int64)
        keep = v > 0
        rows.append(pd.DataFrame({"campaign_id": camp.id, "grid_id": ids[keep], "building": "", "at": at,
                                  "visited": v[keep], "at_home": home[keep], "not_home": (v - home)[keep],
                                  "discrepancies": rng.binomial(v[keep], 0.02), "entered_by": "system"}))
    screening_repo.insert_progress(session, _records(pd.concat(rows, ignore_index=True)))
    return len(g)
