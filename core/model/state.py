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
    #: checkpoints that keep a roster that day (core.services.rosters.roster_coverage): community_id,
    #: checkpoints (posts rostered), shifts (their shifts starting that day), staffed (shifts whose people
    #: on duty fill them); their shift coverage comes from it instead of from headcount
    rostered: pd.DataFrame | None = None
    #: grids that keep a watch roster that day (core.services.rosters.grid_roster_coverage): grid_id, shifts
    #: (their shifts starting that day), staffed; such a grid is covered when every one of its shifts is
    grid_rostered: pd.DataFrame | None = None


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
    by rounding down and giving the remainder to the grids with the biggest fractions (ties: the grid
    listed first). Group sums by ``bincount``, the ranking by one ``lexsort`` (no pandas groupby: this runs
    for every day of the history; ``GridScaler`` keeps what does not change from day to day)."""
    return GridScaler(grids).scaled(comms)


class GridScaler:
    """``scale_grid_counts`` of one grid table for many days: the grids' shares are computed once, each
    day only its communities' counts are spread over them."""

    def __init__(self, grids: pd.DataFrame) -> None:
        self.grids = grids
        group, _ = pd.factorize(grids["community_id"])
        # no grids, or a grid without a community (nothing to scale it to): the grids as they are
        self.idle = not len(grids) or bool((group < 0).any())
        if self.idle:
            return
        self.group, self.n_groups = group, int(group.max()) + 1
        self.community_id = grids["community_id"].to_numpy()
        pop = grids["population"].to_numpy(float)
        pop_tot = np.bincount(group, pop, self.n_groups)[group]
        n_in = np.bincount(group, minlength=self.n_groups)[group].astype(float)
        self.position = np.arange(len(grids))
        self.share = {}
        for col in ("isolated_households", "vulnerable_residents"):
            cur = grids[col].to_numpy(float)
            tot = np.bincount(group, cur, self.n_groups)[group]
            self.share[col] = np.where(tot > 0, cur / np.where(tot > 0, tot, 1),
                                       np.where(pop_tot > 0, pop / np.where(pop_tot > 0, pop_tot, 1), 1 / n_in))
        self._at: tuple[np.ndarray, np.ndarray] | None = None
        self._comm_ids: np.ndarray | None = None

    def _where(self, comms: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Each grid's row in ``comms`` and whether it has one (kept while the community ids are the same)."""
        ids = comms["community_id"].to_numpy()
        if self._at is None or self._comm_ids is None or not np.array_equal(ids, self._comm_ids):
            at = pd.Index(ids).get_indexer(self.community_id)
            self._at, self._comm_ids = (np.maximum(at, 0), at >= 0), ids
        return self._at

    def scaled(self, comms: pd.DataFrame) -> pd.DataFrame:
        g = self.grids.copy()
        if self.idle:
            return g
        at, known = self._where(comms)
        group, n_groups = self.group, self.n_groups
        for col, share in self.share.items():
            want = np.where(known, comms[col].to_numpy(float)[at] if len(comms) else 0.0, 0.0)
            want = np.nan_to_num(want, nan=0.0)
            raw = share * want
            base = np.floor(raw + 1e-9)
            rest = want - np.bincount(group, base, n_groups)[group]
            order = np.lexsort((self.position, -(raw - base), group))  # by community, biggest fraction first
            starts = np.searchsorted(group[order], np.arange(n_groups))
            rank = np.empty(len(g), np.int64)
            rank[order] = self.position - starts[group[order]] + 1
            g[col] = (base + (rank <= rest)).astype(np.int64)
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




# --- many days at once (the day-by-day history) -------------------------------------------------------


def _last_before(keys: np.ndarray, times: np.ndarray, cut: np.datetime64, *, inclusive: bool = False) -> np.ndarray:
    """Row indices of the last row per key with time before ``cut`` (on or before with ``inclusive``), for
    rows sorted by key then time (stable): within a key those rows are a prefix of its block."""
    ok = times <= cut if inclusive else times < cut
    idx = np.flatnonzero(ok)
    if not len(idx):
        return idx
    k = keys[idx]
    return idx[np.r_[k[1:] != k[:-1], True]]


def _first_of(keys: np.ndarray, idx: np.ndarray) -> np.ndarray:
    if not len(idx):
        return idx
    k = keys[idx]
    return idx[np.r_[True, k[1:] != k[:-1]]]


def _sorted(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return df.sort_values(by, kind="stable").reset_index(drop=True)


def states_on_days(raw: RawTables, days: list[dt.date]) -> list[StaffingState]:
    """``[state_on(raw, day) for day in days]``, with the history sorted once instead of once a day (the
    result is the same, frame for frame: tests/storage/test_history_days.py)."""
    if raw.assignments is None or raw.duty is None or raw.conditions is None:
        return [state_on(raw, day) for day in days]
    a = _sorted(raw.assignments.assign(valid_from=pd.to_datetime(raw.assignments["valid_from"]),
                                       valid_to=pd.to_datetime(raw.assignments["valid_to"])), ["staff_id", "valid_from"])
    d = _sorted(raw.duty.assign(at=pd.to_datetime(raw.duty["at"])), ["staff_id", "at"])
    c = _sorted(raw.conditions.assign(valid_from=pd.to_datetime(raw.conditions["valid_from"])),
                ["community_id", "valid_from"])
    dep = raw.deployments
    if dep is not None and len(dep):
        dep = _sorted(dep.assign(_s=pd.to_datetime(dep["starts_at"]), _e=pd.to_datetime(dep["ends_at"])),
                      ["staff_id", "starts_at"])
    a_sid, a_from = a["staff_id"].to_numpy(np.int64), a["valid_from"].to_numpy("datetime64[us]")
    a_to = a["valid_to"].to_numpy("datetime64[us]")
    a_comm, a_grid = a["community_id"].to_numpy(float), a["grid_id"].to_numpy(float)
    d_sid, d_at, d_on = d["staff_id"].to_numpy(np.int64), d["at"].to_numpy("datetime64[us]"), d["on_duty"].to_numpy(bool)
    c_cid, c_from = c["community_id"].to_numpy(np.int64), c["valid_from"].to_numpy("datetime64[us]")
    staff_index = pd.Index(raw.staff["staff_id"].to_numpy(np.int64))
    base = normalise_staff(raw.staff)
    comm_index = pd.Index(raw.communities["community_id"].to_numpy(np.int64))
    comm_base = raw.communities[COMMUNITY_COLUMNS]  # the columns chosen once, not once a day
    scaler = GridScaler(raw.grids[GRID_COLUMNS])
    dep_cols = dep[["staff_id", "community_id", "grid_id", "task_type"]] if dep is not None and len(dep) else None
    grids_of: dict[bytes, pd.DataFrame] = {}
    out = []
    for day in days:
        end = np.datetime64(end_of(day), "us")
        staff = base.copy()
        rows = _last_before(a_sid, a_from, end)
        at = staff_index.get_indexer(a_sid[rows])
        hit = at >= 0
        rows, at = rows[hit], at[hit]
        open_ = ~(a_to[rows] < end)  # NaT (still open) compares False
        comm = np.full(len(staff), -1, np.int64)
        grid = np.full(len(staff), -1, np.int64)
        cv, gv = a_comm[rows], a_grid[rows]
        keep = open_ & ~np.isnan(cv)
        comm[at[keep]] = cv[keep].astype(np.int64)
        keep_g = open_ & ~np.isnan(gv)
        grid[at[keep_g]] = gv[keep_g].astype(np.int64)
        staff["community_id"], staff["grid_id"] = comm, grid
        on = np.ones(len(staff), bool)
        rows = _last_before(d_sid, d_at, end)
        at = staff_index.get_indexer(d_sid[rows])
        on[at[at >= 0]] = d_on[rows][at >= 0]
        staff["on_duty"] = on
        comms = _conditions_on(comm_base, c, c_cid, _last_before(c_cid, c_from, np.datetime64(day, "us"),
                                                                inclusive=True), comm_index)
        key = (comms["isolated_households"].to_numpy(np.int64).tobytes()
               + comms["vulnerable_residents"].to_numpy(np.int64).tobytes())
        if key not in grids_of:  # the grid shares change only on the days a community's counts do
            grids_of[key] = scaler.scaled(comms)
        out.append(StaffingState(comms, grids_of[key], staff, day, _deployed_on_sorted(dep, day, dep_cols)))
    return out


def _conditions_on(comms: pd.DataFrame, c: pd.DataFrame, c_cid: np.ndarray, rows: np.ndarray,
                   comm_index: pd.Index) -> pd.DataFrame:
    """``conditions_as_of`` from the pre-sorted conditions' last rows of the day."""
    if not len(rows):
        return comms
    out = comms.copy()
    at = comm_index.get_indexer(c_cid[rows])
    hit = at >= 0
    for col in CONDITION_COLUMNS:
        values = out[col].to_numpy(copy=True)
        new = c[col].to_numpy()[rows][hit]
        present = ~pd.isna(new)
        values[at[hit][present]] = new[present]
        out[col] = pd.Series(values, index=out.index).astype(out[col].dtype)
    return out


def _deployed_on_sorted(dep: pd.DataFrame | None, day: dt.date | None,
                        cols: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """``deployed_on`` for deployments pre-sorted by staff and start, with parsed ``_s``/``_e``
    (``cols``: their four output columns, chosen once)."""
    if dep is None or day is None or not len(dep):
        return None
    start, end = np.datetime64(day, "us"), np.datetime64(day + dt.timedelta(days=1), "us")
    s, e = dep["_s"].to_numpy("datetime64[us]"), dep["_e"].to_numpy("datetime64[us]")
    idx = _first_of(dep["staff_id"].to_numpy(np.int64), np.flatnonzero((s < end) & (e > start)))
    cols = cols if cols is not None else dep[["staff_id", "community_id", "grid_id", "task_type"]]
    return cols.take(idx).reset_index(drop=True)
