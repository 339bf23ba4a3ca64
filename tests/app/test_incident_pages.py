"""The incident, home-isolation and screening pages render in Chinese, mask per role, and write through core."""

from __future__ import annotations

import json

import pandas as pd

from core.services import incidents, isolation
from core.services.uow import unit_of_work
from tests.app.conftest import open_page

INCIDENTS, ISOLATION, SCREENING = "app_pages/incidents.py", "app_pages/isolation.py", "app_pages/screening.py"


_open = open_page


def list_incidents(url: str) -> pd.DataFrame:
    with unit_of_work(url) as uow:
        return incidents.list_incidents(uow)


def load_view(url: str, *, personal: bool) -> isolation.IsolationView:
    with unit_of_work(url) as uow:
        return isolation.load_view(uow, personal=personal)


def test_incident_page_renders_map_timeline_and_table_in_chinese(app) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, INCIDENTS)
    assert at.title[0].value == "事件处置"
    labels = [m.label for m in at.metric]
    assert labels[:2] == ["未办结", "逾期未办结"]
    assert all(m.value.endswith("起") for m in at.metric)
    decks = [json.loads(d.proto.json) for d in at.get("deck_gl_json_chart")]
    assert [layer["id"] for layer in decks[0]["layers"]][-1] == "incidents"
    assert len(at.get("vega_lite_chart")) == 1
    assert "事件编号" in at.dataframe[0].value.columns


def test_a_coordinator_reports_an_incident_from_the_form(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    before = len(list_incidents(demo_sqlite))
    at = _open(app, INCIDENTS, user="coordinator")
    at.text_input(key="inc_r_place").input("幸福里小区3栋")
    at.text_area(key="inc_r_desc").input("卡点发现一名发热人员")
    at.button(key="inc_r_submit").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    after = list_incidents(demo_sqlite)
    assert len(after) == before + 1
    new = after.loc[after["id"].idxmax()]
    assert new["place"] == "幸福里小区3栋" and new["reported_by"] == "coordinator" and new["status"] == "reported"
    assert any("已上报" in s.value for s in at.success)


def test_a_leader_sees_the_incident_page_without_action_buttons(app) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, INCIDENTS, user="leader")
    at.session_state["inc_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert any("调度员办理" in i.value for i in at.info)


def test_isolation_list_is_masked_for_a_leader_and_plain_for_a_coordinator(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    plain = load_view(demo_sqlite, personal=True).households
    at = _open(app, ISOLATION, user="leader")
    shown = at.dataframe[0].value
    assert "户主" in shown.columns and len(shown) == len(plain)
    assert shown["联系电话"].str.contains(r"\*\*\*\*").all()
    assert not shown["户主"].isin(plain["head_name"]).any()
    assert any("脱敏" in i.value for i in at.info)
    at2 = _open(app, ISOLATION, user="coordinator")
    assert set(at2.dataframe[0].value["户主"]) == set(plain["head_name"])


def test_entering_a_fever_check_and_scanning_raises_one_fever_incident(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, ISOLATION, user="coordinator")
    at.number_input(key="iso_t0").set_value(38.2)
    at.button(key="iso_submit").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("38.2" in s.value for s in at.success)
    fevers_before = (list_incidents(demo_sqlite)["type"] == "fever_case").sum()
    at.button(key="iso_scan").click()
    at.run()
    assert not at.exception
    inc = list_incidents(demo_sqlite)
    auto = inc[(inc["source"] == "isolation") & (inc["type"] == "fever_case")]
    assert (inc["type"] == "fever_case").sum() > fevers_before
    assert auto["description"].str.contains("38.2").sum() == 1


def test_screening_page_shows_progress_burn_down_and_who_could_go(app) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, SCREENING, user="coordinator")
    assert at.title[0].value == "地毯式排查进度"
    assert [m.label for m in at.metric][:3] == ["已走访", "按进度应走访", "滞后网格"]
    assert at.metric[0].value.endswith("%")
    decks = [json.loads(d.proto.json) for d in at.get("deck_gl_json_chart")]
    assert any(layer["id"] == "screening-grids" for layer in decks[0]["layers"])
    assert len(at.get("vega_lite_chart")) == 1
    tables = [d.value for d in at.dataframe]
    assert any("可调派人员" in df.columns for df in tables)
    assert isinstance(tables[0], pd.DataFrame) and "滞后" in tables[0].columns


def test_ending_an_isolation_from_the_page_lowers_the_community_count(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    before = load_view(demo_sqlite, personal=True)
    at = _open(app, ISOLATION, user="clerk")
    hid = at.selectbox(key="iso_end_hh").value
    community = before.households.set_index("id").loc[hid, "community_id"]
    at.button(key="iso_end_submit").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    after = load_view(demo_sqlite, personal=True)
    assert len(after.households) == len(before.households) - 1
    with unit_of_work(demo_sqlite) as uow:
        count = uow.tables.communities().set_index("id").loc[community, "isolated_households"]
    assert count == (before.households["community_id"] == community).sum() - 1
    assert any("已解除隔离" in s.value for s in at.success)
