"""The roster page (排班) in AppTest on the demo: a checkpoint's week with its empty shifts, filling one from
the call-out list (the week then shows it taken), and read-only for a clerk."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from core.storage import rows as orm
from core.storage.db import session_scope
from dashboard.i18n import t

PAGE = "app_pages/roster.py"


def _open(app: Callable[..., AppTest], user: str) -> AppTest:
    at = app(user=user)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def short(at: AppTest) -> int:
    return int(next(m for m in at.metric if m.label == t("roster.kpi.people_short")).value.replace(",", ""))


def test_a_coordinator_fills_an_empty_shift_from_the_call_out_list(app: Callable[..., AppTest],
                                                                   demo_sqlite: str) -> None:
    fresh = _open(app, "coordinator")
    assert short(fresh) == 0 and any(t("roster.none_rostered.checkpoint")[:10] in i.value for i in fresh.info)
    from core.model.actor import Actor
    from core.services import rosters
    from core.services.uow import unit_of_work

    with unit_of_work(demo_sqlite) as uow:
        first = int(rosters.posts(uow).iloc[0]["id"])  # the page's first post
        rosters.set_pattern(uow, Actor("coordinator", "李调度", frozenset({"coordinator"})), first, preset="3x8",
                            people_per_shift=2)
    from dashboard import cache

    cache.data_version.clear()  # the pages see a write made elsewhere within the version's 3 s
    at = _open(app, "coordinator")
    assert short(at) > 0 and at.dataframe  # the district's empty shifts, the week grid
    at.button(key="FormSubmitter:roster_assign-" + t("roster.assign")).click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success and t("roster.assigned", shift="", day="")[:3] in at.success[0].value
    with session_scope(demo_sqlite) as s:
        assert s.scalar(select(func.count()).select_from(orm.RosterEntry)) == 1
    grid = at.dataframe[0].value
    assert any(str(v).startswith("1 / ") for v in grid.to_numpy().ravel())  # the shift now shows one taken

def test_a_clerk_sees_the_roster_but_cannot_fill_it(app: Callable[..., AppTest]) -> None:
    at = _open(app, "clerk")
    assert any(t("roster.read_only") in i.value for i in at.info)
    assert not [b for b in at.button if "roster_assign" in str(b.key)]


def test_a_coordinator_gives_a_post_its_own_shifts_and_leaders_see_who_is_on_too_long(
        app: Callable[..., AppTest], demo_sqlite: str) -> None:
    at = _open(app, "coordinator")
    at.radio(key="roster_preset").set_value("2x12")
    at.number_input(key="roster_people").set_value(3)
    at.button(key="FormSubmitter:roster_pattern-" + t("roster.save_pattern")).click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    caption = next(c.value for c in at.caption if c.value.startswith(t("roster.pattern", slots="", n=0, source="")[:3]))
    assert t("roster.own") in caption and "3" in caption and "白班" in caption
    with session_scope(demo_sqlite) as s:
        assert s.scalar(select(orm.ShiftPattern.people_per_shift)) == 3
    assert any(t("roster.long_haul") == h.value for h in at.subheader)
    assert any(t("roster.long_haul_none") in m.value for m in at.success)  # nobody rostered for days yet
    bad = _open(app, "coordinator")
    bad.radio(key="roster_preset").set_value("custom")
    bad.text_input(key="roster_custom").input("早班 8点")
    bad.button(key="FormSubmitter:roster_pattern-" + t("roster.save_pattern")).click()
    bad.run()
    assert bad.error and "早班 8点" in bad.error[0].value and not bad.exception


def test_an_admin_changes_the_fatigue_limits_and_others_only_read_them(app: Callable[..., AppTest],
                                                                       demo_sqlite: str) -> None:
    from core.services import rosters
    from core.services.norms import norms_for_day
    from core.services.uow import unit_of_work

    at = _open(app, "admin")
    at.number_input(key="lim_day").set_value(10.0)
    at.text_input(key="lim_reason").input("防止疲劳作战")
    at.button(key="FormSubmitter:roster_limits-" + t("roster.limits_save")).click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with unit_of_work(demo_sqlite) as uow:
        assert rosters.limits(uow).max_hours_day == 10.0
        assert norms_for_day(uow).max_hours_per_day == 10.0  # the limits are a version of the norms
    with session_scope(demo_sqlite) as s:
        assert s.scalar(select(orm.AuditLog.reason).where(orm.AuditLog.action == "norms.save")) == "防止疲劳作战"
    unchanged = _open(app, "admin")  # no reason: refused, nothing saved
    unchanged.number_input(key="lim_day").set_value(9.0)
    unchanged.button(key="FormSubmitter:roster_limits-" + t("roster.limits_save")).click()
    unchanged.run()
    assert unchanged.error and not unchanged.exception
    with unit_of_work(demo_sqlite) as uow:
        assert rosters.limits(uow).max_hours_day == 10.0
    coordinator = _open(app, "coordinator")
    assert not [n for n in coordinator.number_input if n.key == "lim_day"]


def test_a_coordinator_rosters_two_teams_by_pattern(app: Callable[..., AppTest], demo_sqlite: str) -> None:
    import datetime as dt

    at = _open(app, "coordinator")
    crew = at.multiselect(key="roster_team_0").options
    assert len(crew) >= 4
    at.multiselect(key="roster_team_0").select(crew[0]).select(crew[1])
    at.multiselect(key="roster_team_1").select(crew[2]).select(crew[3])
    start = at.date_input(key="roster_from").value
    at.date_input(key="roster_span").set_value((start, start + dt.timedelta(days=1)))
    at.number_input(key="roster_rotate").set_value(0)
    at.button(key="FormSubmitter:roster_range-" + t("roster.range_submit")).click()
    at.run()
    # the norms' three shifts a day: the two teams take the first two, 8 h each and rested, so nothing is refused
    assert not at.exception and not at.error, [e.value for e in at.error]
    with session_scope(demo_sqlite) as s:
        made = s.scalar(select(func.count()).select_from(orm.RosterEntry))
    assert made == 8 and at.success and "8" in at.success[0].value


def test_a_coordinator_closes_a_post_for_a_day(app: Callable[..., AppTest], demo_sqlite: str) -> None:
    at = _open(app, "coordinator")
    at.number_input(key="roster_odd_n").set_value(0)
    at.button(key="FormSubmitter:roster_exception-" + t("roster.exception_save")).click()
    at.run()
    assert at.error and not at.exception  # the reason is required
    at.text_input(key="roster_odd_reason").input("道路封闭")
    at.button(key="FormSubmitter:roster_exception-" + t("roster.exception_save")).click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with session_scope(demo_sqlite) as s:
        assert s.scalar(select(orm.ShiftException.people_per_shift)) == 0
    day = at.date_input(key="roster_from").value
    assert f"{day:%m-%d}" not in [str(c) for c in at.dataframe[0].value.columns]  # no shifts that day


def test_a_coordinator_gives_a_grid_a_watch_roster_with_a_skill(app: Callable[..., AppTest], demo_sqlite: str) -> None:
    from core.services import rosters
    from core.services.uow import unit_of_work

    at = _open(app, "coordinator")
    at.radio(key="roster_kind").set_value("grid")
    at.run()
    assert not at.exception and any(t("roster.none_rostered.grid")[:10] in i.value for i in at.info)
    grid = at.selectbox(key="roster_post_grid").value
    at.radio(key="roster_preset").set_value("2x12")
    at.selectbox(key="roster_skill").set_value("medical")
    at.button(key="FormSubmitter:roster_pattern-" + t("roster.save_pattern")).click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with unit_of_work(demo_sqlite) as uow:
        pat = rosters.pattern_of(uow, grid_id=int(grid))
    assert not pat.from_norms and pat.skill == "medical" and [s.name for s in pat.slots] == ["day", "night"]
    assert any(t("roster.skill_needed", skill="医护")[:6] in c.value for c in at.caption)
    # the district's empty shifts now list the grid's two shifts of each day ahead, named as a grid
    table = next(d.value for d in at.dataframe if t("roster.col.post") in d.value.columns)
    assert (table[t("roster.col.post_kind")] == "网格").any()


def test_the_page_offers_the_week_as_the_workbook_the_command_line_writes(app: Callable[..., AppTest],
                                                                          demo_sqlite: str) -> None:
    import io

    from openpyxl import load_workbook

    at = _open(app, "clerk")
    buttons = at.get("download_button")
    assert len(buttons) == 1 and t("roster.download") in buttons[0].proto.label
    from dashboard import cache

    data = cache.roster_workbook(int(at.selectbox(key="roster_post_checkpoint").value),
                                 str(at.date_input(key="roster_from").value), 7, "zh", "checkpoint")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["排班", "明细"]
    assert [c.value for c in book["明细"][1]][:4] == ["卡点编码", "日期", "班次", "人员编号"]
    assert not [u for u in at.get("file_uploader")]  # a clerk reads; only coordinators import
