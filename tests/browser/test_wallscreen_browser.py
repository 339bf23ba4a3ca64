"""The wall screen in a real browser at 1920×1080 and 3840×2160: it measures the screen and fills it
without ``?scale=`` (which still overrides), every text at least 24 px high at 1080p (48 px at 4K),
figures at least twice that, the whole district on the map, all eight tiles on screen in English
too, nothing fetched from outside; and a move committed through core shows on the screen within one
refresh, without reloading the page."""

from __future__ import annotations

import shutil
import time
from io import BytesIO
from pathlib import Path

import pytest

from tests.browser.conftest import (
    _record,
    canvas_is_painted,
    choose_language,
    screenshot,
    sign_in,
    start_server,
    wait_for_app,
)
from tests.db import call

KIOSK = "/?kiosk=demo-wallscreen&embed=true"
LABELS = ("网格覆盖率", "缺员人数", "缺员社区", "卡点缺岗班次", "未办结事件", "超时事件", "居家隔离", "在岗志愿者")
TEXT = (".fx-tile .lbl", ".fx-tile .dl", ".fx-tile .unit", ".fx-fresh", ".fx-panel-h .s", ".fx-legend",
        ".fx-alerts li .txt", ".fx-alerts li .when", ".fx-badge", ".fx-more")
MAP = "[data-testid='stDeckGlJsonChart']"


def wait_painted(page, selector: str = f"{MAP} canvas", timeout_s: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Until the canvas shows more than a flat colour (deck.gl paints after its first frames)."""
    deadline = time.monotonic() + timeout_s
    while not canvas_is_painted(page, selector):
        assert time.monotonic() < deadline, "the map was never painted"
        page.wait_for_timeout(250)


def _open(page, url: str, min_map_px: int = 0) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    wait_for_app(page)
    page.locator(f"{MAP} canvas").first.wait_for(state="visible", timeout=60_000)
    page.locator("[data-testid='fx-kpi-shortage']").wait_for(state="visible", timeout=60_000)
    if min_map_px:  # the screen reports its size once; the page is then drawn again at that size
        page.wait_for_function(f"() => document.querySelector(\"{MAP}\")?.getBoundingClientRect().height >= {min_map_px}",
                               timeout=60_000)
        wait_for_app(page)
    wait_painted(page)


def edges_are_clear(page, selector: str = f"{MAP} canvas", band: int = 3) -> bool:  # type: ignore[no-untyped-def]
    """True when no shape touches the canvas's edges: the first view shows the whole district."""
    from PIL import Image

    img = Image.open(BytesIO(page.locator(selector).first.screenshot())).convert("RGB")
    w, h = img.size
    px = img.load()
    bg = px[0, 0]
    strips = [(x, y) for x in range(w) for y in (*range(band), *range(h - band, h))]
    strips += [(x, y) for y in range(h) for x in (*range(band), *range(w - band, w))]
    return all(max(abs(a - b) for a, b in zip(px[x, y], bg, strict=True)) <= 12 for x, y in strips)


def font_px(page, selector: str) -> list[float]:  # type: ignore[no-untyped-def]
    return page.locator(selector).evaluate_all("els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")


@pytest.mark.parametrize(("width", "height", "query", "name"), [
    (1920, 1080, "", "wallscreen-1080p"),
    (3840, 2160, "", "wallscreen-4k"),  # measured: no ?scale= needed
    (3840, 2160, "&scale=2", "wallscreen-4k-scale2"),  # the URL still overrides
])
def test_the_wall_fills_the_screen_and_reads_from_five_metres(browser, server, recorder, width, height, query,  # type: ignore[no-untyped-def]
                                                              name) -> None:
    k = width / 1920
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    _record(page, recorder)
    try:
        _open(page, f"{server.url}{KIOSK}{query}", min_map_px=int(600 * k))
        screenshot(page, f"issue15/{name}")
        assert page.get_by_test_id("stException").count() == 0
        assert page.get_by_test_id("stSidebar").is_hidden()
        for label in LABELS:
            assert page.locator(".fx-tile .lbl", has_text=label).is_visible()
        numbers = page.locator(".fx-tile .fx-num")
        assert numbers.count() == 8
        for i in range(8):
            box = numbers.nth(i).bounding_box()
            assert box is not None and box["height"] >= 48 * k and box["y"] + box["height"] <= height
        units = page.locator(".fx-tile .unit").all_inner_texts()
        assert units == ["%", "人", "个", "班", "起", "起", "户", "人"]
        for selector in TEXT:  # stamps, labels and legends: 24 px at 1080p, 48 px on a 4K wall
            sizes = font_px(page, selector)
            assert sizes and min(sizes) >= 24 * k - 0.5, (selector, sizes)
        assert min(font_px(page, ".fx-tile .fx-num")) >= 48 * k  # figures: twice the labels
        # the panels fill the screen to its bottom, and none runs off it (no scrolling on a wall)
        for key in ("wall-map", "wall-alerts", "wall-trend"):
            box = page.locator(f".st-key-{key}").bounding_box()
            assert box is not None and box["y"] + box["height"] <= height + 1, key
        chart = page.locator(MAP).first.bounding_box()
        assert chart is not None and chart["width"] >= 900 * k and chart["y"] + chart["height"] >= 0.85 * height
        assert page.locator("[data-testid='fx-alert']").count() >= 1
        assert edges_are_clear(page)  # the district's north-east tip is on the map
        assert recorder.external == []
        assert recorder.page_errors == []
    finally:
        context.close()


def test_in_english_all_eight_tiles_are_on_screen_with_their_units(browser, server, recorder) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    _record(page, recorder)
    try:
        sign_in(page, server.url, "leader")  # a leader's desk, sidebar open: the narrowest wall
        choose_language(page, "en")
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Wall screen").click()
        page.locator("[data-testid='fx-kpi-shortage']").wait_for(state="visible", timeout=60_000)
        wait_for_app(page)
        wait_painted(page)
        screenshot(page, "issue15/wallscreen-desk-en")
        main = page.get_by_test_id("stMain").bounding_box()
        tiles = page.locator(".fx-tile")
        assert tiles.count() == 8 and main is not None
        assert page.locator(".fx-tile .unit").all_inner_texts()[1] == "people"
        for i in range(8):
            tile = tiles.nth(i)
            box = tile.bounding_box()
            assert box is not None and box["x"] >= main["x"] and box["x"] + box["width"] <= main["x"] + main["width"]
            # nothing inside the tile is cut off: no wider than the tile, the unit inside it
            assert tile.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), i
            unit = tile.locator(".unit").bounding_box()
            assert unit is None or unit["x"] + unit["width"] <= box["x"] + box["width"] + 1, i
        for selector in (".fx-tile .lbl", ".fx-tile .dl", ".fx-fresh"):
            assert min(font_px(page, selector)) >= 23.5
        assert recorder.page_errors == []
    finally:
        context.close()


def test_a_move_committed_through_core_appears_within_one_refresh_without_a_reload(
        browser, demo_template: Path, tmp_path: Path, recorder) -> None:  # type: ignore[no-untyped-def]
    from core.model.actor import Actor
    from core.services.read_models.wall import load_wall
    from core.services.reassign import candidates, move_staff

    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    db = f"sqlite:///{path}"
    srv = start_server(db)
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    _record(page, recorder)
    refresh = 3
    try:
        _open(page, f"{srv.url}{KIOSK}&refresh={refresh}")
        tile = page.locator("[data-testid='fx-kpi-shortage'] .fx-num")
        before = int(tile.inner_text().replace(",", ""))
        page.evaluate("window.__fx_same_page = 1")  # a reload would drop this
        data = call(db, load_wall)
        target = data.communities.nlargest(1, "shortage").iloc[0]
        shown = call(db, candidates, int(target["community_id"])).head(5)
        people = shown["staff_id"].astype(int).tolist()
        versions = dict(zip(people, shown["version"].astype(int), strict=True))  # what the coordinator saw
        coordinator = Actor("coordinator", "李调度", frozenset({"coordinator"}))
        t0 = time.monotonic()
        call(db, move_staff, coordinator, people, int(target["community_id"]), "支援缺员社区（大屏测试）",
             expected_versions=versions)
        expected = f"{before - 5:,}"
        page.locator("[data-testid='fx-kpi-shortage'] .fx-num", has_text=expected).wait_for(timeout=30_000)
        latency = time.monotonic() - t0
        screenshot(page, "wallscreen-after-move")
        assert page.evaluate("window.__fx_same_page") == 1
        # today's figures are rebuilt once after the write: 0.5-1.5 s on a quiet 2-core box, 3.7 s once in CI with
        # two workers of browser tests beside it; a second refresh would take another full period
        rebuild = 5.0
        assert latency <= refresh + rebuild, f"the move took {latency:.1f} s to appear"
        print(f"move visible after {latency:.1f} s (refresh {refresh} s)")
        assert recorder.page_errors == []
    finally:
        context.close()
        srv.proc.terminate()
        srv.proc.wait(10)


def test_rotation_swaps_the_views_in_place_while_panels_keep_refreshing(page, server, recorder) -> None:  # type: ignore[no-untyped-def]
    # every wait is for a state, never for a time: a slow first load may already have rotated once
    _open(page, f"{server.url}{KIOSK}&refresh=4&rotate=overview,incidents&every=10")
    views = {"总体态势 · 1/2": "缺员人数", "事件处置 · 2/2": "未办结与超时事件"}  # map header -> trend title
    map_header = page.locator(".st-key-wall-map .fx-panel-h").first
    map_header.wait_for(timeout=30_000)
    first = next(v for v in views if v in map_header.inner_text())
    other = next(v for v in views if v != first)
    page.locator(".st-key-wall-trend .fx-panel-h", has_text=views[first]).wait_for(timeout=30_000)
    page.evaluate("window.__fx_same_page = 1")
    stamp = page.locator(".st-key-wall-kpis .fx-fresh").inner_text()
    page.locator(".st-key-wall-map .fx-panel-h", has_text=other).wait_for(timeout=30_000)
    # the trend belongs to the same view and switches in the same step
    page.locator(".st-key-wall-trend .fx-panel-h", has_text=views[other]).wait_for(timeout=30_000)
    screenshot(page, "wallscreen-rotated")
    page.wait_for_function("s => document.querySelector('.st-key-wall-kpis .fx-fresh').innerText !== s", arg=stamp,
                           timeout=30_000)  # the tiles refresh on their own meanwhile
    page.locator(".st-key-wall-map .fx-panel-h", has_text=first).wait_for(timeout=30_000)
    page.locator(".st-key-wall-trend .fx-panel-h", has_text=views[first]).wait_for(timeout=30_000)
    assert page.evaluate("window.__fx_same_page") == 1
    assert page.get_by_test_id("stException").count() == 0
    assert recorder.page_errors == [] and recorder.external == []
