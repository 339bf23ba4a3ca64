"""The volunteer and errands pages render in Chinese with units, mask per role, and write through core."""

from __future__ import annotations

import json

import pandas as pd

from core.services import errands, volunteers
from core.services.uow import unit_of_work
from tests.app.conftest import open_page
from tests.db import call

VOLUNTEERS, ERRANDS = "app_pages/volunteers.py", "app_pages/errands.py"


_open = open_page


def list_errands(url: str, *, personal: bool) -> pd.DataFrame:
    with unit_of_work(url) as uow:
        return errands.list_errands(uow, personal=personal)


def load_view(url: str, *, personal: bool) -> volunteers.DeploymentView:
    with unit_of_work(url) as uow:
        return volunteers.load_view(uow, personal=personal)


def test_volunteer_page_shows_the_deployment_map_and_figures_with_units(app) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, VOLUNTEERS)
    assert at.title[0].value == "志愿者调度"
    labels = [m.label for m in at.metric]
    assert labels[:7] == ["在册志愿者", "报到在职党员", "今日派岗", "正在上岗", "今日任务", "缺岗", "疲劳预警"]
    assert all(m.value.endswith(("人", "个", "%")) for m in at.metric)
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    ids = [layer["id"] for layer in deck["layers"]]
    assert ids.index("vol-tasks") < ids.index("street-labels")  # the names are drawn over the tasks
    assert any("vol-communities" == layer["id"] for layer in deck["layers"])
    assert any("脱敏" in i.value for i in at.info)  # the leader sees masked names
    assert "vol_assign" not in [b.key for b in at.button]  # leaders see, coordinators assign
    assert any("只能查看" in i.value for i in at.info)


def test_the_density_view_swaps_the_dots_for_hexagons(app) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, VOLUNTEERS, vol_map_mode="density")
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    ids = [layer["id"] for layer in deck["layers"]]
    assert "vol-tasks" not in ids and ids.index("vol-density") < ids.index("street-labels")


def test_a_coordinator_assigns_two_volunteers_to_the_chosen_task(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, VOLUNTEERS, user="coordinator")
    task_id = at.selectbox(key="vol_task").value
    before = load_view(demo_sqlite, personal=True).tasks.set_index("id").loc[task_id, "assigned"]
    options = at.multiselect(key="vol_pick").options
    assert len(options) >= 2
    ms = at.multiselect(key="vol_pick")
    for label in options[:2]:
        ms.select(label)
    at.text_input(key="vol_reason").input("人手紧张")
    at.run()
    at.button(key="vol_assign").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    after = load_view(demo_sqlite, personal=True).tasks.set_index("id").loc[task_id, "assigned"]
    assert after == before + 2
    assert any("已派 2 人" in s.value for s in at.success)


def test_errands_queue_highlights_overdue_and_masks_for_a_leader(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, ERRANDS)
    assert at.title[0].value == "代买代办"
    assert [m.label for m in at.metric][:2] == ["未办结", "已超时"]
    assert all(m.value.endswith("件") for m in at.metric)
    table = at.dataframe[0].value
    assert {"编号", "居民", "联系电话", "已等待", "剩余时限"} <= set(table.columns)
    assert table["居民"].astype(str).str.contains("*", regex=False).all()
    late = list_errands(demo_sqlite, personal=False)["overdue"].sum()
    assert late > 0 and table["剩余时限"].astype(str).str.startswith("超时").sum() == late


def test_a_coordinator_registers_and_assigns_an_errand(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    before = len(list_errands(demo_sqlite, personal=True))
    at = _open(app, ERRANDS, user="coordinator")
    at.selectbox(key="err_new_kind").set_value("medicine")
    at.text_area(key="err_new_detail").input("布洛芬一盒")
    at.button(key="FormSubmitter:err_new-登记").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    q = list_errands(demo_sqlite, personal=True)
    assert len(q) == before + 1
    assert any("已登记" in s.value for s in at.success)
    new = q.loc[q["id"].idxmax()]
    assert new["kind"] == "medicine" and new["status"] == "new" and new["created_by"] == "coordinator"


def test_an_admin_chooses_on_the_norms_page_which_volunteer_tasks_count_and_the_fatigue_policy(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    from core.services.norms import norm_history

    at = _open(app, "app_pages/norms.py", user="admin")
    assert at.multiselect(key="norms_vol_for").value == ["checkpoint"]  # the demo district's choice
    at.multiselect(key="norms_vol_for").select("door_to_door")
    at.radio(key="norms_fatigue").set_value("refuse")
    at.text_input(key="norms_reason").set_value("入户排查的志愿者也计入")
    at.button[0].click().run()
    assert not at.exception
    params = dict(call(demo_sqlite, norm_history)["params"].iat[0])
    assert params["volunteers_count_for"] == ["checkpoint", "door_to_door"] and params["fatigue_policy"] == "refuse"
    assert params["max_consecutive_days"] == 6.0
