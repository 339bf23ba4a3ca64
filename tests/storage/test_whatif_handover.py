"""A what-if hand-over carries each cadre's version and origin from when the scenario was computed
(issue 14 point 8): a cadre moved since fails the whole batch with ConcurrentChange, on SQLite and
PostgreSQL alike, and a hand-over without versions is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.cli.main import main
from core.model.actor import Actor
from core.model.errors import ConcurrentChange, InvalidInput
from core.model.gaps import compute_gaps
from core.model.scenarios.changes import MoveStaff
from core.model.scenarios.evaluation import Baseline, Scenario, evaluate_live, real_moves
from core.model.scenarios.file_format import dumps
from core.services import reassign
from core.services import whatif as whatif_service
from tests.db import call
from tests.storage.test_scenarios_storage import snapshot

COORDINATOR = Actor("coordinator", "调度员", frozenset({"coordinator"}))


def _setup(url: str) -> tuple[Any, int, str, int, int]:
    """The baseline, a movable cadre of the community with most to spare, and two short communities."""
    base = call(url, whatif_service.load_baseline)
    g = base.gaps.community
    donor = int(g.sort_values("movable_surplus", ascending=False).iloc[0]["community_id"])
    s = base.state.staff
    sid = int(s[(s["community_id"] == donor) & s["movable"] & s["on_duty"] & (s["kind"] == "cadre")]["staff_id"].iat[0])
    code = str(base.context.people.set_index("staff_id").loc[sid, "code"])
    short = g[g["community_id"] != donor].sort_values("gap", ascending=False)
    return base, sid, code, int(short.iloc[0]["community_id"]), int(short.iloc[1]["community_id"])


def _code(base: Any, community_id: int) -> str:
    c = base.state.communities
    return str(c.loc[c["community_id"] == community_id, "code"].iat[0])


def _move_elsewhere(url: str, sid: int, to: int) -> None:
    """Someone else moves the cadre after the scenario was computed (a desk move with its version)."""
    people = call(url, lambda uow: uow.reassign.people([sid]))
    call(url, reassign.move_staff, COORDINATOR, [sid], to, "临时支援", override_shortage_reason="急需",
         expected_versions={sid: int(people["version"].iat[0])})


def test_a_stale_scenario_does_not_move_a_cadre_moved_since(demo_db: str) -> None:
    base, sid, code, c_id, b_id = _setup(demo_db)
    res = evaluate_live(base, Scenario("调动", changes=(MoveStaff((code,), _code(base, c_id)),)))
    [move] = real_moves(res).to_dict("records")
    assert move["staff_id"] == sid and move["to_community_id"] == c_id
    seen = whatif_service.handover_records(res)  # what the page showed
    _move_elsewhere(demo_db, sid, b_id)  # A -> B by someone else
    before = snapshot(demo_db)
    with pytest.raises(ConcurrentChange) as stale:
        call(demo_db, whatif_service.to_batch, COORDINATOR, res, "按推演结果调配", "推演已评估")
    assert stale.value.key == "whatif.handover_stale" and stale.value.params["staff"] == [code]
    # the page's next run computes the scenario again on the new state (B -> C); the click hands over
    # what the user saw (A -> C), which is stale
    fresh = evaluate_live(call(demo_db, whatif_service.load_baseline), res.scenario)
    assert real_moves(fresh)["from_community_id"].tolist() == [b_id]
    with pytest.raises(ConcurrentChange):
        call(demo_db, whatif_service.to_batch, COORDINATOR, fresh, "按推演结果调配", "推演已评估", expected=seen)
    assert snapshot(demo_db) == before
    # computed again and shown again: handed over
    done = call(demo_db, whatif_service.to_batch, COORDINATOR, fresh, "按推演结果调配", "推演已评估",
                expected=whatif_service.handover_records(fresh))
    assert done.moved == 1
    assert call(demo_db, lambda uow: uow.reassign.staff_places([sid])) == {sid: c_id}


def test_a_handover_without_versions_is_refused(demo_db: str) -> None:
    base, sid, code, c_id, _ = _setup(demo_db)
    bare = Baseline(base.state, base.norms, base.context, compute_gaps(base.state, base.norms))  # no versions
    res = evaluate_live(bare, Scenario("调动", changes=(MoveStaff((code,), _code(base, c_id)),)))
    before = snapshot(demo_db)
    with pytest.raises(InvalidInput) as refused:
        call(demo_db, whatif_service.to_batch, COORDINATOR, res, "按推演结果调配", "推演已评估")
    assert refused.value.key == "whatif.handover_without_versions"
    move = real_moves(res).to_dict("records")[0]
    with pytest.raises(InvalidInput):
        call(demo_db, whatif_service.to_batch, COORDINATOR, res, "按推演结果调配", "推演已评估",
             expected=[{**move, "version": None}])
    assert snapshot(demo_db) == before


def test_the_whatif_command_hands_over_as_an_account_and_refuses_a_stale_file(
        demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base, sid, code, c_id, _ = _setup(demo_db)
    f = tmp_path / "调动.json"
    f.write_text(dumps(Scenario("调动", changes=(MoveStaff((code,), _code(base, c_id)),))), encoding="utf-8")
    args = ["--database-url", demo_db, "whatif", str(f), "--format", "json", "--handover", "--reason", "按推演结果调配",
            "--override-shortage-reason", "推演已评估"]
    assert main(args) == 2  # who acts?
    assert main([*args, "--user", "planner"]) == 2  # a planner does not move people
    capsys.readouterr()
    assert main([*args, "--user", "coordinator"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["moved"] == 1 and out["batch_id"]
    assert call(demo_db, lambda uow: uow.reassign.staff_places([sid])) == {sid: c_id}
    assert main([*args, "--user", "coordinator"]) == 2  # already there: nothing to hand over
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
