"""The coordinator's walk in a real browser: the worst community, two cadres moved, the gap closes,
undo, then a suggested plan accepted. Runs on its own server and database copy (it writes)."""

from __future__ import annotations

import re

from core.services.gaps import load_gaps
from tests.browser.conftest import (
    screenshot,
    sign_in,
    wait_for_app,
    wait_painted,
)
from tests.db import call


def _nav(page, title: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("stSidebarNav").get_by_text(title).click()
    wait_for_app(page)


def _target(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.get_by_role("combobox", name="缺人社区").input_value())


def _metric(page, name: str) -> str:  # type: ignore[no-untyped-def]
    card = page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").get_by_text(name, exact=True))
    return str(card.get_by_test_id("stMetricValue").inner_text()).strip()


def _wait_metric(page, name: str, expected: str, timeout_s: float = 30) -> str:  # type: ignore[no-untyped-def]
    """The metric's value once it reads ``expected`` (reruns leave stale elements for a moment)."""
    value = ""
    for _ in range(int(timeout_s * 2)):
        wait_for_app(page)
        value = _metric(page, name)
        if value == expected:
            break
        page.wait_for_timeout(500)
    return value


def _fill(page, label: str, text: str) -> None:  # type: ignore[no-untyped-def]
    box = page.get_by_label(label)
    box.fill(text)
    box.press("Enter")
    wait_for_app(page)


def test_coordinator_moves_two_cadres_undoes_and_accepts_a_plan(page, own_server, recorder) -> None:  # type: ignore[no-untyped-def]
    worst = call(own_server.db_url, load_gaps).community.sort_values(["shortage", "code"], ascending=[False, True]).iloc[0]
    sign_in(page, own_server.url, "coordinator")
    _nav(page, "人员调配")
    page.get_by_role("heading", name="人员调配").first.wait_for(state="visible", timeout=60_000)
    assert _target(page) == f"{worst['name']}（{worst['street']}，{worst['code']}）"
    assert _metric(page, "缺口") == f"{worst['shortage']} 人"

    grid = page.get_by_test_id("stDataFrame").first
    grid.wait_for(state="visible", timeout=30_000)
    page.wait_for_timeout(1500)
    box = grid.bounding_box()
    assert box is not None
    for row in (0, 1):  # the row-marker column of the first two rows
        page.mouse.click(box["x"] + 14, box["y"] + 35 + 35 * row + 17)
        page.wait_for_timeout(700)
        wait_for_app(page)
    page.get_by_text("已选 2 人").wait_for(state="visible", timeout=30_000)
    assert page.get_by_text("调配前对比").count() + page.get_by_text("调配前后对比").count() >= 1
    assert wait_painted(page)
    screenshot(page, "reassign-candidates-1080p")

    _fill(page, "调配原因", "补充卡点值守力量")
    page.get_by_role("button", name="确认调配").click()
    wait_for_app(page)
    page.get_by_text(re.compile(r"已把 2 人调往")).wait_for(state="visible", timeout=30_000)
    assert _wait_metric(page, "缺口", f"{worst['shortage'] - 2} 人") == f"{worst['shortage'] - 2} 人"  # closes by two

    page.wait_for_timeout(1000)
    wait_for_app(page)
    page.get_by_text("最近的调配").first.scroll_into_view_if_needed()
    _fill(page, "撤销原因", "演练后复原")
    page.get_by_role("button", name="撤销这次调配").click()
    wait_for_app(page)
    page.get_by_text(re.compile(r"已撤销 .* 的调配")).wait_for(state="visible", timeout=30_000)
    assert _wait_metric(page, "缺口", f"{worst['shortage']} 人") == f"{worst['shortage']} 人"
    assert _target(page) == f"{worst['name']}（{worst['street']}，{worst['code']}）"

    _nav(page, "调配方案")
    page.get_by_role("heading", name="调配方案").first.wait_for(state="visible", timeout=60_000)
    page.get_by_test_id("stDeckGlJsonChart").first.wait_for(state="visible", timeout=60_000)
    assert wait_painted(page)
    screenshot(page, "plan-map-1080p")
    _fill(page, "采纳原因", "采纳建议方案")
    page.get_by_role("button", name=re.compile(r"采纳全部")).click()
    wait_for_app(page)
    page.get_by_text(re.compile(r"已采纳 \d+ 条调配")).wait_for(state="visible", timeout=60_000)
    after = call(own_server.db_url, load_gaps).community
    assert after["shortage"].sum() < call(own_server.db_url, load_gaps).community["required"].sum()
    assert page.get_by_test_id("stException").count() == 0
    assert recorder.external == []
    assert recorder.page_errors == []
