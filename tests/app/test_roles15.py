"""What each desk role is offered on 推演研判 and 预警 is what core lets it do (DESIGN.md's roles): the
what-if users, planners and leaders (研判), keep scenarios, a coordinator explores without saving;
coordinators acknowledge alerts, a leader reads them. A page never offers a button core would refuse."""

from __future__ import annotations

import pytest

from core.model.actor import WRITE_SERVICES
from core.model.errors import PermissionDenied
from core.services import alerts as alert_service
from core.services import scenario_store
from core.services.identity import load_actor
from core.services.uow import unit_of_work
from tests.app.conftest import open_page

WHATIF, ALERTS = "app_pages/whatif.py", "app_pages/alerts.py"
SAVE = WRITE_SERVICES["core.services.scenario_store.save_scenario"]
ACK = WRITE_SERVICES["core.services.alerts.acknowledge"]


def roles_of(url: str, username: str) -> frozenset[str]:
    with unit_of_work(url) as uow:
        actor = load_actor(uow, username)
    assert actor is not None
    return actor.roles


@pytest.mark.parametrize("user", ["planner", "leader", "coordinator", "admin"])
def test_the_whatif_page_offers_saving_exactly_to_the_roles_core_lets_save(app, demo_sqlite, user: str) -> None:  # type: ignore[no-untyped-def]
    may = bool(roles_of(demo_sqlite, user) & SAVE)
    assert may == (user != "coordinator")  # the decision, spelled out
    at = open_page(app, WHATIF, user=user)
    offered = {"wi_save", "wi_save_new"} <= {b.key for b in at.button}
    assert offered == may
    assert any("情景由研判员和指挥长保存" in c.value for c in at.caption) == (not may)


def test_a_leader_saves_a_scenario_from_the_page(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = open_page(app, WHATIF, user="leader")
    at.text_input(key="wi_name").set_value("指挥长的推演").run()
    at.button(key="wi_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with unit_of_work(demo_sqlite) as uow:
        saved = scenario_store.list_scenarios(uow)
    assert saved[["name", "author"]].values.tolist() == [["指挥长的推演", "leader"]]


@pytest.mark.parametrize("user", ["leader", "coordinator", "admin"])
def test_the_alerts_page_offers_acknowledging_exactly_to_the_roles_core_lets_acknowledge(app, demo_sqlite, user: str) -> None:  # type: ignore[no-untyped-def]
    may = bool(roles_of(demo_sqlite, user) & ACK)
    assert may == (user != "leader")
    at = open_page(app, ALERTS, user=user)
    offered = any(m.key == "alerts_ack_pick" for m in at.multiselect)
    assert offered == may
    assert any("预警由调度员确认处理" in i.value for i in at.info) == (not may)


def test_core_refuses_a_leaders_acknowledgement_and_a_coordinators_scenario(demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    from core.model.scenarios.evaluation import Scenario

    with unit_of_work(demo_sqlite) as uow:
        leader, coordinator = load_actor(uow, "leader"), load_actor(uow, "coordinator")
        with pytest.raises(PermissionDenied):
            alert_service.acknowledge(uow, leader, [("gap_high", "x", None)], "看过了")
        with pytest.raises(PermissionDenied):
            scenario_store.save_scenario(uow, coordinator, Scenario("调度员的情景"))
