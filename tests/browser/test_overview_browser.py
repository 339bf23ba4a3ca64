"""The overview page in a real browser: loads, no error, nothing leaves the machine, a painted map."""

from __future__ import annotations

from tests.browser.conftest import canvas_is_painted, screenshot, sign_in, wait_painted


def test_overview_loads_offline_with_a_painted_map(page, server, recorder) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server.url)
    page.get_by_test_id("stDeckGlJsonChart").wait_for(state="visible", timeout=60_000)
    assert wait_painted(page)  # deck.gl paints after the first frame
    screenshot(page, "overview-1080p")
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_text("江岸区社区防线总览").is_visible()
    assert page.get_by_test_id("fx-demo-banner").count() == 1 or page.get_by_text("演示数据").first.is_visible()
    assert canvas_is_painted(page)
    assert recorder.external == []
    assert recorder.console_errors == []
    assert recorder.page_errors == []


def test_overview_tooltip_shows_chinese_figures(page, server, recorder) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server.url)
    chart = page.get_by_test_id("stDeckGlJsonChart")
    chart.wait_for(state="visible", timeout=60_000)
    assert wait_painted(page)
    box = chart.bounding_box()
    assert box is not None
    # sweep the map until the pointer is over a community
    tip = page.locator(".deck-tooltip")
    for fx in (0.5, 0.45, 0.55, 0.4, 0.6):
        for fy in (0.5, 0.6, 0.4, 0.7, 0.3):
            page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            page.wait_for_timeout(400)
            if tip.count() and tip.first.is_visible() and "社区" in tip.first.inner_text():
                text = tip.first.inner_text()
                assert "常住人口" in text and "人" in text
                screenshot(page, "overview-tooltip")
                return
    raise AssertionError("no tooltip appeared over the map")
