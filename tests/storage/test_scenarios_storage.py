"""Saved scenarios and what-if evaluation on SQLite and PostgreSQL: live tables are never written,
save/copy/delete are audited and limited to planners and admins, a scenario's moves become a real
batch only through the reassignment path (coordinator), and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.cli.main import main
from core.model.actor import Actor
from core.model.errors import PermissionDenied, RuleViolation
from core.model.scenarios.changes import (
    AddCadres,
    ApplyPlan,
    Checkpoints,
    MoveStaff,
    NormChange,
    OffDuty,
    SetRisk,
)
from core.model.scenarios.evaluation import Scenario, evaluate_live, real_moves
from core.model.scenarios.file_format import dumps
from core.services import scenario_store
from core.services import whatif as whatif_service
from core.services.uow import unit_of_work
from core.storage.db import get_engine, session_scope
from core.storage.rows import AuditLog
from core.storage.schema import metadata

PLANNER = Actor("planner", "研判员", frozenset({"planner"}))
LEADER = Actor("leader", "指挥长", frozenset({"leader"}))
COORDINATOR = Actor("coordinator", "调度员", frozenset({"coordinator"}))
SCENARIO_TABLES = {"scenario", "audit_log", "data_version"}  # the version moves with every audited write


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every live table (all but the scenario table, the audit log and the data version), in key order."""
    out = {}
    with get_engine(url).connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in SCENARIO_TABLES:
                continue
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def in_uow(url: str, service: Any, *args: Any, **kwargs: Any) -> Any:
    """One user action: the service in a unit of work of its own."""
    with unit_of_work(url) as uow:
        return service(uow, *args, **kwargs)


def load_baseline(url: str) -> Any:
    return in_uow(url, whatif_service.load_baseline)


def save_scenario(actor: Actor, url: str, *args: Any) -> str:
    return in_uow(url, scenario_store.save_scenario, actor, *args)  # type: ignore[no-any-return]


def copy_scenario(actor: Actor, url: str, *args: Any) -> str:
    return in_uow(url, scenario_store.copy_scenario, actor, *args)  # type: ignore[no-any-return]


def delete_scenario(actor: Actor, url: str, *args: Any) -> None:
    in_uow(url, scenario_store.delete_scenario, actor, *args)


def get_scenario(url: str, scenario_id: str) -> Scenario:
    return in_uow(url, scenario_store.get_scenario, scenario_id)  # type: ignore[no-any-return]


def list_scenarios(url: str) -> Any:
    return in_uow(url, scenario_store.list_scenarios)


def evaluate_saved(url: str, scenario_id: str) -> Any:
    """Read a saved scenario and evaluate it with its bases, as the page does."""
    with unit_of_work(url) as uow:
        base = whatif_service.load_baseline(uow)
        return evaluate_live(base, scenario_store.get_scenario(uow, scenario_id), scenario_store.lookup(uow))


def to_batch(actor: Actor, url: str, *args: Any, **kwargs: Any) -> Any:
    return in_uow(url, whatif_service.to_batch, actor, *args, **kwargs)


def busy_scenario(url: str) -> Scenario:
    base = load_baseline(url)
    c = base.state.communities.sort_values("code")
    codes = c["code"].tolist()
    donor = base.gaps.community.sort_values("movable_surplus", ascending=False).iloc[0]
    movers = base.state.staff[(base.state.staff["community_id"] == donor["community_id"])
                              & base.state.staff["movable"] & base.state.staff["on_duty"]
                              & (base.state.staff["kind"] == "cadre")]["staff_id"].head(2)
    staff_codes = base.context.people.set_index("staff_id").loc[movers, "code"].tolist()
    short = base.gaps.community.sort_values("gap", ascending=False).iloc[0]["code"]
    return Scenario("全量变更", changes=(
        SetRisk("high", communities=(codes[0],)), SetRisk("medium", street=str(c["street_code"].iat[-1])),
        Checkpoints(codes[1], 2), AddCadres(base.context.units["code"].iat[0], 40), OffDuty(share=0.1, seed=3),
        NormChange(shift_hours=12), MoveStaff(tuple(staff_codes), str(short)), ApplyPlan()))


def test_evaluating_and_saving_scenarios_never_write_live_tables(demo_db: str) -> None:
    before = snapshot(demo_db)
    sc = busy_scenario(demo_db)
    res = evaluate_live(load_baseline(demo_db), sc)
    assert res.kpi("shortage")["delta"] != 0 and len(res.moves) > 0
    sid = save_scenario(PLANNER, demo_db, sc)
    copy_id = copy_scenario(PLANNER, demo_db, sid)
    evaluate_saved(demo_db, copy_id)
    delete_scenario(PLANNER, demo_db, copy_id)
    assert snapshot(demo_db) == before


def test_a_saved_scenario_reads_back_with_author_and_time_and_is_audited(demo_db: str) -> None:
    sc = busy_scenario(demo_db)
    sid = save_scenario(PLANNER, demo_db, sc)
    back = get_scenario(demo_db, sid)
    assert back.changes == sc.changes and back.name == "全量变更" and back.author == "planner"
    assert back.created_at is not None
    listed = list_scenarios(demo_db)
    assert listed.loc[listed["id"] == sid, "n_changes"].item() == len(sc.changes)
    renamed = save_scenario(PLANNER, demo_db, Scenario("改名", changes=sc.changes[:2], id=sid))
    assert renamed == sid and len(get_scenario(demo_db, sid).changes) == 2
    cid = copy_scenario(PLANNER, demo_db, sid)
    assert get_scenario(demo_db, cid).name == "改名（副本）"
    delete_scenario(PLANNER, demo_db, cid, "不再需要")
    with session_scope(demo_db) as s:
        rows = s.execute(select(AuditLog.action, AuditLog.entity_id, AuditLog.actor)
                         .where(AuditLog.entity == "scenario").order_by(AuditLog.id)).all()
    assert [(r[0], r[1]) for r in rows] == [("scenario.save", sid), ("scenario.save", sid), ("scenario.copy", cid),
                                            ("scenario.delete", cid)]
    assert {r[2] for r in rows} == {"planner"}


def test_a_scenario_built_on_another_applies_both_and_protects_its_base(demo_db: str) -> None:
    base = load_baseline(demo_db)
    code = base.state.communities["code"].iat[0]
    parent = save_scenario(PLANNER, demo_db, Scenario("父情景", changes=(SetRisk("high", communities=(code,)),)))
    child = save_scenario(PLANNER, demo_db, Scenario("子情景", changes=(Checkpoints(code, 1),), base=parent))
    res = evaluate_saved(demo_db, child)
    assert res.community.set_index("code").loc[code, "risk_level_after"] == "high"
    with pytest.raises(RuleViolation) as err:
        delete_scenario(PLANNER, demo_db, parent)
    assert err.value.key == "whatif.base_of_others" and err.value.params["children"] == ["子情景"]


@pytest.mark.parametrize("actor", [COORDINATOR])
def test_only_planners_leaders_and_admins_save_copy_or_delete(demo_db: str, actor: Actor) -> None:
    sid = save_scenario(PLANNER, demo_db, Scenario("甲"))
    with pytest.raises(PermissionDenied):
        save_scenario(actor, demo_db, Scenario("乙"))
    with pytest.raises(PermissionDenied):
        copy_scenario(actor, demo_db, sid)
    with pytest.raises(PermissionDenied):
        delete_scenario(actor, demo_db, sid)
    assert list_scenarios(demo_db)["id"].tolist() == [sid]


def test_a_leader_saves_copies_and_deletes_a_scenario(demo_db: str) -> None:
    sid = save_scenario(LEADER, demo_db, Scenario("指挥长的情景"))
    copy = copy_scenario(LEADER, demo_db, sid)
    delete_scenario(LEADER, demo_db, copy)
    assert list_scenarios(demo_db)["id"].tolist() == [sid]


def test_a_scenarios_moves_become_a_real_batch_only_through_a_coordinator(demo_db: str) -> None:
    base = load_baseline(demo_db)
    sc = busy_scenario(demo_db)
    res = evaluate_live(base, Scenario("调动", changes=(sc.changes[6],)))
    moves = real_moves(res)
    assert len(moves) == 2
    with pytest.raises(PermissionDenied):
        to_batch(PLANNER, demo_db, res, "按推演结果调配")
    done = to_batch(COORDINATOR, demo_db, res, "按推演结果调配", override_shortage_reason="推演已评估")
    assert done.moved == 2
    after = load_baseline(demo_db)
    placed = after.state.staff.set_index("staff_id").loc[moves["staff_id"], "community_id"]
    assert placed.tolist() == moves["to_community_id"].tolist()
    with session_scope(demo_db) as s:
        acts = s.execute(select(AuditLog.action).where(AuditLog.batch_id == done.batch_id)).scalars().all()
    assert acts.count("staff.move") == 2 and "move.plan" in acts


def test_the_whatif_command_prints_before_and_after(demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sc = busy_scenario(demo_db)
    f = tmp_path / "情景.json"
    f.write_text(dumps(sc), encoding="utf-8")
    assert main(["--database-url", demo_db, "whatif", str(f), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    keys = [r["key"] for r in out["summary"]]
    assert keys[:4] == ["shortage", "uncovered_grids", "unstaffed_shifts", "short_communities"]
    assert out["communities"] and all(set(r) >= {"code", "shortage_before", "shortage_after"} for r in out["communities"])
    assert main(["--database-url", demo_db, "whatif", str(f), "--top", "3"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("key,name,unit,before,after,delta") and "code,name,street" in text
    assert len(text.strip().split("\n\n")[1].splitlines()) == 4  # header + 3 communities


@pytest.mark.parametrize(("content", "fragment"), [
    ('{"format": "fangxian-scenario/1", "name": "x",\n  "changes": [,]}', "第 2 行第 15 列"),
    ('{"format": "fangxian-scenario/1", "name": "x", "changes": [{"kind": "set_risk", "level": "high", '
     '"communities": ["NOPE-1"]}]}', "NOPE-1"),
    ('{"format": "fangxian-scenario/1", "name": "x", "changes": [{"kind": "warp"}]}', "changes[1].kind"),
])
def test_the_whatif_command_refuses_a_bad_file_with_exit_2(demo_db: str, tmp_path: Path, content: str, fragment: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bad.json"
    f.write_text(content, encoding="utf-8")
    before = snapshot(demo_db)
    assert main(["--database-url", demo_db, "whatif", str(f)]) == 2
    err = capsys.readouterr().err
    assert fragment in err and str(f) in err
    assert snapshot(demo_db) == before
