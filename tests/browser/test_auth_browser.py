"""Sign-in in a real browser: each demo role sees only its pages; a kiosk URL opens the wall screen;
a hostile community name (imported through `fangxian import communities`) stays text everywhere."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from core.demo import accounts as demo_accounts
from dashboard.i18n import t
from dashboard.navigation import visible_pages
from tests.browser.conftest import (
    ROOT,
    Server,
    screenshot,
    sign_in,
    sign_in_with_form,
    start_server,
    submit_login,
    wait_for_app,
    wait_painted,
)
from tests.db import call

HOSTILE = "<img src=x onerror=alert(1)>"


def _nav_titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    nav = page.get_by_test_id("stSidebarNav")
    nav.wait_for(state="visible", timeout=30_000)
    return [link.inner_text().strip() for link in nav.get_by_role("link").all()]


def test_each_demo_role_sees_only_its_pages(page, server, recorder) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url)
    wait_for_app(page)
    assert page.get_by_text("演示账号").first.is_visible()
    assert page.get_by_test_id("stSidebarNav").count() == 0
    screenshot(page, "login-1080p")
    for account in demo_accounts.DEMO_ACCOUNTS:
        if account.username == "coordinator2":
            continue
        sign_in_with_form(page, server.url, account.username, demo_accounts.DEMO_PASSWORD)
        expected = [t(p.title_key) for p in visible_pages(frozenset(account.roles))]
        titles = _nav_titles(page)
        assert [any(e in title for title in titles) for e in expected] == [True] * len(expected), (account, titles)
        assert len(titles) == len(expected), (account, titles)
        assert ("审计日志" in " ".join(titles)) == (account.username in ("leader", "admin"))
        assert page.get_by_test_id("stSidebar").get_by_text(account.display_name).is_visible()
        if account.username == "clerk":
            screenshot(page, "signed-in-clerk")
        page.get_by_test_id("stSidebar").get_by_role("button", name="退出登录").click()
        page.get_by_text("已退出登录").wait_for(state="visible", timeout=30_000)
        wait_for_app(page)
    assert recorder.page_errors == []
    assert recorder.external == []


def test_a_direct_url_to_a_page_the_role_lacks_falls_back_to_the_overview(page, server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/audit")
    wait_for_app(page)
    assert page.get_by_role("dialog").count() == 0  # no English "Page not found" box over the login form
    submit_login(page, "clerk", demo_accounts.DEMO_PASSWORD)
    assert page.get_by_test_id("stSidebarNav").get_by_text("审计日志").count() == 0
    page.get_by_text("您的角色无权打开“审计日志”").wait_for(timeout=30_000)
    assert page.get_by_text("江岸区社区防线总览").is_visible()
    assert page.get_by_role("dialog").count() == 0


def test_a_kiosk_url_opens_the_read_only_wall_screen(page, server, recorder) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/?kiosk={demo_accounts.DEMO_KIOSK_TOKEN}")
    wait_for_app(page)
    page.wait_for_timeout(2000)
    screenshot(page, "kiosk-1080p")
    assert page.get_by_text("登录防线指挥台").count() == 0
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_role("button", name="退出登录").count() == 0
    expected = [t(p.title_key) for p in visible_pages(frozenset({"wallscreen"}))]
    nav = page.get_by_test_id("stSidebarNav")
    if nav.count():  # a single page has no navigation menu
        assert all(any(e in x for e in expected) for x in _nav_titles(page))
    assert page.get_by_text("审计日志").count() == 0
    page.goto(f"{server.url}/?kiosk=not-a-token")
    wait_for_app(page)
    assert page.get_by_text("大屏令牌无效或已撤销").is_visible()
    assert page.get_by_label("用户名").is_visible()
    assert recorder.page_errors == []


# --- hostile input ----------------------------------------------------------------------------


@pytest.fixture
def hostile_server(demo_template: Path, tmp_path: Path) -> Iterator[tuple[Server, dict]]:  # type: ignore[type-arg]
    """A demo copy where the busiest community was renamed through `fangxian import communities`."""
    from core.services.read_models.overview import load_overview
    from core.storage.db import dispose_engines

    db = tmp_path / "hostile.db"
    shutil.copy(demo_template, db)
    url = f"sqlite:///{db}"
    data = call(url, load_overview)
    row = data.communities.nlargest(8, ["open_incidents", "isolated_households"]).iloc[0]
    risk = {"low": "低", "medium": "中", "high": "高"}[row["risk_level"]]
    csv = tmp_path / "communities.csv"
    csv.write_text(
        "社区编码,社区名称,街道,常住人口,户数,经度,纬度,风险等级,卡点数,居家隔离户数,重点关爱人数\n"
        f'{row["code"]},"{HOSTILE}",{row["street"]},{row["population"]},{row["households"]},{row["lon"]},'
        f'{row["lat"]},{risk},{row["checkpoints"]},{row["isolated_households"]},{row["vulnerable_residents"]}\n',
        encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "core.cli.main", "--database-url", url, "import", "communities",
                           str(csv), "--user", "clerk", "--into-demo"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    dispose_engines()
    srv = start_server(url)
    yield srv, {"geometry": row["geometry"], "communities": data.communities}
    srv.proc.terminate()
    srv.proc.wait(10)


def _screen_point(lon: float, lat: float, view, box) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Web-mercator pixel of (lon, lat) in a deck.gl canvas centred on the view."""
    scale = 512 * 2 ** view.zoom

    def merc(lo: float, la: float) -> tuple[float, float]:
        return ((lo + 180) / 360 * scale,
                (1 - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)) / math.pi) / 2 * scale)

    x, y = merc(lon, lat)
    cx, cy = merc(view.longitude, view.latitude)
    return box["x"] + box["width"] / 2 + (x - cx), box["y"] + box["height"] / 2 + (y - cy)


def test_a_hostile_community_name_shows_as_text_in_the_table_and_the_tooltip(page, hostile_server) -> None:  # type: ignore[no-untyped-def]
    from shapely.geometry import shape

    from dashboard.builders import maps

    srv, info = hostile_server
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, srv.url, "leader", demo_accounts.DEMO_PASSWORD)
    title = page.title()
    table = page.get_by_test_id("stDataFrame").nth(1)
    table.wait_for(state="visible", timeout=30_000)
    # the grid draws on a canvas and mirrors its cells in an accessible table: the name is a cell's text
    # (filled a moment after the grid appears: wait for the text, not for a time)
    expect(table).to_contain_text(HOSTILE, timeout=30_000)
    assert page.locator("img[src='x']").count() == 0
    chart = page.get_by_test_id("stDeckGlJsonChart")
    chart.wait_for(state="visible", timeout=60_000)
    assert wait_painted(page)
    box = chart.bounding_box()
    comms = info["communities"]
    view = maps.view_for(maps.bounds_of(comms["lon"], comms["lat"]))
    point = shape(json.loads(info["geometry"])).representative_point()
    x, y = _screen_point(point.x, point.y, view, box)
    tip = page.locator(".deck-tooltip")
    for dx, dy in ((0, 0), (3, 3), (-3, -3), (6, 0), (0, 6)):
        page.mouse.move(x + dx, y + dy)
        page.wait_for_timeout(600)
        if tip.count() and tip.first.is_visible() and HOSTILE in tip.first.inner_text():
            break
    else:
        raise AssertionError(f"no tooltip with the hostile name at {x:.0f},{y:.0f}")
    screenshot(page, "hostile-name-tooltip")
    assert tip.first.locator("img").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.title() == title
