"""Staffing gaps and coverage, vectorised over whole tables (numpy bincount; no loop over communities).

Definitions (B = base per 10,000 residents, G = grid members per grid, P = people per checkpoint
shift, S = shifts per day, I = isolated households per person, V = vulnerable residents per person,
m = the community's risk multiplier; "counted" staff are on duty and of ``norms.counted_kinds``):

* community required = ceil(m × (B·population/10⁴ + G·grids + P·S·checkpoints + isolated/I + vulnerable/V
  + screening households a day/H)), H = households one person screens a day; the screening term is
  the pace needed from the start of the day to finish the running campaigns by their deadlines
  (``state.screening``; fixed for the day, like any staffing figure planned in the morning), computed at community level from the community's counts of the day. This is the number the
  reassignment optimiser balances.
* grid required = ceil(m × (G + P·S·checkpoints located in the grid + the grid's isolated/I + vulnerable/V)):
  the grid's share without the community-wide base term, so the grids of a community add up to at
  most its required headcount (checkpoints not located in any grid count only at community level).
* available = counted staff (community); for a grid: counted staff assigned to it plus its share
  (by grid required, rounded down) of the community's unassigned counted staff left after the base term.
* gap = required − available (positive: shortage); shortage = max(gap, 0);
  movable surplus = min(movable counted staff, max(0, available − required)); a grid gets its share
  of the community's movable surplus by required, rounded down.
* grid coverage: share of grids with at least one on-duty grid member assigned to them; a grid that keeps a
  watch roster that day (``state.grid_rostered``) is covered instead when every one of its shifts is staffed.
* checkpoint-shift coverage: the community's checkpoint shifts (checkpoints × S) are staffed after the
  base and grid-member terms: staffed = min(shifts, floor(max(0, available − ceil(m·(B·pop/10⁴ +
  G·grids))) / (m·P))). Communities without checkpoints have no shifts (coverage blank, not 100 %).
* posts that keep a roster (``state.rostered``: a post with its own shift pattern, or people on its shifts
  that day) are counted from it instead: their shifts starting that day, staffed when the people on duty on
  a shift are as many as it needs; the headcount rule above covers only the community's other posts.
* deployed volunteers (``state.deployed``, core.services.volunteers) count only for the task types the norms
  name in ``volunteers_count_for`` (none by default), each once a day in the community of their task,
  and only if their kind is not already counted: they add to available; those on checkpoint tasks
  staff checkpoint shifts first (they are added after the base and grid-member terms are taken).
* staff per 10,000 residents = counted staff / population × 10⁴; volunteers per 1,000 = on-duty volunteers
  / population × 10³ (blank for zero population).
* street and district figures are sums over communities (shortage sums the communities' shortages,
  so a street's surplus in one community does not hide another's shortage), ratios recomputed from sums.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.model.norms import Norms
from core.model.state import KIND_CATEGORIES, StaffingState

EPS_DECIMALS = 6  # round before ceil so that 2.5 × 1.2 = 3.0000000000000004 stays 3


def ceil_people(x: np.ndarray) -> np.ndarray:
    return np.ceil(np.round(x, EPS_DECIMALS)).astype(np.int64)


def positions(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Position of each value in ``keys`` (unique ids), -1 where absent; vectorised."""
    n = len(keys)
    if n == 0:
        return np.full(len(values), -1, dtype=np.int64)
    if keys[0] >= 0 and np.array_equal(keys, np.arange(keys[0], keys[0] + n)):
        pos = values - keys[0]
        return np.where((pos >= 0) & (pos < n), pos, -1).astype(np.int64)
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    i = np.searchsorted(sk, values)
    ic = np.minimum(i, n - 1)
    return np.where(sk[ic] == values, order[ic], -1).astype(np.int64)


def _ratio(num: np.ndarray, den: np.ndarray, scale: float = 1.0) -> np.ndarray:
    out = np.full(len(num), np.nan)
    ok = den > 0
    out[ok] = num[ok] / den[ok] * scale
    return out


@dataclass(frozen=True)
class GapResult:
    """Gaps at every level. ``district`` and ``coverage`` are plain dicts of numbers."""

    grid: pd.DataFrame
    community: pd.DataFrame
    street: pd.DataFrame
    district: dict[str, Any]
    coverage: dict[str, float]
    norms: Norms
    day: dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def multipliers(risk: pd.Series, norms: Norms) -> np.ndarray:
    """Risk multiplier per row; an unknown level counts as the highest (never understate need)."""
    worst = max(norms.risk_multiplier.values())
    return risk.map(norms.risk_multiplier).fillna(worst).to_numpy(float)


def compute_gaps(state: StaffingState, norms: Norms) -> GapResult:
    """Required, available, gap and coverage for grids, communities, streets and the district."""
    c, g, s = state.communities, state.grids, state.staff
    n, ng = len(c), len(g)
    cid = c["community_id"].to_numpy(np.int64)
    gid = g["grid_id"].to_numpy(np.int64)
    mult = multipliers(c["risk_level"], norms)
    pop = c["population"].to_numpy(float)
    cp = c["checkpoints"].to_numpy(float)

    # grids per community
    g_pos = positions(cid, g["community_id"].to_numpy(np.int64))
    g_ok = g_pos >= 0
    n_grids = np.bincount(g_pos[g_ok], minlength=n)

    # staff: one bincount of (community, kind, on duty) answers every per-community count
    kinds = len(KIND_CATEGORIES)
    s_pos = positions(cid, s["community_id"].to_numpy(np.int64))
    kcode = s["kind"].cat.codes.to_numpy(np.int64)
    on = s["on_duty"].to_numpy(bool)
    placed = (s_pos >= 0) & (kcode >= 0)
    key = (s_pos * kinds + kcode) * 2 + on
    counts = np.bincount(key[placed], minlength=n * kinds * 2).reshape(n, kinds, 2)
    counted_kind = np.isin(np.array(KIND_CATEGORIES), list(norms.counted_kinds))
    available = counts[:, counted_kind, 1].sum(axis=1)
    off_duty = counts[:, counted_kind, 0].sum(axis=1)
    counted = placed & on & counted_kind[np.maximum(kcode, 0)]
    mov = counted & s["movable"].to_numpy(bool)
    movable_on_duty = np.bincount(s_pos[mov], minlength=n)
    vol_on = counts[:, KIND_CATEGORIES.index("volunteer"), 1]
    dep_n, dep_cp = deployed_counts(state, norms, cid)
    available = available + dep_n

    # required (community level)
    base = norms.base_per_10k_residents * pop / 10_000
    grid_term = norms.grid_members_per_grid * n_grids
    raw = (base + grid_term + norms.people_per_checkpoint_day * cp
           + c["isolated_households"].to_numpy(float) / norms.isolated_households_per_person
           + c["vulnerable_residents"].to_numpy(float) / norms.vulnerable_residents_per_person
           + screening_households(state, cid) / norms.screening_households_per_person_per_day)
    required = ceil_people(mult * raw)
    gap = required - available
    surplus = np.maximum(0, -gap)
    movable_surplus = np.minimum(movable_on_duty, surplus)

    # grid level
    gm = mult[np.maximum(g_pos, 0)]
    g_required = ceil_people(gm * (norms.grid_members_per_grid
                             + norms.people_per_checkpoint_day * g["checkpoints"].to_numpy(float)
                             + g["isolated_households"].to_numpy(float) / norms.isolated_households_per_person
                             + g["vulnerable_residents"].to_numpy(float) / norms.vulnerable_residents_per_person))
    sg_pos = positions(gid, s["grid_id"].to_numpy(np.int64))
    in_grid = counted & (sg_pos >= 0)
    assigned = np.bincount(sg_pos[in_grid], minlength=ng)
    gm_kind = placed & on & (kcode == KIND_CATEGORIES.index("grid_member")) & (sg_pos >= 0)
    g_members_on = np.bincount(sg_pos[gm_kind], minlength=ng)
    assigned_c = np.bincount(g_pos[g_ok], weights=assigned[g_ok], minlength=n)
    pool = np.maximum(0, available - assigned_c - ceil_people(mult * base))
    req_sum_c = np.bincount(g_pos[g_ok], weights=g_required[g_ok], minlength=n)
    w = np.where(g_ok, g_required / np.where(req_sum_c[np.maximum(g_pos, 0)] > 0,
                                             req_sum_c[np.maximum(g_pos, 0)], 1), 0.0)
    g_available = assigned + np.floor(pool[np.maximum(g_pos, 0)] * w + 1e-9).astype(np.int64) * g_ok
    g_gap = g_required - g_available
    g_movable_surplus = (np.floor(movable_surplus[np.maximum(g_pos, 0)] * w + 1e-9) * g_ok).astype(np.int64)
    g_shifts, g_staffed = grid_rostered_counts(state, gid)
    covered = np.where(g_shifts > 0, g_staffed >= g_shifts, g_members_on > 0)
    grids_covered = np.bincount(g_pos[g_ok], weights=covered[g_ok], minlength=n).astype(np.int64)

    # checkpoint shifts
    r_cp, r_shifts, r_staffed = rostered_counts(state, cid)
    head_shifts = (np.maximum(cp - r_cp, 0) * norms.checkpoint_shifts_per_day).astype(np.int64)
    after = np.maximum(0, available - dep_cp - ceil_people(mult * (base + grid_term))) + dep_cp
    per_shift = mult * norms.people_per_checkpoint_shift
    staffable = np.where(per_shift > 0, np.floor(after / np.where(per_shift > 0, per_shift, 1) + 1e-9), head_shifts)
    shifts = head_shifts + r_shifts
    staffed = (np.minimum(head_shifts, staffable) + r_staffed).astype(np.int64)

    # string columns keep their (arrow) arrays: converting 120k grid names to Python objects and back
    # was most of the time at province scale
    community = pd.DataFrame({
        "community_id": cid, "code": c["code"].array, "name": c["name"].array,
        "street_code": c["street_code"].array, "street": c["street"].array,
        "population": pop.astype(np.int64), "lon": c["lon"].to_numpy(float), "lat": c["lat"].to_numpy(float),
        "risk_level": c["risk_level"].array, "multiplier": mult, "grids": n_grids,
        "checkpoints": cp.astype(np.int64), "isolated_households": c["isolated_households"].to_numpy(np.int64),
        "vulnerable_residents": c["vulnerable_residents"].to_numpy(np.int64),
        "required": required, "available": available, "gap": gap, "shortage": np.maximum(gap, 0),
        "movable_on_duty": movable_on_duty, "movable_surplus": movable_surplus, "off_duty": off_duty,
        "grids_covered": grids_covered, "grid_coverage": _ratio(grids_covered, n_grids.astype(float), 100.0),
        "checkpoint_shifts": shifts, "checkpoint_shifts_staffed": staffed,
        "checkpoint_shift_coverage": _ratio(staffed.astype(float), shifts.astype(float), 100.0),
        "volunteers_on_duty": vol_on, "volunteers_deployed_counted": dep_n, "staff_per_10k": _ratio(available.astype(float), pop, 10_000.0),
        "volunteers_per_1k": _ratio(vol_on.astype(float), pop, 1_000.0),
    })
    for k, kind in enumerate(KIND_CATEGORIES):
        community[f"on_duty_{kind}"] = counts[:, k, 1]

    cc = g_pos.clip(0)
    grid = pd.DataFrame({
        "grid_id": gid, "code": g["code"].array, "name": g["name"].array,
        "community_id": g["community_id"].to_numpy(np.int64),
        "community_code": community["code"].array.take(cc), "community": community["name"].array.take(cc),
        "street_code": community["street_code"].array.take(cc), "street": community["street"].array.take(cc),
        "population": g["population"].to_numpy(np.int64), "checkpoints": g["checkpoints"].to_numpy(np.int64),
        "isolated_households": g["isolated_households"].to_numpy(np.int64),
        "vulnerable_residents": g["vulnerable_residents"].to_numpy(np.int64),
        "required": g_required, "available": g_available, "gap": g_gap, "shortage": np.maximum(g_gap, 0),
        "movable_surplus": g_movable_surplus, "assigned": assigned, "grid_members_on_duty": g_members_on,
        "covered": covered,
    })
    street = roll_up(community)
    district, coverage = district_totals(community, ng)
    return GapResult(grid=grid, community=community, street=street, district=district, coverage=coverage,
                     norms=norms, day=state.day)


def rostered_counts(state: StaffingState, cid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per community: posts that keep a roster that day, their shifts, and those staffed (zeros if none)."""
    n = len(cid)
    r = state.rostered
    if r is None or not len(r):
        zero = np.zeros(n, dtype=np.int64)
        return zero, zero, zero
    pos = positions(cid, r["community_id"].to_numpy(np.int64))
    ok = pos >= 0
    return tuple(np.bincount(pos[ok], weights=r[k].to_numpy(float)[ok], minlength=n).astype(np.int64)
                 for k in ("checkpoints", "shifts", "staffed"))  # type: ignore[return-value]


def grid_rostered_counts(state: StaffingState, gid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per grid: its rostered shifts that day and those staffed (zeros for grids without a roster)."""
    n = len(gid)
    r = state.grid_rostered
    if r is None or not len(r):
        zero = np.zeros(n, dtype=np.int64)
        return zero, zero
    pos = positions(gid, r["grid_id"].to_numpy(np.int64))
    ok = pos >= 0
    return tuple(np.bincount(pos[ok], weights=r[k].to_numpy(float)[ok], minlength=n).astype(np.int64)
                 for k in ("shifts", "staffed"))  # type: ignore[return-value]


def screening_households(state: StaffingState, cid: np.ndarray) -> np.ndarray:
    """Households a day each community must screen to meet its campaigns' deadlines (0 if none)."""
    out = np.zeros(len(cid))
    work = state.screening
    if work is not None and len(work):
        pos = positions(cid, work["community_id"].to_numpy(np.int64))
        ok = pos >= 0
        np.add.at(out, pos[ok], work["households_per_day"].to_numpy(float)[ok])
    return out


def deployed_counts(state: StaffingState, norms: Norms, cid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per community: deployed volunteers the norms count (all counted task types; checkpoint tasks)."""
    n = len(cid)
    dep = state.deployed
    if dep is None or not len(dep) or not norms.volunteers_count_for or not len(state.staff):
        return np.zeros(n, np.int64), np.zeros(n, np.int64)
    s = state.staff
    sid = s["staff_id"].to_numpy(np.int64)
    p = positions(sid, dep["staff_id"].to_numpy(np.int64))
    known = p >= 0
    kinds = pd.Categorical(s["kind"])  # compared by category code, not as 10⁵ strings
    counted_codes = [i for i, k in enumerate(kinds.categories) if str(k) in norms.counted_kinds]
    kind_code = kinds.codes[np.maximum(p, 0)]
    on = known & s["on_duty"].to_numpy(bool)[np.maximum(p, 0)]
    pos = positions(cid, pd.to_numeric(dep["community_id"]).fillna(-1).to_numpy(np.int64))
    task = dep["task_type"].astype(str).to_numpy()
    ok = (known & on & (pos >= 0) & np.isin(task, list(norms.volunteers_count_for))
          & ~np.isin(kind_code, counted_codes))
    n_all = np.bincount(pos[ok], minlength=n).astype(np.int64)
    n_cp = np.bincount(pos[ok & (task == "checkpoint")], minlength=n).astype(np.int64)
    return n_all, n_cp


SUM_COLUMNS = ["population", "grids", "grids_covered", "checkpoints", "checkpoint_shifts", "checkpoint_shifts_staffed",
               "isolated_households", "required", "available", "gap", "shortage", "movable_on_duty",
               "movable_surplus", "volunteers_on_duty", "off_duty"]


def _with_ratios(df: pd.DataFrame) -> pd.DataFrame:
    df["grid_coverage"] = _ratio(df["grids_covered"].to_numpy(float), df["grids"].to_numpy(float), 100.0)
    df["checkpoint_shift_coverage"] = _ratio(df["checkpoint_shifts_staffed"].to_numpy(float),
                                             df["checkpoint_shifts"].to_numpy(float), 100.0)
    df["staff_per_10k"] = _ratio(df["available"].to_numpy(float), df["population"].to_numpy(float), 10_000.0)
    df["volunteers_per_1k"] = _ratio(df["volunteers_on_duty"].to_numpy(float), df["population"].to_numpy(float), 1_000.0)
    return df


def roll_up(community: pd.DataFrame) -> pd.DataFrame:
    """Street totals (sums, then ratios from the sums) with the number of short communities."""
    keyed = community.assign(communities=1, short_communities=(community["shortage"] > 0).astype(np.int64))
    out = keyed.groupby(["street_code", "street"], sort=True)[[*SUM_COLUMNS, "communities", "short_communities"]].sum()
    out = out.reset_index().rename(columns={"street_code": "code", "street": "name"})
    out["street"] = out["name"]
    return _with_ratios(out)


def district_totals(community: pd.DataFrame, n_grids: int) -> tuple[dict[str, Any], dict[str, float]]:
    tot = {k: int(community[k].sum()) for k in SUM_COLUMNS}
    tot["communities"] = len(community)
    tot["short_communities"] = int((community["shortage"] > 0).sum())
    tot["grids"] = n_grids
    row = _with_ratios(pd.DataFrame([tot]))
    coverage = {k: (None if pd.isna(row[k].iat[0]) else float(row[k].iat[0]))
                for k in ("grid_coverage", "checkpoint_shift_coverage", "staff_per_10k", "volunteers_per_1k")}
    return tot, coverage  # type: ignore[return-value]
