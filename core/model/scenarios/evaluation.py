"""What-if scenarios: an ordered list of changes on top of the live state (or of another scenario),
evaluated with the same gap engine as live data, with deltas against the baseline.

Pure: the baseline is read by ``core.services.whatif.load_baseline``, and a scenario's moves become
a real batch through ``core.services.whatif.to_batch``. Evaluating never writes anything and never
alters the frames it is given.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.model.errors import InvalidInput, NotFound
from core.model.gaps import GapResult, compute_gaps
from core.model.norms import Norms
from core.model.optimizer.network import Plan
from core.model.scenarios.apply_plan import scenario_plan
from core.model.scenarios.applying import apply_changes
from core.model.scenarios.changes import Change, Context, OffDuty
from core.model.state import StaffingState

LIVE = "live"
#: the KPIs compared (district level): key -> unit; lower is better for all four. Their names and
#: units are texts of the catalogue: ``whatif.kpi.<key>``, ``whatif.unit.<unit>``
KPIS: dict[str, str] = {
    "shortage": "people",
    "uncovered_grids": "grids",
    "unstaffed_shifts": "shifts",
    "short_communities": "communities",
}
EXTRA_TOTALS = {"required": "people", "available": "people", "gap": "people", "movable_surplus": "people"}


@dataclass(frozen=True)
class Scenario:
    """A named, ordered list of changes on ``base`` ("live" or another scenario's id)."""

    name: str
    changes: tuple[Change, ...] = ()
    author: str = ""
    created_at: dt.datetime | None = None
    base: str = LIVE
    id: str | None = None
    description: str = ""

    def with_change(self, change: Change) -> Scenario:
        return dataclasses.replace(self, changes=(*self.changes, change))

    def without(self, index: int) -> Scenario:
        return dataclasses.replace(self, changes=tuple(c for k, c in enumerate(self.changes) if k != index))

    def undo_last(self) -> Scenario:
        return dataclasses.replace(self, changes=self.changes[:-1])


def flatten(scenario: Scenario, lookup: Callable[[str], Scenario | None] | None = None) -> tuple[Change, ...]:
    """The changes of every base scenario first, then this one's (a base that is gone: NotFound)."""
    changes = tuple(scenario.changes)
    seen = {scenario.id} if scenario.id else set()
    base = scenario.base or LIVE
    while base != LIVE:
        if base in seen:
            raise InvalidInput("whatif.base_cycle", name=scenario.name)
        seen.add(base)
        parent = lookup(base) if lookup else None
        if parent is None:
            raise NotFound("whatif.base_gone", name=scenario.name, codes=[base])
        changes = (*parent.changes, *changes)
        base = parent.base or LIVE
    return changes


# --- the result ------------------------------------------------------------------------------


def _kpis(res: GapResult) -> dict[str, int]:
    d = res.district
    out = {"shortage": int(d["shortage"]), "uncovered_grids": int(d["grids"] - d["grids_covered"]),
           "unstaffed_shifts": int(d["checkpoint_shifts"] - d["checkpoint_shifts_staffed"]),
           "short_communities": int(d["short_communities"])}
    out.update({k: int(d[k]) for k in EXTRA_TOTALS})
    return out


@dataclass(frozen=True)
class ScenarioResult:
    """The scenario's gaps and its deltas against the baseline (community, street, district)."""

    scenario: Scenario
    baseline: GapResult
    result: GapResult
    state: StaffingState
    norms: Norms
    community: pd.DataFrame  # one row per community: *_before, *_after, delta_*
    street: pd.DataFrame
    district: pd.DataFrame  # key, unit, before, after, delta
    moves: pd.DataFrame  # staff_id, staff_code, from_community_id, to_community_id, source, change
    added: pd.DataFrame  # hypothetical cadres: staff_id (< 0), code, unit_code
    timings: dict[str, float] = field(default_factory=dict)
    #: when absences are timed (``OffDuty.days``): one row a phase, from_day, to_day (days from today, 1 for
    #: today; to_day None: from then on) and the district KPIs in it; the first phase is ``result``, the last
    #: is after everyone is back. Empty when no absence is timed.
    phases: pd.DataFrame = field(default_factory=pd.DataFrame)

    def kpi(self, key: str) -> dict[str, int]:
        row = self.district.set_index("key").loc[key]
        return {"before": int(row["before"]), "after": int(row["after"]), "delta": int(row["delta"])}

    def top_changes(self, n: int = 15) -> pd.DataFrame:
        """The communities whose shortage (then gap, then requirement) changes most."""
        c = self.community[self.community["changed"]]
        key = (c["delta_shortage"].abs() * 1_000_000 + c["delta_gap"].abs() * 1_000 + c["delta_required"].abs())
        return c.assign(_k=key).sort_values(["_k", "code"], ascending=[False, True]).drop(columns="_k").head(n)


COMMUNITY_DELTA = ("risk_level", "required", "available", "gap", "shortage", "checkpoint_shifts",
                   "checkpoint_shifts_staffed", "grids_covered", "movable_surplus")


def community_deltas(before: GapResult, after: GapResult) -> pd.DataFrame:
    """Before/after/delta per community (both frames hold the same communities in the same order)."""
    b, a = before.community, after.community
    if not np.array_equal(b["community_id"].to_numpy(), a["community_id"].to_numpy()):
        raise ValueError("baseline and scenario hold different communities")
    out = pd.DataFrame({k: b[k].array for k in ("community_id", "code", "name", "street_code", "street")})
    out["lon"], out["lat"] = b["lon"].to_numpy(float), b["lat"].to_numpy(float)
    for col in COMMUNITY_DELTA:
        out[f"{col}_before"] = b[col].array
        out[f"{col}_after"] = a[col].array
    for col in ("required", "available", "gap", "shortage", "movable_surplus"):
        out[f"delta_{col}"] = a[col].to_numpy(np.int64) - b[col].to_numpy(np.int64)
    unstaffed_b = (b["checkpoint_shifts"] - b["checkpoint_shifts_staffed"]).to_numpy(np.int64)
    unstaffed_a = (a["checkpoint_shifts"] - a["checkpoint_shifts_staffed"]).to_numpy(np.int64)
    out["unstaffed_shifts_before"], out["unstaffed_shifts_after"] = unstaffed_b, unstaffed_a
    out["delta_unstaffed_shifts"] = unstaffed_a - unstaffed_b
    out["changed"] = ((out[[c for c in out if c.startswith("delta_")]] != 0).any(axis=1)
                      | (out["risk_level_before"].astype(str) != out["risk_level_after"].astype(str)))
    return out


def street_deltas(before: GapResult, after: GapResult) -> pd.DataFrame:
    cols = ["required", "available", "gap", "shortage", "short_communities", "checkpoint_shifts_staffed"]
    b = before.street.set_index("code")
    a = after.street.set_index("code").reindex(b.index)
    out = pd.DataFrame({"code": b.index, "name": b["name"].to_numpy()})
    for col in cols:
        out[f"{col}_before"] = b[col].to_numpy(np.int64)
        out[f"{col}_after"] = a[col].to_numpy(np.int64)
        out[f"delta_{col}"] = out[f"{col}_after"] - out[f"{col}_before"]
    return out


def district_deltas(before: GapResult, after: GapResult) -> pd.DataFrame:
    """One row per district figure: key, unit (codes; the words are ``whatif.kpi.*`` / ``whatif.unit.*``),
    before, after, delta."""
    kb, ka = _kpis(before), _kpis(after)
    units = {**KPIS, **EXTRA_TOTALS}
    return pd.DataFrame([{"key": k, "unit": u, "before": kb[k], "after": ka[k], "delta": ka[k] - kb[k]}
                         for k, u in units.items()])


def evaluate(base_state: StaffingState, base_norms: Norms, scenario: Scenario, ctx: Context | None = None, *,
             baseline: GapResult | None = None, lookup: Callable[[str], Scenario | None] | None = None) -> ScenarioResult:
    """Apply the scenario (its bases first) to the live state and compare with the baseline gaps."""
    t0 = time.perf_counter()
    base = baseline if baseline is not None else compute_gaps(base_state, base_norms)
    t1 = time.perf_counter()
    changes = flatten(scenario, lookup)
    w = apply_changes(base_state, base_norms, changes, ctx)
    t2 = time.perf_counter()
    res = compute_gaps(w.state, w.norms)
    t3 = time.perf_counter()
    out = ScenarioResult(scenario=scenario, baseline=base, result=res, state=w.state, norms=w.norms,
                         community=community_deltas(base, res), street=street_deltas(base, res),
                         district=district_deltas(base, res), moves=w.moves, added=w.added,
                         timings={"baseline": t1 - t0, "changes": t2 - t1, "gaps": t3 - t2})
    t4 = time.perf_counter()
    out = dataclasses.replace(out, phases=absence_phases(base_state, base_norms, changes, ctx, res))
    out.timings["phases"] = time.perf_counter() - t4
    out.timings["total"] = time.perf_counter() - t0
    return out


def absence_phases(base_state: StaffingState, base_norms: Norms, changes: tuple[Change, ...], ctx: Context | None,
                   first: GapResult) -> pd.DataFrame:
    """The district KPIs day by day while timed absences run out: a phase ends when an absence does (people
    off for 3 days and others for 7: days 1-3 with both, 4-7 with the second, day 8 on with neither). Every
    phase applies the scenario's other changes as they are (a plan is recomputed on the phase's state)."""
    ends = sorted({int(c.days) for c in changes if isinstance(c, OffDuty) and c.days is not None})
    if not ends:
        return pd.DataFrame()
    rows: list[dict[str, Any]] = []
    start = 1
    for end in [*ends, None]:
        if start == 1:
            res = first
        else:
            kept = tuple(c for c in changes if not (isinstance(c, OffDuty) and c.days is not None and c.days < start))
            w = apply_changes(base_state, base_norms, kept, ctx)
            res = compute_gaps(w.state, w.norms)
        rows.append({"from_day": start, "to_day": end, **_kpis(res)})
        if end is not None:
            start = end + 1
    return pd.DataFrame(rows)


def suggested_plan(result: ScenarioResult, ctx: Context | None = None, options: dict[str, Any] | None = None) -> Plan:
    """The optimiser's plan on the scenario state (computed on demand; nothing applied)."""
    return scenario_plan(result.state, result.norms, ctx or Context(), result.added, dict(options or {}))


# --- against today's live data --------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """What a scenario is evaluated against: the live state, the norms in force, reference data and
    the baseline gaps (computed once and reused by every evaluation)."""

    state: StaffingState
    norms: Norms
    context: Context
    gaps: GapResult


def evaluate_live(base: Baseline, scenario: Scenario,
                  lookup: Callable[[str], Scenario | None] | None = None) -> ScenarioResult:
    return evaluate(base.state, base.norms, scenario, base.context, baseline=base.gaps, lookup=lookup)


def real_moves(result: ScenarioResult) -> pd.DataFrame:
    """The scenario's moves of real people (hypothetical cadres left out), one row per person: where
    they are today and where the scenario puts them last."""
    mv = result.moves
    if mv.empty:
        return mv.copy()
    mv = mv[mv["staff_id"].astype(np.int64) >= 0]
    first = mv.drop_duplicates("staff_id", keep="first").set_index("staff_id")
    last = mv.drop_duplicates("staff_id", keep="last").set_index("staff_id")
    out = pd.DataFrame({"staff_id": first.index.to_numpy(np.int64), "staff_code": first["staff_code"].to_numpy(),
                        "from_community_id": first["from_community_id"].to_numpy(np.int64),
                        "to_community_id": last.loc[first.index, "to_community_id"].to_numpy(np.int64),
                        "source": last.loc[first.index, "source"].to_numpy()})
    return out[out["from_community_id"] != out["to_community_id"]].reset_index(drop=True)
