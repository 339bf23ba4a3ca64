"""The staffing state of a day: communities (with the counts the norms need), grids and staff.

``core.services.staffing.load_state(uow)`` reads the current tables; ``load_state(uow, day)`` rebuilds
a past day from the dated history: for each person the latest ``assignment`` and ``duty_change`` that
started before the end of day D, for each community the latest ``community_condition`` with
valid_from <= D. All of it is vectorised (sort + drop_duplicates), never a loop over people.
``core.demo.state.state_from_demo`` builds the same state from generated data so that benchmarks need
no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.model.vocab import StaffKind

COMMUNITY_COLUMNS = ["community_id", "code", "name", "street_id", "street_code", "street", "population",
                     "households", "lon", "lat", "risk_level", "checkpoints", "isolated_households",
                     "vulnerable_residents"]
GRID_COLUMNS = ["grid_id", "code", "name", "community_id", "population", "households", "isolated_households",
                "vulnerable_residents", "checkpoints"]
STAFF_COLUMNS = ["staff_id", "community_id", "grid_id", "kind", "on_duty", "movable", "volunteer_type"]
KIND_CATEGORIES = [k.value for k in StaffKind]
CONDITION_COLUMNS = ["risk_level", "checkpoints", "isolated_households", "vulnerable_residents"]


@dataclass(frozen=True)
class StaffingState:
    """Whole tables. Staff ``community_id``/``grid_id`` are int64 with -1 for "none"; ``kind`` is categorical."""

    communities: pd.DataFrame
    grids: pd.DataFrame
    staff: pd.DataFrame
    day: dt.date | None = None  # None: now
    #: volunteers deployed that day (core.services.volunteers): staff_id, community_id, grid_id, task_type; one
    #: row a person (their first task of the day). The gap engine counts them only for the task types
    #: the norms name in ``volunteers_count_for``.
    deployed: pd.DataFrame | None = None
    #: door-to-door screening still to do per day to meet the running campaigns' deadlines
    #: (core.services.screening.workload_by_community): community_id, households_per_day, as of the start of the day
    screening: pd.DataFrame | None = None


def normalise_staff(staff: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "staff_id": staff["staff_id"].to_numpy(np.int64),
        "community_id": pd.to_numeric(staff["community_id"]).fillna(-1).to_numpy(np.int64),
        "grid_id": pd.to_numeric(staff["grid_id"]).fillna(-1).to_numpy(np.int64),
        "kind": pd.Categorical(staff["kind"], categories=KIND_CATEGORIES),
        "on_duty": staff["on_duty"].fillna(False).to_numpy(bool),
        "movable": staff["movable"].fillna(False).to_numpy(bool),
    })
    if "volunteer_type" in staff:
        out["volunteer_type"] = staff["volunteer_type"].to_numpy()
    else:
        out["volunteer_type"] = None
    return out


def grid_checkpoints(grids: pd.DataFrame, cp: pd.DataFrame) -> pd.DataFrame:
    """Grids with the number of active checkpoint posts located in each."""
    located = cp.dropna(subset=["grid_id"]).groupby("grid_id")["n"].sum() if len(cp) else pd.Series(dtype=int)
    out = grids.copy()
    out["checkpoints"] = out["grid_id"].map(located).fillna(0).astype(np.int64)
    return out


def scale_grid_counts(grids: pd.DataFrame, comms: pd.DataFrame) -> pd.DataFrame:
    """Rescale each grid's isolated/vulnerable counts so that they add up to its community's counts of
    the day (grids keep only current counts; the dated history is per community). Largest share first
    by rounding down and giving the remainder to the grids with the biggest fractions."""
    g = grids.copy()
    target = comms.set_index("community_id")
    for col in ("isolated_households", "vulnerable_residents"):
        cur = g[col].to_numpy(float)
        tot = g.groupby("community_id")[col].transform("sum").to_numpy(float)
        pop = g["population"].to_numpy(float)
        pop_tot = g.groupby("community_id")["population"].transform("sum").to_numpy(float)
        n_in = g.groupby("community_id")["grid_id"].transform("size").to_numpy(float)
        share = np.where(tot > 0, cur / np.where(tot > 0, tot, 1),
                         np.where(pop_tot > 0, pop / np.where(pop_tot > 0, pop_tot, 1), 1 / n_in))
        want = g["community_id"].map(target[col]).fillna(0).to_numpy(float)
        raw = share * want
        base = np.floor(raw + 1e-9)
        rest = want - g.assign(_b=base).groupby("community_id")["_b"].transform("sum").to_numpy(float)
        frac_rank = g.assign(_f=raw - base).groupby("community_id")["_f"].rank(method="first", ascending=False)
        g[col] = (base + (frac_rank.to_numpy() <= rest)).astype(np.int64)
    return g


@dataclass(frozen=True)
class RawTables:
    """What the database holds up to the end of some day: current tables and the dated history."""

    communities: pd.DataFrame
    grids: pd.DataFrame
    staff: pd.DataFrame
    assignments: pd.DataFrame | None = None
    duty: pd.DataFrame | None = None
    conditions: pd.DataFrame | None = None
    deployments: pd.DataFrame | None = None  # staff_id, community_id, grid_id, task_type, starts_at, ends_at
    today: dt.date | None = None  # the reference day of "now" (the demo's own today in the demo)


def deployed_on(deployments: pd.DataFrame | None, day: dt.date | None) -> pd.DataFrame | None:
    """Who was deployed on ``day`` (task window overlapping the calendar day), one row a person."""
    if deployments is None or day is None or not len(deployments):
        return None
    start, end = pd.Timestamp(day), pd.Timestamp(day + dt.timedelta(days=1))
    d = deployments[(pd.to_datetime(deployments["starts_at"]) < end) & (pd.to_datetime(deployments["ends_at"]) > start)]
    d = d.sort_values(["staff_id", "starts_at"], kind="stable").drop_duplicates("staff_id")
    return d[["staff_id", "community_id", "grid_id", "task_type"]].reset_index(drop=True)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0))


def state_on(raw: RawTables, day: dt.date | None) -> StaffingState:
    """The state as of the end of ``day`` from tables read up to that day or later (None: current)."""
    if day is None or raw.assignments is None or raw.duty is None or raw.conditions is None:
        return StaffingState(raw.communities[COMMUNITY_COLUMNS], raw.grids[GRID_COLUMNS],
                             normalise_staff(raw.staff), None, deployed_on(raw.deployments, raw.today))
    end = end_of(day)
    a = raw.assignments[pd.to_datetime(raw.assignments["valid_from"]) < pd.Timestamp(end)]
    d = raw.duty[pd.to_datetime(raw.duty["at"]) < pd.Timestamp(end)]
    cond = raw.conditions[pd.to_datetime(raw.conditions["valid_from"]) <= pd.Timestamp(day)]
    comms = conditions_as_of(raw.communities, cond)
    grids = scale_grid_counts(raw.grids, comms)
    staff = staff_as_of(raw.staff, a, d, end)
    return StaffingState(comms[COMMUNITY_COLUMNS], grids[GRID_COLUMNS], normalise_staff(staff), day,
                         deployed_on(raw.deployments, day))


def conditions_as_of(comms: pd.DataFrame, conditions: pd.DataFrame) -> pd.DataFrame:
    """Communities with risk level and counts from their latest condition row (current values if none)."""
    if not len(conditions):
        return comms
    last = (conditions.sort_values(["community_id", "valid_from"], kind="stable")
            .drop_duplicates("community_id", keep="last").set_index("community_id"))
    out = comms.copy()
    for col in CONDITION_COLUMNS:
        out[col] = out["community_id"].map(last[col]).fillna(out[col]).astype(out[col].dtype)
    return out


def staff_as_of(staff: pd.DataFrame, assignments: pd.DataFrame, duty: pd.DataFrame, end: dt.datetime) -> pd.DataFrame:
    """People placed by their latest assignment begun before ``end`` (none, or closed before ``end``:
    not serving that day) and on duty by their latest duty change before ``end`` (none: on duty)."""
    out = staff.copy()
    if len(assignments):
        a = (assignments.sort_values(["staff_id", "valid_from"], kind="stable")
             .drop_duplicates("staff_id", keep="last").set_index("staff_id"))
        closed = pd.to_datetime(a["valid_to"]).lt(pd.Timestamp(end)).to_numpy()
        comm = a["community_id"].astype(float).where(~closed)
        out["community_id"] = out["staff_id"].map(comm)
        out["grid_id"] = out["staff_id"].map(a["grid_id"].astype(float).where(~closed))
    else:
        out["community_id"] = np.nan
        out["grid_id"] = np.nan
    if len(duty):
        d = (duty.sort_values(["staff_id", "at"], kind="stable")
             .drop_duplicates("staff_id", keep="last").set_index("staff_id"))
        out["on_duty"] = out["staff_id"].map(d["on_duty"].astype(bool)).fillna(True).astype(bool)
    else:
        out["on_duty"] = True
    return out


