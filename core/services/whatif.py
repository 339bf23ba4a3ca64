"""What-if scenarios against the database: the baseline read once (today's live state, the norms in
force, units and people without names or phones), and a scenario's moves handed to the reassignment
path as one real batch. The evaluation itself is pure (``core.model.scenarios.evaluation``).

A hand-over is only as good as the state it was computed on: the baseline keeps, for every movable
on-duty person, the version of their row and their community when it was read (in its gaps'
``extra``, which every result evaluated on it carries as ``result.baseline``). ``to_batch`` hands each
move over with that expected version and origin; a person moved or changed since, or missing from
the baseline, fails with ConcurrentChange, on SQLite and PostgreSQL alike (the versions are checked
again under the reassignment path's locks)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from core.model.actor import Actor, require
from core.model.errors import ConcurrentChange, InvalidInput
from core.model.gaps import compute_gaps
from core.model.optimizer.network import Plan, PlanOptions, PlanTotals
from core.model.scenarios.changes import Context
from core.model.scenarios.evaluation import Baseline, ScenarioResult, real_moves
from core.services import clock
from core.services.norms import norms_for_day
from core.services.reassign import ROLES as REASSIGN_ROLES
from core.services.reassign import MoveResult, apply_plan
from core.services.staffing import load_state
from core.services.uow import UnitOfWork

#: the key of ``GapResult.extra`` that holds the people's versions when the baseline was read
STAFF_VERSIONS = "staff_versions"


def load_baseline(uow: UnitOfWork) -> Baseline:
    """Today's live state and norms, units and people (no names or phones), and the versions of the
    people who could move (see the module), in the caller's unit of work."""
    people = uow.scenarios.people()  # one read of everyone (no names or phones), versions included
    movable = people[people["movable"].fillna(False).to_numpy(bool) & people["on_duty"].fillna(False).to_numpy(bool)]
    versions = pd.DataFrame({"staff_id": movable["staff_id"].to_numpy(np.int64),
                             "community_id": pd.to_numeric(movable["community_id"]).fillna(-1).to_numpy(np.int64),
                             "version": movable["version"].to_numpy(np.int64)})
    state = load_state(uow)
    norms = norms_for_day(uow, clock.reference_day(uow))
    ctx = Context(units=uow.scenarios.units(),
                  people=people.drop(columns=["community_id", "movable", "on_duty", "version"]))
    gaps = compute_gaps(state, norms)
    gaps = dataclasses.replace(gaps, extra={**gaps.extra, STAFF_VERSIONS: versions})
    return Baseline(state, norms, ctx, gaps)


def expected_moves(result: ScenarioResult, staff_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """The scenario's moves of real people with what each hand-over expects to find: ``staff_id``,
    ``staff_code``, ``from_community_id`` (the expected origin), ``to_community_id`` and ``version``
    (as read with the baseline; -1 when the baseline did not hold the person)."""
    mv = real_moves(result)
    if staff_ids is not None and not mv.empty:
        mv = mv[mv["staff_id"].isin([int(i) for i in staff_ids])]
    mv = mv.reset_index(drop=True)
    known = result.baseline.extra.get(STAFF_VERSIONS)
    if mv.empty:
        return mv.assign(version=pd.Series(dtype=np.int64))
    if known is None:
        raise InvalidInput("whatif.handover_without_versions")
    at = known.set_index("staff_id")
    ids = mv["staff_id"].astype(np.int64)
    version = ids.map(at["version"]).fillna(-1).astype(np.int64)
    seen_in = ids.map(at["community_id"]).fillna(-1).astype(np.int64)
    # a person counted elsewhere in the baseline's two reads moved in between: not what the scenario saw
    version = version.where(seen_in == mv["from_community_id"].astype(np.int64), -1)
    return mv.assign(version=version.to_numpy(np.int64))


HANDOVER_COLUMNS = ["staff_id", "staff_code", "from_community_id", "to_community_id", "version"]


def handover_records(result: ScenarioResult) -> list[dict[str, Any]]:
    """``expected_moves`` as plain records (what a page keeps of the moves it showed, for ``to_batch``)."""
    mv = expected_moves(result)
    return [{"staff_id": int(r.staff_id), "staff_code": str(r.staff_code), "from_community_id": int(r.from_community_id),
             "to_community_id": int(r.to_community_id), "version": int(r.version)} for r in mv.itertuples(index=False)]


def to_batch(uow: UnitOfWork, actor: Actor, result: ScenarioResult, reason: str,
             override_shortage_reason: str | None = None, staff_ids: Sequence[int] | None = None,
             expected: Sequence[Mapping[str, Any]] | None = None) -> MoveResult:
    """Turn the scenario's moves into one real, audited batch through ``core.services.reassign.apply_plan``
    (its roles, rules and locks decide; a planner without the coordinator role is refused there).

    Every move carries the person's version and origin from when the scenario was computed; anyone
    moved or changed since fails the whole batch with ConcurrentChange (nothing is written).
    ``expected`` (``handover_records`` of the result a user was shown) hands over exactly those moves
    instead of the result's: the page's result may have been computed again, on newer data, since."""
    require(actor, *REASSIGN_ROLES)  # a planner is told so before anything else
    if expected is None:
        mv = expected_moves(result, staff_ids)
    else:
        mv = pd.DataFrame(list(expected), columns=HANDOVER_COLUMNS)
        if staff_ids is not None:
            mv = mv[mv["staff_id"].isin([int(i) for i in staff_ids])].reset_index(drop=True)
        if mv[["staff_id", "from_community_id", "to_community_id", "version"]].isna().any().any():
            raise InvalidInput("whatif.handover_without_versions")
        mv = mv.astype({"staff_id": np.int64, "from_community_id": np.int64, "to_community_id": np.int64,
                        "version": np.int64})
    if mv.empty:
        raise InvalidInput("whatif.nothing_to_batch")
    uow.reassign.lock_for_moves()  # first, as the reassignment path does (SQLite's write lock)
    now = uow.reassign.people([int(i) for i in mv["staff_id"]]).set_index("id")
    ids = mv["staff_id"].astype(np.int64)
    here = ids.map(pd.to_numeric(now["community_id"]).fillna(-1)).fillna(-2).astype(np.int64)
    version_now = ids.map(now["version"]).fillna(-2).astype(np.int64)
    could_move = (ids.map(now["movable"]).fillna(False).astype(bool)
                  & ids.map(now["on_duty"]).fillna(False).astype(bool))
    known = mv["version"] >= 0
    stale = (known & ((version_now != mv["version"]) | (here != mv["from_community_id"].astype(np.int64)))
             | (~known & could_move))  # not movable and on duty then, but now: changed since
    if stale.any():
        raise ConcurrentChange("whatif.handover_stale", staff=mv.loc[stale, "staff_code"].astype(str).tolist())
    # someone who could not move then and cannot now is refused by the reassignment path's own rules
    mv = mv.assign(version=mv["version"].where(known, version_now))
    moves = mv.assign(kind="cadre", km=0.0, home_km=0.0)
    as_plan = Plan(flows=pd.DataFrame(columns=["from_community_id", "to_community_id", "n", "km"]), moves=moves,
                   totals=PlanTotals(0, 0, 0, 0, len(moves), 0.0), options=PlanOptions())
    # apply_plan re-checks each version under its row locks (a move committed after the check above)
    return apply_plan(uow, actor, as_plan, None, reason, override_shortage_reason)  # type: ignore[no-any-return]
