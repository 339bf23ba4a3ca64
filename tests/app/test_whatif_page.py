"""The what-if page (推演研判): renders two maps, builds a scenario from the picker, saves and reloads
it (a planner or a leader; a coordinator is not offered saving), and shows a clear error for a change
whose community is gone."""

from __future__ import annotations

import pytest

from core.services import scenario_store
from core.services.uow import unit_of_work

WHATIF = "app_pages/whatif.py"


def list_scenarios(url: str):  # type: ignore[no-untyped-def]
    with unit_of_work(url) as uow:
        return scenario_store.list_scenarios(uow)


def _open(app, user: str = "planner", **state):  # type: ignore[no-untyped-def]
    at = app(user=user, **state)
    at.run()
    at.switch_page(WHATIF)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _kpis(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {m.label: m.value for m in at.metric}


def test_the_page_opens_with_today_twice_and_four_kpis_with_units(app) -> None:  # type: ignore[no-untyped-def]
    at = _open(app)
    assert at.title[0].value == "推演研判"
    assert len(at.get("deck_gl_json_chart")) == 3  # before, after, change
    k = _kpis(at)
    assert set(k) == {"缺口合计", "无人值守网格", "无人值守卡点班次", "缺人社区"}
    assert k["缺口合计"].endswith(" 人") and k["无人值守卡点班次"].endswith(" 班")


def test_adding_a_change_updates_the_kpis_and_undo_takes_it_back(app) -> None:  # type: ignore[no-untyped-def]
    at = _open(app)
    today = _kpis(at)["缺口合计"]
    at.selectbox(key="wi_kind").set_value("norms").run()
    at.select_slider(key="wi_f_hours").set_value(6)  # a form widget: sent with the submit
    at.button(key="FormSubmitter:wi_form_norms-加入情景").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _kpis(at)["缺口合计"] != today
    assert any("卡点每班 6 小时" in m.value for m in at.markdown)
    assert at.dataframe[0].value.shape[0] > 0  # the communities that change most
    at.button(key="wi_undo").click().run()
    assert _kpis(at)["缺口合计"] == today


def test_a_planner_saves_the_scenario_and_loads_it_back(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = _open(app)
    at.text_input(key="wi_name").set_value("十二小时班次").run()
    at.selectbox(key="wi_kind").set_value("norms").run()
    at.button(key="FormSubmitter:wi_form_norms-加入情景").click().run()
    at.button(key="wi_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    saved = list_scenarios(demo_sqlite)
    assert saved["name"].tolist() == ["十二小时班次"] and saved["n_changes"].tolist() == [1]
    at.button(key="wi_clear").click().run()
    assert at.text_input(key="wi_name").value == "未命名情景"
    at.button(key="wi_load").click().run()
    assert at.text_input(key="wi_name").value == "十二小时班次"
    assert any("卡点每班 12 小时" in m.value for m in at.markdown)


def test_a_coordinator_explores_and_is_not_offered_saving(app) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, user="coordinator")
    assert not {"wi_save", "wi_save_new", "wi_copy", "wi_delete"} & {b.key for b in at.button}
    assert any("情景由研判员和指挥长保存" in c.value for c in at.caption)


def test_a_kpi_delta_carries_its_sign_in_the_arrow(app) -> None:  # type: ignore[no-untyped-def]
    at = _open(app)
    at.selectbox(key="wi_kind").set_value("add_cadres").run()
    at.button(key="FormSubmitter:wi_form_add_cadres-加入情景").click().run()
    shortage = next(m for m in at.metric if m.label == "缺口合计")
    assert shortage.proto.delta.endswith(" 人") and shortage.proto.delta[0].isdigit()  # "↓ 200 人", not "↓ -200 人"
    assert shortage.proto.direction == shortage.proto.MetricDirection.DOWN
    assert shortage.proto.color == shortage.proto.MetricColor.GREEN


def test_a_change_referring_to_a_vanished_community_gives_a_clear_error(app) -> None:  # type: ignore[no-untyped-def]
    draft = {"id": None, "base": "live", "description": "", "name": "旧情景",
             "changes": [{"kind": "checkpoints", "community": "GONE-01", "delta": 2}]}
    at = _open(app, wi_draft=draft)
    assert any("GONE-01" in e.value and "不存在" in e.value for e in at.error)
    at.button(key="wi_rm_0").click().run()
    assert not at.error and len(at.get("deck_gl_json_chart")) == 3  # before, after, change


@pytest.mark.parametrize("user", ["clerk"])
def test_a_clerk_does_not_get_the_page(app, user: str) -> None:  # type: ignore[no-untyped-def]
    at = app(user=user)
    at.run()
    with pytest.raises(ValueError):
        at.switch_page(WHATIF)


def _move_draft(url: str) -> dict[str, object]:
    from core.services.whatif import load_baseline

    with unit_of_work(url) as uow:
        base = load_baseline(uow)
    donor = base.gaps.community.sort_values(["movable_surplus", "code"], ascending=[False, True]).iloc[0]
    s = base.state.staff
    ids = s[(s["community_id"] == donor["community_id"]) & s["movable"] & s["on_duty"]
            & (s["kind"] == "cadre")]["staff_id"].head(2)
    codes = base.context.people.set_index("staff_id").loc[ids, "code"].tolist()
    short = base.gaps.community.sort_values(["gap", "code"], ascending=[False, True]).iloc[0]["code"]
    return {"id": None, "base": "live", "description": "", "name": "支援",
            "changes": [{"kind": "move", "staff": codes, "to": short}]}


def test_a_planner_is_told_a_coordinator_must_confirm_the_moves(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, wi_draft=_move_draft(demo_sqlite))
    assert any("需要调度员权限" in w.value for w in at.warning)
    assert not [b for b in at.button if b.key == "wi_batch_go"]


def test_a_coordinator_turns_the_scenario_moves_into_a_real_batch(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    from core.services.reassign import recent_batches

    at = _open(app, user="coordinator", wi_draft=_move_draft(demo_sqlite))
    at.text_input(key="wi_batch_reason").set_value("按推演结果支援").run()
    at.text_input(key="wi_batch_override").set_value("推演已评估").run()
    at.button(key="wi_batch_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已调配 2 人" in s.value for s in at.success), [e.value for e in at.error]
    with unit_of_work(demo_sqlite) as uow:
        batches = recent_batches(uow)
    assert batches["moves"].tolist() == [2] and batches["reason"].tolist() == ["按推演结果支援"]


def test_people_off_sick_for_some_days_show_the_absence_and_the_return(app) -> None:  # type: ignore[no-untyped-def]
    at = _open(app)
    today = _kpis(at)["缺口合计"]
    at.selectbox(key="wi_kind").set_value("off_duty").run()
    at.slider(key="wi_f_share").set_value(20)
    at.number_input(key="wi_f_days").set_value(5)
    at.button(key="FormSubmitter:wi_form_off_duty-加入情景").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("20%" in m.value and "为期 5 天" in m.value for m in at.markdown), [m.value for m in at.markdown]
    phases = next(d.value for d in at.dataframe if "阶段" in d.value.columns)
    assert phases["阶段"].tolist() == ["第 1–5 天", "第 6 天起（已返岗）"]
    assert phases["缺口合计"].iloc[0] == _kpis(at)["缺口合计"] != today  # the absence is the scenario's figure
    assert phases["缺口合计"].iloc[1] == today  # back: today's shortage again
