"""The gaps of many days in one pass of the engine (the day-by-day history: the wall's trend, the gaps
page's 14 days, "较昨日").

Every figure of ``compute_gaps`` is per community (or per grid of a community); streets and the district
are sums. So the states of D days can be stacked into one state of D × N communities, each (day,
community) a community of its own under an id offset by the day, and the engine run once instead of
D times. The result is split back by day: the community rows of each day and its district totals and
coverage, equal to ``compute_gaps`` day by day (tests/unit/test_gap_days.py). Days whose norms differ
are stacked separately (one pass per distinct norms in force).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from core.model.gaps import SUM_COLUMNS, _ratio, compute_gaps
from core.model.norms import Norms
from core.model.state import StaffingState

#: the community columns of the history (what the trend and "较昨日" read)
HISTORY_COLUMNS = ["community_id", "code", "name", "street", "required", "available", "gap", "shortage"]


@dataclasses.dataclass(frozen=True)
class DayGaps:
    """One day's figures: district totals and coverage (as ``GapResult.district`` / ``.coverage``) and the
    community rows (``HISTORY_COLUMNS``)."""

    day: dt.date
    district: dict[str, Any]
    coverage: dict[str, float | None]
    community: pd.DataFrame


def _stride(*arrays: np.ndarray) -> int:
    top = max((int(a.max()) for a in arrays if len(a)), default=0)
    return top + 1


def _offset(values: np.ndarray, k: int, stride: int) -> np.ndarray:
    """Ids of day ``k`` moved into its own range (-1, "none", stays -1)."""
    return np.where(values >= 0, values + k * stride, -1)


def stack_states(states: Sequence[StaffingState]) -> tuple[StaffingState, int]:
    """One state holding every day's communities, grids and people under day-offset ids; the stride of
    the community ids (the day of a stacked community is ``id // stride``)."""
    c_ids = [s.communities["community_id"].to_numpy(np.int64) for s in states]
    g_ids = [s.grids["grid_id"].to_numpy(np.int64) for s in states]
    s_ids = [s.staff["staff_id"].to_numpy(np.int64) for s in states]
    cs = _stride(*c_ids, *(s.grids["community_id"].to_numpy(np.int64) for s in states),
                 *(s.staff["community_id"].to_numpy(np.int64) for s in states))
    gs = _stride(*g_ids, *(s.staff["grid_id"].to_numpy(np.int64) for s in states))
    ss = _stride(*s_ids)
    comms, grids, staff, deployed, screening, rostered, grid_rostered = [], [], [], [], [], [], []
    for k, s in enumerate(states):
        comms.append(s.communities.assign(community_id=_offset(c_ids[k], k, cs)))
        grids.append(s.grids.assign(grid_id=_offset(g_ids[k], k, gs),
                                    community_id=_offset(s.grids["community_id"].to_numpy(np.int64), k, cs)))
        staff.append(s.staff.assign(staff_id=_offset(s_ids[k], k, ss),
                                    community_id=_offset(s.staff["community_id"].to_numpy(np.int64), k, cs),
                                    grid_id=_offset(s.staff["grid_id"].to_numpy(np.int64), k, gs)))
        if s.deployed is not None and len(s.deployed):
            dep_c = pd.to_numeric(s.deployed["community_id"]).fillna(-1).to_numpy(np.int64)
            deployed.append(s.deployed.assign(staff_id=_offset(s.deployed["staff_id"].to_numpy(np.int64), k, ss),
                                              community_id=_offset(dep_c, k, cs)))
        if s.screening is not None and len(s.screening):
            screening.append(s.screening.assign(
                community_id=_offset(s.screening["community_id"].to_numpy(np.int64), k, cs)))
        if s.rostered is not None and len(s.rostered):
            rostered.append(s.rostered.assign(
                community_id=_offset(s.rostered["community_id"].to_numpy(np.int64), k, cs)))
        if s.grid_rostered is not None and len(s.grid_rostered):
            grid_rostered.append(s.grid_rostered.assign(
                grid_id=_offset(s.grid_rostered["grid_id"].to_numpy(np.int64), k, gs)))
    stacked = StaffingState(
        pd.concat(comms, ignore_index=True), pd.concat(grids, ignore_index=True),
        pd.concat(staff, ignore_index=True), states[-1].day,
        pd.concat(deployed, ignore_index=True) if deployed else None,
        pd.concat(screening, ignore_index=True) if screening else None,
        pd.concat(rostered, ignore_index=True) if rostered else None,
        pd.concat(grid_rostered, ignore_index=True) if grid_rostered else None)
    return stacked, cs


def _district_of_days(community: pd.DataFrame, day_of: np.ndarray, n_days: int,
                      n_grids: Sequence[int]) -> list[tuple[dict[str, Any], dict[str, float | None]]]:
    """``district_totals`` of each day from the stacked community rows (sums by bincount)."""
    sums = {k: np.bincount(day_of, weights=community[k].to_numpy(float), minlength=n_days) for k in SUM_COLUMNS}
    n_comm = np.bincount(day_of, minlength=n_days)
    short = np.bincount(day_of, weights=(community["shortage"].to_numpy() > 0).astype(float), minlength=n_days)
    out = []
    for k in range(n_days):
        tot: dict[str, Any] = {c: int(round(sums[c][k])) for c in SUM_COLUMNS}
        tot["communities"] = int(n_comm[k])
        tot["short_communities"] = int(round(short[k]))
        tot["grids"] = int(n_grids[k])

        def ratio(num: str, den: str, scale: float, t: dict[str, Any] = tot) -> float | None:
            value = _ratio(np.array([float(t[num])]), np.array([float(t[den])]), scale)[0]
            return None if np.isnan(value) else float(value)

        coverage = {"grid_coverage": ratio("grids_covered", "grids", 100.0),
                    "checkpoint_shift_coverage": ratio("checkpoint_shifts_staffed", "checkpoint_shifts", 100.0),
                    "staff_per_10k": ratio("available", "population", 10_000.0),
                    "volunteers_per_1k": ratio("volunteers_on_duty", "population", 1_000.0)}
        out.append((tot, coverage))
    return out


def gaps_of_days(states: Sequence[StaffingState], norms: Sequence[Norms]) -> list[DayGaps]:
    """``compute_gaps(state, norms)`` of each day, in one engine pass per distinct norms: the district
    totals, coverage and community rows of each state (in the order given)."""
    if len(states) != len(norms):
        raise ValueError("one norms per state")
    out: list[DayGaps | None] = [None] * len(states)
    groups: dict[int, list[int]] = {}
    for i, n in enumerate(norms):
        key = next((j for j in groups if norms[j] == n), i)
        groups.setdefault(key, []).append(i)
    for first, members in groups.items():
        part = [states[i] for i in members]
        stacked, stride = stack_states(part)
        res = compute_gaps(stacked, norms[first])
        comm = res.community
        ids = comm["community_id"].to_numpy(np.int64)
        day_of = ids // stride
        totals = _district_of_days(comm, day_of, len(part), [len(s.grids) for s in part])
        rows = comm[HISTORY_COLUMNS].assign(community_id=ids % stride)
        order = np.argsort(day_of, kind="stable")
        starts = np.searchsorted(day_of[order], np.arange(len(part) + 1))
        for k, i in enumerate(members):
            block = rows.iloc[order[starts[k]:starts[k + 1]]].reset_index(drop=True)
            out[i] = DayGaps(states[i].day, *totals[k], block)  # type: ignore[arg-type]
    return [d for d in out if d is not None]
