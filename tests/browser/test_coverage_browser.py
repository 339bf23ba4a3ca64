"""The coverage map and the staffing-gap page in a real browser: painted, labelled in Chinese, offline."""

from __future__ import annotations

from tests.browser.conftest import (
    canvas_is_painted,
    screenshot,
    submit_login,
    wait_for_app,
    wait_painted,
)


def sign_in(page, server, user: str = "leader") -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url)
    wait_for_app(page)
    submit_login(page, user)


def _open(page, server, path: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server)
    page.get_by_test_id("stSidebarNav").get_by_text({"coverage": "覆盖地图", "gaps": "人员缺口"}[path]).click()
    wait_for_app(page)
    page.get_by_test_id("stDeckGlJsonChart").first.wait_for(state="visible", timeout=60_000)
    assert wait_painted(page)  # deck.gl paints after the first frame


def test_coverage_map_is_painted_and_drills_into_a_community(page, server, recorder) -> None:  # type: ignore[no-untyped-def]
    _open(page, server, "coverage")
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_role("heading", name="覆盖地图").is_visible()
    assert page.get_by_text("网格覆盖率").first.is_visible()
    assert canvas_is_painted(page)
    screenshot(page, "coverage-1080p")
    chart = page.get_by_test_id("stDeckGlJsonChart").first
    box = chart.bounding_box()
    assert box is not None
    for fx, fy in ((0.5, 0.5), (0.45, 0.55), (0.55, 0.45), (0.4, 0.4), (0.6, 0.6)):
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        page.wait_for_timeout(1500)
        wait_for_app(page)
        if page.get_by_test_id("stDeckGlJsonChart").count() == 2:
            break
    assert page.get_by_test_id("stDeckGlJsonChart").count() == 2, "clicking the map opened no community"
    assert wait_painted(page, "[data-testid='stDeckGlJsonChart'] >> nth=1 >> canvas")
    assert page.get_by_text("在岗人员（按类别）").is_visible()
    screenshot(page, "coverage-drilldown-1080p")
    assert recorder.external == []
    assert recorder.page_errors == []


def test_gaps_page_shows_ranked_list_map_and_charts(page, server, recorder) -> None:  # type: ignore[no-untyped-def]
    _open(page, server, "gaps")
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_role("heading", name="人员缺口").first.is_visible()
    assert page.get_by_text("缺员社区排行").is_visible()
    page.get_by_test_id("stVegaLiteChart").first.wait_for(state="visible", timeout=30_000)
    assert canvas_is_painted(page)
    screenshot(page, "gaps-1080p")
    page.get_by_test_id("stVegaLiteChart").first.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    screenshot(page, "gaps-charts-1080p")
    assert recorder.external == []
    assert recorder.page_errors == []


def test_norms_page_shows_the_form_and_version_history_to_an_admin(page, server, recorder) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server, "admin")
    page.get_by_test_id("stSidebarNav").get_by_text("人员配置标准").click()
    wait_for_app(page)
    assert page.get_by_test_id("stException").count() == 0
    # a click in the navigation: the app may still look idle on the old page until the rerun starts
    page.get_by_role("heading", name="人员配置标准").first.wait_for(state="visible", timeout=60_000)
    assert page.get_by_text("每万名常住人口社区工作者基数（人）").is_visible()
    assert page.get_by_text("版本历史").is_visible()
    page.wait_for_timeout(800)
    screenshot(page, "norms-1080p")
    assert recorder.external == []
    assert recorder.page_errors == []
