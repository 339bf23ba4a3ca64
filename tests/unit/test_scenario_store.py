"""Saved scenarios and the move preview as services on the in-memory fake unit of work (no database):
what is refused, what is written and what is audited. The same services run on SQLite and
PostgreSQL in tests/storage/test_scenarios_storage.py and tests/storage/test_reassign.py."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from core.i18n import error_text
from core.model.actor import Actor
from core.model.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from core.model.scenarios.changes import Checkpoints, SetRisk
from core.model.scenarios.evaluation import Scenario
from core.services.reassign import preview_table
from core.services.scenario_store import (
    copy_scenario,
    delete_scenario,
    get_scenario,
    list_scenarios,
    save_scenario,
)
from tests.fakes import FakeUnitOfWork

PLANNER = Actor("planner", "研判员", frozenset({"planner"}))
LEADER = Actor("leader", "指挥长", frozenset({"leader"}))
COORDINATOR = Actor("coordinator", "调度员", frozenset({"coordinator"}))


class FakeScenarioRepo:
    """``uow.scenarios`` in memory: rows by id."""

    def __init__(self) -> None:
        self.rows: dict[str, SimpleNamespace] = {}

    def get(self, scenario_id: str, *, lock: bool = False) -> SimpleNamespace | None:
        return self.rows.get(scenario_id)

    def find(self, scenario_id: str) -> dict[str, Any] | None:
        row = self.rows.get(scenario_id)
        return None if row is None else dict(vars(row))

    def listing(self) -> pd.DataFrame:
        return pd.DataFrame([{"id": r.id, "name": r.name, "n_changes": len(r.changes)} for r in self.rows.values()])

    def children(self, scenario_id: str) -> list[str]:
        return sorted(r.name for r in self.rows.values() if r.base == scenario_id)

    def create(self, *, scenario_id: str, name: str, description: str, author: str, base: str,
               changes: list[dict[str, Any]], when: dt.datetime) -> SimpleNamespace:
        row = SimpleNamespace(id=scenario_id, name=name, description=description, author=author, base=base,
                              changes=changes, created_at=when, updated_at=when, updated_by=author, version=1)
        self.rows[scenario_id] = row
        return row

    def update(self, row: SimpleNamespace, *, name: str, description: str, base: str, changes: list[dict[str, Any]],
               by: str, when: dt.datetime) -> None:
        row.name, row.description, row.base, row.changes = name, description, base, changes
        row.updated_by, row.updated_at, row.version = by, when, row.version + 1

    def delete(self, row: SimpleNamespace) -> None:
        del self.rows[row.id]


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(scenarios=FakeScenarioRepo())


def test_saving_a_scenario_without_a_name_is_refused_and_nothing_is_written(uow: FakeUnitOfWork) -> None:
    with pytest.raises(InvalidInput) as err:
        save_scenario(uow, PLANNER, Scenario("  "))
    assert err.value.key == "whatif.name_missing"
    assert error_text(err.value) == "请填写情景名称"
    assert uow.scenarios.rows == {} and uow.audit.entries == []


def test_saving_stores_the_changes_and_audits_one_entry_under_the_planner(uow: FakeUnitOfWork) -> None:
    sc = Scenario("十二小时班次", changes=(SetRisk("high", communities=("C1",)), Checkpoints("C2", 2)))
    sid = save_scenario(uow, PLANNER, sc)
    back = get_scenario(uow, sid)
    assert back.changes == sc.changes and back.author == "planner" and back.created_at is not None
    [entry] = uow.audit.entries
    assert (entry["actor"], entry["action"], entry["entity_id"]) == ("planner", "scenario.save", sid)
    assert entry["after"] == {"name": "十二小时班次", "base": "live", "changes": 2}
    assert list_scenarios(uow)["n_changes"].tolist() == [2]


def test_a_leader_keeps_scenarios_and_a_coordinator_may_read_but_not_save(uow: FakeUnitOfWork) -> None:
    """DESIGN.md: the what-if users are the planner and the leader (研判); a coordinator tries moves out."""
    sid = save_scenario(uow, LEADER, Scenario("甲"))
    assert get_scenario(uow, sid).author == "leader"
    with pytest.raises(PermissionDenied):
        save_scenario(uow, COORDINATOR, Scenario("乙"))
    assert list(uow.scenarios.rows) == [sid] and uow.audit.actions() == ["scenario.save"]


def test_a_copy_gets_a_new_id_and_a_base_cannot_be_deleted_under_its_children(uow: FakeUnitOfWork) -> None:
    parent = save_scenario(uow, PLANNER, Scenario("父情景"))
    child = save_scenario(uow, PLANNER, Scenario("子情景", base=parent))
    copy = copy_scenario(uow, PLANNER, parent)
    assert copy not in (parent, child) and get_scenario(uow, copy).name == "父情景（副本）"
    with pytest.raises(RuleViolation) as err:
        delete_scenario(uow, PLANNER, parent)
    assert err.value.key == "whatif.base_of_others" and err.value.params["children"] == ["子情景"]
    delete_scenario(uow, PLANNER, child, "不再需要")
    delete_scenario(uow, PLANNER, parent)
    assert uow.audit.actions() == ["scenario.save", "scenario.save", "scenario.copy", "scenario.delete",
                                   "scenario.delete"]
    with pytest.raises(NotFound) as gone:
        get_scenario(uow, parent)
    assert gone.value.key == "whatif.scenario_missing" and gone.value.params["id"] == parent


def test_a_scenario_on_a_missing_base_or_on_itself_is_refused(uow: FakeUnitOfWork) -> None:
    with pytest.raises(NotFound) as err:
        save_scenario(uow, PLANNER, Scenario("孤儿", base="nope"))
    assert err.value.key == "whatif.base_scenario_missing"
    sid = save_scenario(uow, PLANNER, Scenario("甲"))
    with pytest.raises(InvalidInput) as own:
        save_scenario(uow, PLANNER, Scenario("甲", id=sid, base=sid))
    assert own.value.key == "whatif.self_base"
    assert get_scenario(uow, sid).base == "live"


def test_the_preview_counts_only_counted_on_duty_people_moving_elsewhere() -> None:
    gaps = pd.DataFrame({"community_id": [1, 2, 3], "code": ["C1", "C2", "C3"], "name": ["甲", "乙", "丙"],
                         "street_code": ["S1"] * 3, "street": ["一街"] * 3, "required": [10, 10, 10],
                         "available": [12, 7, 10]})
    moving = pd.DataFrame({"kind": ["cadre", "cadre", "volunteer", "cadre"], "on_duty": [True, True, True, False],
                           "community_id": [1, 1, 3, 3], "to_community_id": [2, 2, 2, 2]})
    pv = preview_table(gaps, moving, ["cadre"]).set_index("code")
    assert pv.loc["C2", "role"] == "to" and pv.loc["C2", "available_after"] == 9 and pv.loc["C2", "shortage_after"] == 1
    assert pv.loc["C1", "available_after"] == 10 and pv.loc["C1", "gap_after"] == 0
    assert pv.loc["C3", "available_after"] == 10  # a volunteer and an off-duty cadre change nothing
