"""The outbreak over the fortnight: each community's population, households, checkpoints, home
isolation and risk level with their day-by-day history (hot spots where isolation clusters and
grows), and the incidents reported with a daily and a weekly rhythm."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from core.demo import names
from core.demo.scales import HISTORY_DAYS

INCIDENT_TYPES = (
    "fever_case", "close_contact", "quarantine_breach", "refuses_hospital",
    "checkpoint_conflict", "service_overdue", "supplies_short", "other",
)
INCIDENT_TYPE_P = (0.22, 0.2, 0.1, 0.06, 0.14, 0.12, 0.08, 0.08)
SEVERITIES = ("low", "medium", "high", "critical")
SEVERITY_P = (0.45, 0.33, 0.17, 0.05)
DEADLINE_HOURS = {"low": 48, "medium": 24, "high": 8, "critical": 2}


def community_counts(comms: pd.DataFrame, grids: pd.DataFrame, cps: pd.DataFrame, scale: str,
            rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Population, households, checkpoints, isolation and vulnerable counts; the 14-day history."""
    n = len(comms)
    mean_pop = {"district": 5400.0, "city": 5600.0, "province": 2150.0}[scale]
    core_factor = np.exp(-comms["dist_core"].to_numpy() / (0.05 if scale == "district" else 0.3)) * 0.6 + 0.7
    pop = np.round(rng.lognormal(np.log(mean_pop), 0.35, n) * core_factor / core_factor.mean()).astype(int)
    comms = comms.assign(population=np.maximum(pop, 600))
    comms["households"] = np.round(comms["population"] / rng.uniform(2.4, 2.9, n)).astype(int)
    if len(cps):
        cp_count = cps.groupby("community_code").size()
        comms["checkpoints"] = comms["code"].map(cp_count).fillna(0).astype(int)
    else:
        comms["checkpoints"] = rng.integers(2, 5, n)  # about 5 % short overall, as in the prototype
    comms["vulnerable_residents"] = rng.binomial(comms["population"].to_numpy(), 0.018)

    # hot spots: a few communities where home isolation clusters, growing over the fortnight
    n_hot = {"district": 3, "city": 12, "province": 60}[scale]
    hot = rng.choice(n, n_hot, replace=False)
    xy = comms[["lon", "lat"]].to_numpy()
    d = np.min(np.hypot(xy[:, None, 0] - xy[hot, 0], xy[:, None, 1] - xy[hot, 1]), axis=1)
    radius = 0.007 if scale == "district" else 0.012
    heat = np.exp(-d / radius)
    lam = 1.0 + 45.0 * heat
    final_iso = rng.poisson(lam)
    risk = np.where(heat > 0.6, "high", np.where(heat > 0.3, "medium", "low"))
    extra_medium = rng.random(n) < 0.03
    risk = np.where((risk == "low") & extra_medium, "medium", risk)
    comms["isolated_households"] = final_iso
    comms["risk_level"] = risk

    # grid shares of the community counts
    share = grids["share"].to_numpy()
    gi = grids["community_code"].map(pd.Series(np.arange(n), index=comms["code"])).to_numpy()
    grids = grids.assign(
        population=np.round(share * comms["population"].to_numpy()[gi]).astype(int),
        households=np.round(share * comms["households"].to_numpy()[gi]).astype(int),
        isolated_households=np.round(share * final_iso[gi]).astype(int),
        vulnerable_residents=np.round(share * comms["vulnerable_residents"].to_numpy()[gi]).astype(int),
    )

    # history: day 0 is HISTORY_DAYS-1 days ago; isolation grows along a logistic curve and the
    # risk level of hot communities rises in two steps
    rows = []
    growth = 1 / (1 + np.exp(-(np.arange(HISTORY_DAYS) - 6) / 1.8))
    growth = growth / growth[-1]
    level = {"low": 0, "medium": 1, "high": 2}
    names_ = ("low", "medium", "high")
    final_level = np.array([level[r] for r in risk])
    step1 = rng.integers(3, 7, n)
    step2 = rng.integers(7, 11, n)
    for day in range(HISTORY_DAYS):
        iso = np.round(final_iso * growth[day]).astype(int)
        lvl = np.where(day < step1, 0, np.where(day < step2, np.minimum(final_level, 1), final_level))
        rows.append(pd.DataFrame({
            "community_code": comms["code"], "day": day, "risk_level": [names_[v] for v in lvl],
            "checkpoints": comms["checkpoints"].to_numpy(), "isolated_households": iso,
            "vulnerable_residents": comms["vulnerable_residents"].to_numpy(),
        }))
    hist = pd.concat(rows, ignore_index=True)
    # keep only the days on which something changed
    key = ["risk_level", "checkpoints", "isolated_households", "vulnerable_residents"]
    changed = hist.groupby("community_code")[key].shift().ne(hist[key]).any(axis=1)
    hist = hist[changed | (hist["day"] == 0)].reset_index(drop=True)
    return comms, grids, hist


def build_incidents(comms: pd.DataFrame, grids: pd.DataFrame, hist: pd.DataFrame, now: dt.datetime,
                    rng: np.random.Generator) -> pd.DataFrame:
    """Fourteen days of incidents with a daily rhythm (day-time peaks) and a weekly one."""
    start_day = (now - dt.timedelta(days=HISTORY_DAYS - 1)).date()
    iso_by_day = (hist.pivot_table(index="community_code", columns="day", values="isolated_households")
                  .reindex(comms["code"]).ffill(axis=1).fillna(0))
    hour_w = np.array([1, 0.5, 0.3, 0.3, 0.3, 0.6, 1.5, 3, 5, 6, 6, 5, 4, 4, 5, 6, 6, 5, 4, 3.5, 3, 2.5, 2, 1.5])
    hour_p = hour_w / hour_w.sum()
    grid_by_comm = grids.groupby("community_code")["code"].apply(list)
    rows = []
    for day in range(HISTORY_DAYS):
        date = start_day + dt.timedelta(days=day)
        weekly = 0.8 if date.weekday() >= 5 else 1.0
        lam = (0.12 + 0.015 * iso_by_day[day].to_numpy()) * weekly
        k = rng.poisson(lam)
        for ci in np.flatnonzero(k):
            for _ in range(int(k[ci])):
                t = dt.datetime.combine(date, dt.time(int(rng.choice(24, p=hour_p)), int(rng.integers(60))))
                if t > now:
                    continue
                code = comms["code"].iat[ci]
                rows.append({"community_code": code, "reported_at": t,
                             "grid_code": rng.choice(grid_by_comm[code])})
    inc = pd.DataFrame(rows).sort_values("reported_at", ignore_index=True)
    n = len(inc)
    inc["code"] = [f"E{t:%Y%m%d}-{i + 1:05d}" for i, t in enumerate(inc["reported_at"])]
    inc["type"] = rng.choice(INCIDENT_TYPES, n, p=INCIDENT_TYPE_P)
    inc["severity"] = rng.choice(SEVERITIES, n, p=SEVERITY_P)
    inc["deadline"] = inc["reported_at"] + pd.to_timedelta(inc["severity"].map(DEADLINE_HOURS), unit="h")
    age_h = (now - inc["reported_at"]).dt.total_seconds().to_numpy() / 3600
    took = rng.exponential(0.7, n) * inc["severity"].map(DEADLINE_HOURS).to_numpy()
    done = took < age_h
    inc["resolved_at"] = (inc["reported_at"] + pd.to_timedelta(took, unit="h")).where(done, pd.NaT)
    open_status = rng.choice(["reported", "triaged", "dispatched", "in_progress"], n, p=[0.2, 0.2, 0.3, 0.3])
    inc["status"] = np.where(done, np.where(age_h - took > 24, "closed", "resolved"), open_status)
    lonlat = comms.set_index("code").loc[inc["community_code"], ["lon", "lat"]].to_numpy()
    inc["lon"] = np.round(lonlat[:, 0] + rng.normal(0, 0.0015, n), 6)
    inc["lat"] = np.round(lonlat[:, 1] + rng.normal(0, 0.0012, n), 6)
    inc["description"] = inc["type"].map(names.INCIDENT_DESCRIPTIONS)
    return inc
