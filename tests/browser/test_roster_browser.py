"""A coordinator fills the next empty shift of a checkpoint from the call-out list on the roster page (排班),
and the wall screen's count of empty shifts in the next 12 hours drops within one refresh, without a reload.

The post is given two 12-hour shifts whose next start is about three hours from now (whatever the time of
day the test runs), so exactly one of its shifts starts within the wall's 12 hours: the one filled."""

from __future__ import annotations

import datetime as dt
import time

from core.model.actor import Actor
from core.services import clock, rosters
from core.services.uow import unit_of_work
from dashboard.i18n import t
from tests.browser.conftest import _record, choose_option, screenshot, sign_in, wait_for_app

KIOSK = "/?kiosk=demo-wallscreen&embed=true"
COORD = Actor("coordinator", "李调度", frozenset({"coordinator"}))


def _post_with_a_shift_ahead(db: str) -> tuple[dict, dt.datetime]:
    with unit_of_work(db) as uow:
        post = rosters.posts(uow).iloc[0].to_dict()  # the roster page's first post
        now = clock.reference_now(uow)
    h0 = (now.hour + 3) % 24
    with unit_of_work(db) as uow:
        rosters.set_pattern(uow, COORD, int(post["id"]), slots=f"甲班|{h0:02d}:00|12;乙班|{(h0 + 12) % 24:02d}:00|12",
                            people_per_shift=1, reason="浏览器测试")
    nxt = dt.datetime.combine(now.date(), dt.time(h0))
    return post, nxt if nxt > now else nxt + dt.timedelta(days=1)


def test_filling_the_next_empty_shift_drops_the_walls_count_within_one_refresh(browser, own_server, recorder) -> None:  # type: ignore[no-untyped-def]
    post, starts = _post_with_a_shift_ahead(own_server.db_url)
    refresh = 3
    wall_ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    desk_ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    wall, desk = wall_ctx.new_page(), desk_ctx.new_page()
    _record(wall, recorder)
    _record(desk, recorder)
    try:
        wall.goto(f"{own_server.url}{KIOSK}&refresh={refresh}")
        wall.locator("[data-testid='fx-empty-shifts'][data-n='1']").wait_for(timeout=60_000)
        wall.evaluate("window.__fx_same_page = 1")  # a reload would drop this
        screenshot(wall, "issue18/wall-duty-before")

        sign_in(desk, own_server.url, "coordinator", path="roster")
        desk.get_by_role("heading", name=t("roster.title")).wait_for(timeout=60_000)
        wait_for_app(desk)
        shift_box = desk.get_by_test_id("stSelectbox").filter(has_text=t("roster.shift"))
        choose_option(desk, shift_box, f"{starts:%m-%d %H:%M} 甲班 · {t('roster.short_by', n=1)}")
        person_box = desk.get_by_test_id("stSelectbox").filter(has_text=t("roster.person"))
        choose_option(desk, person_box, None)  # the top of the call-out list: rested and nearest
        screenshot(desk, "issue18/roster-call-out")
        t0 = time.monotonic()
        desk.get_by_role("button", name=t("roster.assign")).click()
        desk.get_by_text("已排入", exact=False).first.wait_for(timeout=60_000)
        screenshot(desk, "issue18/roster-filled")

        wall.locator("[data-testid='fx-empty-shifts'][data-n='0']").wait_for(timeout=(refresh + 30) * 1000)
        latency = time.monotonic() - t0
        assert wall.evaluate("window.__fx_same_page") == 1
        assert wall.locator("[data-testid='fx-duty']").first.inner_text().count("1/1") == 1  # the next shift: 1/1
        screenshot(wall, "issue18/wall-duty-after")
        print(f"empty shift filled: the wall showed it after {latency:.1f} s (refresh {refresh} s)")
        desk.get_by_test_id("stRadio").get_by_text(t("roster.kind.grid"), exact=True).click()  # grid watches
        desk.get_by_text(t("roster.none_rostered.grid")[:12], exact=False).first.wait_for(timeout=60_000)
        wait_for_app(desk)
        screenshot(desk, "issue18/roster-grid")
        assert recorder.page_errors == []
    finally:
        wall_ctx.close()
        desk_ctx.close()
