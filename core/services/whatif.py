"""What-if scenarios against the database: the baseline read once (today's live state, the norms in
force, units and people without names or phones), and a scenario's moves handed to the reassignment
path as one real batch. The evaluation itself is pure (``core.model.scenarios.evaluation``)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from core.model.actor import Actor
from core.model.errors import InvalidInput
from core.model.gaps import compute_gaps
from core.model.optimizer.network import Plan, PlanOptions, PlanTotals
from core.model.scenarios.changes import Context
from core.model.scenarios.evaluation import Baseline, ScenarioResult, real_moves
from core.services import clock
from core.services.norms import norms_for_day
from core.services.reassign import MoveResult, apply_plan
from core.services.staffing import load_state
from core.services.uow import UnitOfWork


def load_baseline(uow: UnitOfWork) -> Baseline:
    """Today's live state and norms, units and people (no names or phones), in the caller's unit of work."""
    state = load_state(uow)
    norms = norms_for_day(uow, clock.reference_day(uow))
    ctx = Context(units=uow.scenarios.units(), people=uow.scenarios.people())
    return Baseline(state, norms, ctx, compute_gaps(state, norms))


def to_batch(uow: UnitOfWork, actor: Actor, result: ScenarioResult, reason: str,
             override_shortage_reason: str | None = None, staff_ids: Sequence[int] | None = None) -> MoveResult:
    """Turn the scenario's moves into one real, audited batch through ``core.services.reassign.apply_plan``
    (its roles, rules and locks decide; a planner without the coordinator role is refused there)."""
    mv = real_moves(result)
    if staff_ids is not None:
        mv = mv[mv["staff_id"].isin([int(i) for i in staff_ids])]
    if mv.empty:
        raise InvalidInput("whatif.nothing_to_batch")
    moves = mv.assign(kind="cadre", km=0.0, home_km=0.0).reset_index(drop=True)
    as_plan = Plan(flows=pd.DataFrame(columns=["from_community_id", "to_community_id", "n", "km"]), moves=moves,
                   totals=PlanTotals(0, 0, 0, 0, len(moves), 0.0), options=PlanOptions())
    return apply_plan(uow, actor, as_plan, None, reason, override_shortage_reason)  # type: ignore[no-any-return]
