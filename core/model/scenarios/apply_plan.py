"""Applying the optimiser's suggested plan inside a scenario: the planner's inputs from a scenario
state, a quick choice of the people (same community headcounts as the full choice), and the plan
itself for the page (nothing applied)."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from core.model.errors import InvalidInput
from core.model.norms import Norms
from core.model.optimizer.network import Plan, PlanOptions, eligible_mask, plan_input
from core.model.optimizer.planner import plan
from core.model.optimizer.solving import plan_flows
from core.model.scenarios.apply_staffing import community_balance
from core.model.scenarios.changes import PLAN_OPTION_KEYS, ApplyPlan, Context
from core.model.scenarios.working import Working, place, record_moves, replace_state
from core.model.state import StaffingState


def planner_people(state: StaffingState, ctx: Context, added: pd.DataFrame) -> pd.DataFrame:
    """The optimiser's people table for a (scenario) state: the on-duty movable people placed in a
    community (nobody else can be in a plan), with homes and hours."""
    s = state.staff
    cid = s["community_id"].to_numpy(np.int64)
    keep = s["movable"].to_numpy(bool) & s["on_duty"].to_numpy(bool) & (cid >= 0)
    ids = s["staff_id"].to_numpy(np.int64)[keep]
    info = ctx.people_columns(ids)
    codes = info["code"]
    if len(added):
        extra = pd.Series(added["code"].to_numpy(), index=added["staff_id"].to_numpy(np.int64)).reindex(ids).to_numpy()
        codes = np.where(ids < 0, extra, codes)
    hours = info["hours_week"]
    return pd.DataFrame({
        "id": ids, "code": codes, "kind": s["kind"].astype(str).to_numpy()[keep], "community_id": cid[keep],
        "movable": True, "on_duty": True, "home_lon": info["home_lon"].astype(float),
        "home_lat": info["home_lat"].astype(float), "home_community_id": info["home_community_id"].astype(float),
        "skills": info["skills"], "hours_week": np.where(pd.isna(hours), 0.0, hours).astype(float),
    })


def quick_moves(flows: pd.DataFrame, pool: pd.DataFrame) -> pd.DataFrame:
    """Who moves for each community flow, vectorised: in each donor community the people with the fewest
    hours this week go first. (The full choice, nearest home first, is ``core.model.optimizer.choosing.choose_cadres``; it
    gives the same community headcounts, which is all a scenario's gaps depend on.)"""
    if flows.empty or pool.empty:
        return pd.DataFrame({"staff_id": pd.Series(dtype=np.int64), "to_community_id": pd.Series(dtype=np.int64)})
    f = flows.loc[flows.index.repeat(flows["n"].to_numpy(np.int64)), ["from_community_id", "to_community_id"]]
    f = f.assign(rank=f.groupby("from_community_id").cumcount().to_numpy())
    p = pool.sort_values(["community_id", "hours_week", "id"], kind="stable")
    p = p.assign(rank=p.groupby("community_id").cumcount().to_numpy())[["id", "community_id", "rank"]]
    m = f.merge(p, left_on=["from_community_id", "rank"], right_on=["community_id", "rank"], how="inner")
    return pd.DataFrame({"staff_id": m["id"].to_numpy(np.int64), "to_community_id": m["to_community_id"].to_numpy(np.int64)})


def plan_options(options: dict[str, Any]) -> PlanOptions:
    unknown = sorted(set(options) - set(PLAN_OPTION_KEYS))
    if unknown:
        raise InvalidInput("whatif.plan_options_unknown", options=unknown, allowed=list(PLAN_OPTION_KEYS))
    return PlanOptions(**options)


def _plan_parts(state: StaffingState, norms: Norms, ctx: Context, added: pd.DataFrame,
                options: dict[str, Any]) -> tuple[PlanOptions, pd.DataFrame, pd.DataFrame]:
    opt = plan_options(options)
    required, available = community_balance(state, norms)
    c = state.communities
    comm = pd.DataFrame({"community_id": c["community_id"].to_numpy(np.int64), "lon": c["lon"].to_numpy(float),
                         "lat": c["lat"].to_numpy(float), "required": required, "available": available})
    people = planner_people(state, ctx, added)
    pin = plan_input(comm, people, opt, norms.counted_kinds)
    return opt, pin, people[eligible_mask(people, opt, norms.counted_kinds)]


def scenario_plan(state: StaffingState, norms: Norms, ctx: Context, added: pd.DataFrame,
                  options: dict[str, Any]) -> Plan:
    """The optimiser's suggested plan on a scenario state, with the people chosen (nothing applied)."""
    opt, pin, pool = _plan_parts(state, norms, ctx, added, options)
    return plan(pin, pool, opt)


def apply_plan(w: Working, ch: ApplyPlan, ctx: Context) -> Working:
    try:
        opt, pin, pool = _plan_parts(w.state, w.norms, ctx, w.added, dict(ch.options or {}))
    except InvalidInput as exc:
        raise InvalidInput("whatif.change.invalid", **place(w, ch), cause=exc) from exc
    flows, _ = plan_flows(pin, opt)
    mv = quick_moves(flows, pool)
    if mv.empty:
        return w
    staff, moves = record_moves(w, ctx, mv["staff_id"].to_numpy(np.int64), mv["to_community_id"].to_numpy(np.int64),
                                 "plan")
    return dataclasses.replace(w, state=replace_state(w, staff=staff), moves=moves)
