"""Every desk map in a real browser at 1920 × 1080: painted, and its first view holds the whole district
(no shape touches the map's edge: the north-east tip is on it); the plan map's legend has two colours;
the what-if page shows before, after and the change, titled with their totals. Each map is
photographed to test-artifacts/screenshots/issue15/maps-<page>-zh.png."""

from __future__ import annotations

import pytest

from tests.browser.conftest import SHOTS, screenshot, sign_in, wait_for_app
from tests.browser.test_wallscreen_browser import MAP, edges_are_clear, wait_painted

PAGES = {  # url path: the title in the navigation (zh)
    "coverage": "覆盖地图", "gaps": "人员缺口", "reassign": "人员调配", "plan": "调配方案", "whatif": "推演研判",
    "incidents": "事件处置", "screening": "地毯式排查", "volunteers": "志愿者调度",
}


@pytest.fixture(scope="module")
def desk(browser, server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, server.url, "admin")  # the admin sees every page
    yield page
    context.close()


def _open(page, path: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=PAGES[path]).first.click()
    page.wait_for_url(f"**/{path}*", timeout=60_000)
    wait_for_app(page, 120_000)
    page.locator(f"{MAP} canvas").first.wait_for(state="visible", timeout=60_000)


@pytest.mark.parametrize("path", list(PAGES))
def test_every_map_shows_the_whole_district_in_its_first_view(desk, recorder, path: str) -> None:  # type: ignore[no-untyped-def]
    _open(desk, path)
    assert desk.get_by_test_id("stException").count() == 0
    (SHOTS / "issue15").mkdir(parents=True, exist_ok=True)
    for i in range(desk.locator(MAP).count()):
        chart = desk.locator(MAP).nth(i)
        chart.scroll_into_view_if_needed()
        wait_painted(desk, f"{MAP} >> nth={i} >> canvas")
        assert edges_are_clear(desk, f"{MAP} >> nth={i} >> canvas"), f"{path}: a shape touches map {i}'s edge"
        chart.screenshot(path=str(SHOTS / "issue15" / f"maps-{path}-zh-map{i}.png"))
    desk.get_by_test_id("stMain").evaluate("el => el.scrollTo(0, 0)")
    screenshot(desk, f"issue15/maps-{path}-zh")
    assert recorder.page_errors == []


def test_the_plan_legend_has_two_colours_and_says_what_the_width_means(desk) -> None:  # type: ignore[no-untyped-def]
    _open(desk, "plan")
    legend = desk.locator("div", has=desk.locator("b", has_text="图例")).last
    swatches = legend.locator("span[style*='height:14px'], span[style*='height: 14px']")
    assert swatches.count() == 2
    assert "富余社区 · 调出" in legend.inner_text() and "缺员社区 · 调入" in legend.inner_text()
    assert desk.get_by_text("线越粗人越多").is_visible()


def test_the_what_if_page_shows_before_after_and_the_change_with_totals(desk) -> None:  # type: ignore[no-untyped-def]
    _open(desk, "whatif")
    desk.locator(MAP).nth(2).wait_for(state="attached", timeout=60_000)
    assert desk.locator(MAP).count() == 3
    text = desk.get_by_test_id("stMain").inner_text()
    assert "调整前 · 今日：缺员" in text and "调整后 ·" in text and "变化：推演后减今日的缺员人数" in text
    before, after = (desk.locator(MAP).nth(i).bounding_box() for i in (0, 1))
    assert before and after and before["height"] >= 540 and abs(before["y"] - after["y"]) < 2  # side by side, aligned
