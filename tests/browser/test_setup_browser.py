"""A district's first day in a real browser: an empty database (no demo), an admin account made at
the shell, then every file uploaded on the 数据导入 page in the order 数据准备 lists them —
communities without coordinates, boundaries, staff, grids, checkpoints, isolation households,
a screening campaign. After each step every page renders without an exception and the pages show
what the step unlocked. Screenshots at 1920×1080 go to test-artifacts/screenshots/setup-*.png.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.storage.db import dispose_engines
from tests.browser.conftest import (
    ROOT,
    Server,
    canvas_is_painted,
    screenshot,
    start_server,
    submit_login,
    wait_for_app,
)

PASSWORD = "first-day-password"
# 江岸区 in the 统计用区划代码 form: 420102 + street (3) + community (3); two streets, four communities
COMMUNITIES = [
    ("420102002001", "三德里社区", "大智街道", 5200, 1900, 114.2905, 30.5905),
    ("420102002002", "六合社区", "大智街道", 4800, 1700, 114.3005, 30.5905),
    ("420102003001", "一元社区", "一元街道", 6100, 2300, 114.2905, 30.6005),
    ("420102003002", "黄石路社区", "一元街道", 3900, 1400, 114.3005, 30.6005),
]


def _files(folder: Path) -> dict[str, Path]:
    """The district's own files, as a clerk would have them."""
    out: dict[str, Path] = {}

    def write(kind: str, text: str, suffix: str = "csv") -> None:
        out[kind] = folder / f"{kind}.{suffix}"
        out[kind].write_text(text, encoding="utf-8")

    write("communities", "社区编码,社区名称,街道,常住人口,户数\n" + "".join(
        f"{c},{n},{s},{p},{h}\n" for c, n, s, p, h, _, _ in COMMUNITIES))
    half = 0.0045
    features = [{"type": "Feature", "properties": {"code": c}, "geometry": {"type": "Polygon", "coordinates": [[
        [x - half, y - half], [x + half, y - half], [x + half, y + half], [x - half, y + half], [x - half, y - half]]]}}
        for c, _, _, _, _, x, y in COMMUNITIES]
    write("boundaries", json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "geojson")
    staff = ["编号,姓名,类别,所在社区,可调配,在岗"]
    for i, (code, *_rest) in enumerate(COMMUNITIES):
        staff += [f"W{i}1,社工{i}甲,社区工作者,{code},否,是", f"G{i}1,网格员{i}甲,网格员,{code},否,是",
                  f"G{i}2,网格员{i}乙,网格员,{code},否,是"]
        staff += [f"C{i}{k},干部{i}{k},下沉干部,{code},是,是" for k in range(1 + 3 * (i % 2))]
    write("staff", "\n".join(staff) + "\n")
    write("grids", "网格编码,网格名称,所属社区,户数,常住人口,网格员\n" + "".join(
        f"{c}{g:02d},{n}第{g}网格,{c},{h // 2},{p // 2},G{i}{g}\n"
        for i, (c, n, _, p, h, _, _) in enumerate(COMMUNITIES) for g in (1, 2)))
    write("checkpoints", "卡点编码,卡点名称,所属社区,所属网格,每日班次,每班人数,在用\n" + "".join(
        f"{c}K1,{n}东门卡点,{c},{c}01,3,2,是\n" for c, n, *_ in COMMUNITIES))
    write("households", "户编码,所属社区,所属网格,楼栋房号,户主,联系电话,人数,开始日期,计划解除日期\n"
          "H0001,420102002001,42010200200101,三德里12号3栋501,张伟,13800138000,3,2026-11-28,2026-12-12\n"
          "H0002,420102003001,42010200300102,一元路8号1栋302,李娜,15912345678,2,2026-11-29,2026-12-13\n")
    write("campaigns", "排查编号,名称,范围,开始时间,天数\nPC01,大智街道地毯式排查,大智街道,2026-11-30 08:00,5\n")
    return out


@pytest.fixture
def first_day(tmp_path: Path) -> Iterator[tuple[Server, dict[str, Path]]]:
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    url = f"sqlite:///{tmp_path / 'district.db'}"

    def cli(*args: str, stdin: str | None = None) -> None:
        done = subprocess.run([sys.executable, "-m", "core.cli.main", "--database-url", url, *args], cwd=ROOT,
                              input=stdin, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr

    cli("init")  # an empty database: no demo
    cli("user", "add", "chief", "--name", "值班主任", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    dispose_engines()
    srv = start_server(url)
    yield srv, _files(tmp_path)
    srv.proc.terminate()
    srv.proc.wait(10)


def _sign_in(page, srv: Server) -> None:  # type: ignore[no-untyped-def]
    page.goto(srv.url)
    wait_for_app(page)
    submit_login(page, "chief", PASSWORD)


def _open(page, title: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    wait_for_app(page)


def _no_exception(page, where: str) -> None:  # type: ignore[no-untyped-def]
    assert page.get_by_test_id("stException").count() == 0, where
    text = page.get_by_test_id("stMain").inner_text()
    assert "Traceback" not in text and "Error" not in text, where


def _every_page(page, step: str) -> None:  # type: ignore[no-untyped-def]
    links = page.get_by_test_id("stSidebarNav").locator("a")
    n = links.count()
    assert n >= 15, n
    for i in range(n):
        title = links.nth(i).inner_text().split()[-1]
        links.nth(i).click()
        wait_for_app(page)
        _no_exception(page, f"{step}: {title}")


def _upload(page, kind_label: str, path: Path) -> str:  # type: ignore[no-untyped-def]
    """Upload ``path`` as ``kind_label`` on the import page and import it; returns the summary line."""
    _open(page, "数据导入")
    page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name=kind_label, exact=True).click()
    wait_for_app(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.get_by_role("button", name="导入", exact=True).wait_for(state="visible", timeout=30_000)
    wait_for_app(page)
    page.get_by_role("button", name="导入", exact=True).click()
    done = page.get_by_text("导入完成")
    done.first.wait_for(state="visible", timeout=60_000)
    _no_exception(page, f"import {path.name}")
    return done.first.inner_text()


def _map_shows(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_text(text).first.wait_for(state="visible", timeout=30_000)


def test_a_district_sets_itself_up_from_its_own_files(page, first_day, recorder) -> None:  # type: ignore[no-untyped-def]
    srv, files = first_day
    _sign_in(page, srv)
    # an empty database opens on 数据准备 for an admin, every step still to do
    page.get_by_role("heading", name="数据准备").first.wait_for(state="visible", timeout=30_000)
    screenshot(page, "setup-0-empty")

    assert "新增 4 条" in _upload(page, "辖区（街道、社区）", files["communities"])
    _open(page, "数据准备")
    assert page.get_by_text("2 个街道").first.is_visible() and page.get_by_text("4 个社区").first.is_visible()
    screenshot(page, "setup-1-communities")
    _every_page(page, "communities only")
    _open(page, "总览")
    _map_shows(page, "4 个社区未定位")
    screenshot(page, "setup-1-overview-unlocated")

    _upload(page, "边界", files["boundaries"])
    _open(page, "总览")
    page.get_by_test_id("stDeckGlJsonChart").first.wait_for(state="visible", timeout=60_000)
    assert page.get_by_text("个社区未定位").count() == 0
    page.wait_for_function("document.querySelector(\"[data-testid='stDeckGlJsonChart'] canvas\") !== null")
    screenshot(page, "setup-2-overview-located")
    assert canvas_is_painted(page)

    assert "新增 " in _upload(page, "人员", files["staff"])
    _open(page, "人员缺口")
    page.get_by_text("缺员社区排行").first.wait_for(state="visible", timeout=30_000)
    screenshot(page, "setup-3-gaps")
    _every_page(page, "communities and staff")

    _upload(page, "网格", files["grids"])
    _open(page, "覆盖地图")
    page.get_by_text("网格覆盖率").first.wait_for(state="visible", timeout=30_000)
    assert page.get_by_text("未导入网格").count() == 0
    screenshot(page, "setup-4-coverage-grids")

    _upload(page, "卡点", files["checkpoints"])
    _upload(page, "居家隔离户", files["households"])
    _open(page, "居家隔离")
    page.get_by_text("H0001").first.wait_for(state="attached", timeout=30_000)  # a cell of the list
    screenshot(page, "setup-5-isolation")

    _upload(page, "排查任务", files["campaigns"])
    _open(page, "地毯式排查")
    screenshot(page, "setup-6-screening")
    page.get_by_text("滞后网格").first.wait_for(state="visible", timeout=30_000)
    shown = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").locator("input").evaluate_all(
        "els => els.map(e => e.value)")
    assert any("大智街道地毯式排查" in v for v in shown), shown  # the campaign picked
    _open(page, "数据准备")
    screenshot(page, "setup-7-checklist")
    _every_page(page, "the full set")
    assert recorder.external == []
    assert recorder.page_errors == []
