"""The what-if page in a real browser: a planner builds a scenario, sees today and the scenario painted
side by side, saves it, starts over and loads it back; nothing leaves the machine."""

from __future__ import annotations

from tests.browser.conftest import (
    screenshot,
    sign_in,
    wait_for_app,
    wait_painted,
)

MAPS = "[data-testid='stDeckGlJsonChart']"


def _pick(page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
    page.get_by_role("option", name=option).first.click()
    wait_for_app(page)


def _see(page, text: str) -> bool:  # type: ignore[no-untyped-def]
    """Wait until ``text`` shows (a click's rerun may not have started when the app looks idle)."""
    page.get_by_text(text).first.wait_for(state="visible", timeout=60_000)
    return True


def _maps_painted(page) -> bool:  # type: ignore[no-untyped-def]
    page.locator(f"{MAPS} canvas").nth(1).wait_for(state="visible", timeout=60_000)
    return (wait_painted(page, f"{MAPS} >> nth=0 >> canvas")  # deck.gl paints after the first frame
            and wait_painted(page, f"{MAPS} >> nth=1 >> canvas"))


def test_a_planner_builds_saves_and_reloads_a_scenario(page, server, recorder) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server.url, "planner")
    page.get_by_test_id("stSidebarNav").get_by_text("推演研判").click()
    wait_for_app(page)
    assert page.get_by_test_id("stException").count() == 0
    # a click in the navigation: the app may still look idle on the old page until the rerun starts
    page.get_by_role("heading", name="推演研判").first.wait_for(state="visible", timeout=60_000)
    assert page.locator(MAPS).count() == 3  # before, after and the change between them
    assert _maps_painted(page)

    name = page.get_by_label("情景名称")
    name.fill("增派两百名干部")
    name.press("Enter")
    wait_for_app(page)
    _pick(page, "添加一项变化", "增派下沉干部")
    page.get_by_role("button", name="加入情景").click()
    wait_for_app(page)
    assert _see(page, "增派 200 名下沉干部") and _see(page, "变化最大的社区")
    assert _maps_painted(page)
    screenshot(page, "whatif-scenario-1080p")

    page.get_by_role("button", name="保存", exact=True).click()
    wait_for_app(page)
    assert _see(page, "已保存情景「增派两百名干部」")
    page.get_by_role("button", name="重新开始").click()
    wait_for_app(page)
    assert _see(page, "尚未添加变化")
    assert page.get_by_label("情景名称").input_value() == "未命名情景"

    page.get_by_role("button", name="载入").click()
    wait_for_app(page)
    assert _see(page, "已载入情景「增派两百名干部」") and _see(page, "增派 200 名下沉干部")
    assert page.get_by_label("情景名称").input_value() == "增派两百名干部"
    assert _maps_painted(page)
    page.get_by_role("tab", name="情景对比").click()
    page.wait_for_timeout(800)
    screenshot(page, "whatif-reloaded-1080p")
    assert page.get_by_test_id("stException").count() == 0
    assert recorder.external == []
    assert recorder.page_errors == []
