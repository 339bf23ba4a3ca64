"""Incidents in a real browser: a coordinator reports an incident, dispatches it, starts and resolves it,
and the open-incident count on the overview and on the wall screen goes up by one and back down.
A leader sees the isolation list masked and the screening progress. Screenshots at 1920×1080."""

from __future__ import annotations

import re

from core.demo.accounts import DEMO_KIOSK_TOKEN
from tests.browser.conftest import (
    Server,
    screenshot,
    sign_in,
    wait_for_app,
    wait_painted,
)


def _nav(page, title: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    wait_for_app(page)


def _metric(page, name: str) -> int:  # type: ignore[no-untyped-def]
    card = page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").get_by_text(name, exact=True))
    text = str(card.first.get_by_test_id("stMetricValue").inner_text())
    return int(re.sub(r"[^\d]", "", text))


def _overview_open(page) -> int:  # type: ignore[no-untyped-def]
    _nav(page, "总览")
    return _metric(page, "未办结事件")


def _wall_open(browser, server: Server) -> int:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    wall = ctx.new_page()
    try:
        wall.goto(f"{server.url}/?kiosk={DEMO_KIOSK_TOKEN}")
        wait_for_app(wall)
        tile = wall.get_by_test_id("fx-kpi-open_incidents").locator(".fx-num")
        tile.wait_for(state="visible", timeout=60_000)
        return int(re.sub(r"[^\d]", "", tile.inner_text()))
    finally:
        ctx.close()


def _act(page, button: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name=button, exact=True).click()
    wait_for_app(page)
    page.get_by_test_id("stAlertContentSuccess").first.wait_for(state="visible", timeout=30_000)


def test_report_dispatch_and_resolve_moves_the_open_counts(page, own_server, recorder, browser) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, own_server.url, "coordinator")
    open0, wall0 = _overview_open(page), _wall_open(browser, own_server)
    assert wall0 == open0

    _nav(page, "事件处置")
    page.get_by_test_id("stDeckGlJsonChart").wait_for(state="visible", timeout=60_000)
    assert wait_painted(page)
    screenshot(page, "incidents-1080p")
    page.get_by_text("上报新事件").click()
    page.get_by_label("地点（小区、楼栋、卡点）").fill("幸福里小区东门卡点")
    page.get_by_label("事件描述").fill("卡点发现一名居民体温偏高，拒绝登记")
    page.get_by_role("button", name="上报", exact=True).click()
    wait_for_app(page)
    done = page.get_by_test_id("stAlertContentSuccess").first
    done.wait_for(state="visible", timeout=30_000)
    code = re.search(r"E\d{8}-\d{5}", done.inner_text()).group(0)  # type: ignore[union-attr]

    assert _overview_open(page) == open0 + 1
    assert _wall_open(browser, own_server) == wall0 + 1

    _nav(page, "事件处置")
    box = page.get_by_label("按事件编号查找")
    box.fill(code)
    box.press("Enter")
    wait_for_app(page)
    page.get_by_text(f"事件 {code}").wait_for(state="visible", timeout=30_000)
    page.get_by_label("或处置小组").fill("东门应急处置组")
    _act(page, "派单")
    _act(page, "开始处置")
    page.get_by_label("说明（处置完毕、重新处置时必填）").fill("已劝导登记并送发热门诊")
    _act(page, "处置完毕")
    history = page.get_by_test_id("stDataFrame").last
    assert history.is_visible()
    screenshot(page, "incident-resolved-1080p")

    assert _overview_open(page) == open0
    assert _wall_open(browser, own_server) == wall0
    assert page.get_by_test_id("stException").count() == 0
    assert recorder.external == [] and recorder.page_errors == []


def test_a_leader_sees_the_isolation_list_masked_and_the_campaign_progress(page, server, recorder) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server.url, "leader")
    _nav(page, "居家隔离")
    page.get_by_text("个人信息已按您的角色脱敏显示").wait_for(state="visible", timeout=30_000)
    page.wait_for_timeout(800)
    screenshot(page, "isolation-masked-1080p")
    grid = page.get_by_test_id("stDataFrame").first
    assert grid.is_visible()
    _nav(page, "地毯式排查")
    page.get_by_test_id("stDeckGlJsonChart").wait_for(state="visible", timeout=60_000)
    page.get_by_test_id("stVegaLiteChart").first.wait_for(state="visible", timeout=60_000)
    assert wait_painted(page)
    screenshot(page, "screening-progress-1080p")
    assert page.get_by_test_id("stException").count() == 0
    assert recorder.external == [] and recorder.console_errors == [] and recorder.page_errors == []
