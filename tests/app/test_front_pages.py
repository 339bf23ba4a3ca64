"""The phone pages in AppTest, as the demo grid member (wangge, tied to a grid member of the roster): only
the front line's pages, today's work on the home page, a door saved moves the grid's count, an isolation
check with a fever and a need raises an incident and an errand, and a desk page is out of reach."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from core.storage import rows as orm
from core.storage.db import session_scope
from dashboard.i18n import t

HOME, SCREENING, ISOLATION = "app_pages/front_home.py", "app_pages/front_screening.py", "app_pages/front_isolation.py"


def _open(app: Callable[..., AppTest], page: str | None = None) -> AppTest:
    at = app(user="wangge")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_grid_member_lands_on_my_grid_and_sees_only_the_front_line(app: Callable[..., AppTest]) -> None:
    at = _open(app)
    assert at.title[0].value == t("front.hello", name="张网格员")
    labels = [m.label for m in at.metric]
    assert t("front.kpi.screened") in labels and t("front.kpi.iso_left") in labels
    assert not at.error


def test_a_door_saved_on_the_phone_moves_the_grids_count(app: Callable[..., AppTest], demo_sqlite: str) -> None:
    at = _open(app, SCREENING)
    before = at.get("progress")[0].proto.text
    at.text_input(key="front_scr_building").input("7栋")
    at.text_input(key="front_scr_unit").input("1单元")
    at.text_input(key="front_scr_room").input("302")
    at.radio(key="front_scr_outcome").set_value("extra")
    at.text_input(key="front_scr_person").input("孙新住")
    at.button[0].click()  # the form's 保存
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success and "7栋-1单元-302" in at.success[0].value
    after = at.get("progress")[0].proto.text
    assert before != after
    with session_scope(demo_sqlite) as s:
        assert s.scalar(select(func.count()).select_from(orm.RosterAddition).where(
            orm.RosterAddition.name == "孙新住")) == 1


def test_an_isolation_check_with_a_fever_and_a_need_raises_an_incident_and_an_errand(
        app: Callable[..., AppTest], demo_sqlite: str) -> None:
    at = _open(app, ISOLATION)
    first = at.expander[0]
    first.number_input[0].set_value(38.4)
    first.checkbox[1].check()  # 买药
    first.button[0].click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    msg = at.success[0].value
    assert "38.4" in msg and t("front.iso.saved_errands", codes="")[:4] in msg
    with session_scope(demo_sqlite) as s:
        assert s.scalar(select(func.count()).select_from(orm.ServiceRequest).where(
            orm.ServiceRequest.created_by == "wangge", orm.ServiceRequest.kind == "medicine")) == 1
        assert s.scalar(select(func.count()).select_from(orm.IsolationAlert)) >= 1


def test_a_desk_page_is_out_of_reach(app: Callable[..., AppTest]) -> None:
    from dashboard.navigation import visible_pages

    assert {p.url_path for p in visible_pages(frozenset({"grid_member"}))} == {
        "mine", "door-to-door", "isolation-checks", "my-errands", "report",
        "checkpoint-duty"}
    at = _open(app)
    with __import__("pytest").raises(ValueError):  # the router registers no desk page for this account
        at.switch_page("app_pages/gaps.py")


def test_an_errand_for_a_resident_is_registered_taken_and_delivered_on_the_phone(
        app: Callable[..., AppTest], demo_sqlite: str) -> None:
    at = _open(app, "app_pages/front_errands.py")
    at.radio(key="front_err_kind").set_value("bills")
    at.text_input(key="front_err_detail").input("代交电费 200 元")
    at.text_input(key="front_err_name").input("孙大爷")
    at.text_input(key="front_err_address").input("3栋2单元501")
    at.button(key="FormSubmitter:front_errand-保存").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    code = at.success[0].value.split("代办 ")[1].split("，")[0]
    assert at.text_input(key="front_err_detail").value == ""  # ready for the next errand
    with session_scope(demo_sqlite) as s:
        errand_id = s.scalar(select(orm.ServiceRequest.id).where(orm.ServiceRequest.code == code))
    at.button(key=f"front_err_{errand_id}_take").click()
    at.run()
    assert at.success and code in at.success[0].value, [e.value for e in at.error]
    at.button(key=f"front_err_{errand_id}_deliver").click()
    at.run()
    assert at.success and t("front.err.deliver_done", code=code) == at.success[0].value
    with session_scope(demo_sqlite) as s:
        assert s.scalar(select(orm.ServiceRequest.status).where(orm.ServiceRequest.id == errand_id)) == "done"


def test_an_incident_reported_on_the_phone_without_a_point_sits_at_the_grid_centre(
        app: Callable[..., AppTest], demo_sqlite: str) -> None:
    at = _open(app, "app_pages/front_incident.py")
    assert not at.warning, [w.value for w in at.warning]
    at.selectbox(key="front_inc_type").set_value("quarantine_breach")
    at.text_area(key="front_inc_desc").input("隔离户擅自下楼取快递，已劝返")
    at.button(key="FormSubmitter:front_inc-" + t("front.inc.send")).click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    code = at.success[0].value.split("事件 ")[1].split("，")[0]
    assert at.text_area(key="front_inc_desc").value == ""  # a new form for the next report
    with session_scope(demo_sqlite) as s:
        inc = s.execute(select(orm.Incident.lon, orm.Incident.lat, orm.Incident.grid_id, orm.IncidentDetail.source)
                        .join(orm.IncidentDetail, orm.IncidentDetail.incident_id == orm.Incident.id)
                        .where(orm.Incident.code == code)).one()
        grid = s.execute(select(orm.Grid.lon, orm.Grid.lat).where(orm.Grid.id == inc.grid_id)).one()
    assert inc.source == "phone" and (inc.lon, inc.lat) == (grid.lon, grid.lat)


def test_a_checkpoint_shift_is_signed_in_registered_and_seen_on_the_desk(
        app: Callable[..., AppTest], demo_sqlite: str) -> None:
    at = _open(app, "app_pages/front_checkpoint.py")
    at.button(key="front_duty_sign_in").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success and t("front.duty.signed_in", post="")[:3] in at.success[0].value
    at.text_input(key="front_duty_from").input("江岸区")
    at.text_input(key="front_duty_purpose").input("送药")
    at.number_input(key="front_duty_temp").set_value(38.0)
    at.text_input(key="front_duty_name").input("周来访")
    at.button(key="FormSubmitter:front_duty_entry-" + t("front.duty.register")).click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(t("front.duty.fever", code="")[:6] in s.value for s in at.success)
    assert any("周来访" in x.value for x in at.text)  # my own line, in full
    with session_scope(demo_sqlite) as s:
        assert s.scalar(select(func.count()).select_from(orm.GateEntry)) == 1
    desk = app(user="coordinator")
    desk.run()
    desk.switch_page("app_pages/desk.py")
    desk.run()
    assert not desk.exception, [e.value for e in desk.exception]
    on_duty = [m for m in desk.metric if m.label == t("desk.cp.kpi.on_duty")]
    entries = [m for m in desk.metric if m.label == t("desk.cp.kpi.entries")]
    assert on_duty and on_duty[0].value == "1" and entries[0].value == "1"
