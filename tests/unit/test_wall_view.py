"""Wall-screen builders on plain data: tiles, deltas, alert lines, freshness, URL settings, map and trend."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from core.services.read_models.coverage import MapGeometry
from core.services.read_models.wall import Kpi
from dashboard.builders import wall_view
from dashboard.panels.wall_live import settings


@pytest.mark.parametrize(("kpi", "text", "colour"), [
    (Kpi("shortage", 3326, 3212, "people", "down"), "较昨日 ▲ 114 人", wall_view.BAD),
    (Kpi("open_incidents", 31, 36, "items", "down"), "较昨日 ▼ 5 起", wall_view.GOOD),
    (Kpi("grid_coverage", 89.64, 90.80, "percent", "up"), "较昨日 ▼ 1.2 个百分点", wall_view.BAD),
    (Kpi("volunteers_on_duty", 4800, 4687, "people", "up"), "较昨日 ▲ 113 人", wall_view.GOOD),
    (Kpi("short_communities", 144, 144, "communities", "down"), "较昨日持平", wall_view.FLAT),
    (Kpi("short_communities", 144, None, "communities", "down"), "昨日无数据", wall_view.FLAT),
])
def test_the_change_since_yesterday_reads_in_chinese_with_unit_and_colour(kpi, text, colour) -> None:  # type: ignore[no-untyped-def]
    assert wall_view.fmt_delta(kpi) == (text, colour)


def test_tiles_carry_chinese_labels_units_and_thousands_separators() -> None:
    html = wall_view.kpi_tiles_html([Kpi("shortage", 3326, 3212, "people", "down"),
                              Kpi("grid_coverage", 89.64, 90.8, "percent", "up")])
    assert "缺员人数" in html and "3,326" in html and ">人<" in html
    assert "网格覆盖率" in html and "89.6" in html and ">%<" in html
    assert html.count("fx-tile bad") == 2


def test_alert_lines_are_escaped_badged_and_capped() -> None:
    alerts = pd.DataFrame({
        "kind": ["community_short", "incident_overdue", "grid_uncovered"], "level": ["critical", "warning", "warning"],
        "community": ["<b>甲社区</b>", "乙社区", "丙社区"], "street": ["一街道", "一街道", "二街道"],
        "target": ["甲社区", "E1", "三网格"], "value": [70.0, 30.04, 0.0], "threshold": [60.0, 24.0, 0.0],
        "first_seen": [dt.datetime(2026, 11, 29, 9, 5)] * 3, "is_new": [True, False, False],
    })
    html = wall_view.alerts_html(alerts, max_rows=2)
    assert "&lt;b&gt;甲社区&lt;/b&gt;（一街道）缺员 70 人，超过 60 人" in html
    assert "乙社区（一街道）事件 E1 超时 30.0 小时" in html
    assert html.count('data-testid="fx-alert"') == 2 and "另有 1 条预警" in html
    assert html.count("fx-badge new") == 1 and "严重" in html and "11-29 09:05 起" in html
    assert "当前没有需要处理的预警" in wall_view.alerts_html(alerts.head(0), 5)


@pytest.mark.parametrize(("age", "failed", "cls", "text"), [
    (5, False, "fx-fresh", "更新于"),
    (40, True, "fx-fresh warn", "数据库未响应"),
    (700, True, "fx-fresh bad", "数据已 11 分钟未更新"),
])
def test_freshness_turns_amber_then_red(age, failed, cls, text) -> None:  # type: ignore[no-untyped-def]
    html = wall_view.freshness_html(1_000_000.0 - age, failed, 1_000_000.0, stale_after=300)
    assert f'class="{cls}"' in html and text in html


def test_url_settings_are_clamped_and_unknown_views_dropped() -> None:
    s = settings({"refresh": "1", "rotate": "coverage,bogus,incidents", "every": "abc", "scale": "2"})
    assert (s.refresh, s.views, s.every, s.scale, s.rotating) == (3.0, ("coverage", "incidents"), 60.0, 2.0, True)
    d = settings({})
    assert (d.refresh, d.views, d.rotating, d.stale_after) == (30.0, ("overview",), False, 300.0)


def _square(x: float, y: float) -> str:
    return json.dumps({"type": "Polygon", "coordinates": [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y]]]})


def test_the_map_is_offline_dark_coloured_by_gap_and_labels_streets() -> None:
    geo = MapGeometry(district={"geometry": _square(114.0, 30.0)},
                      streets=pd.DataFrame({"code": ["S1"], "name": ["一元街道"], "lon": [114.3], "lat": [30.6],
                                            "geometry": [_square(114.29, 30.59)]}),
                      communities=pd.DataFrame({"community_id": [1, 2], "code": ["C1", "C2"],
                                                "geometry": [_square(114.3, 30.6), _square(114.31, 30.6)]}))
    comm = pd.DataFrame({"community_id": [1, 2], "code": ["C1", "C2"], "name": ["甲社区", "乙社区"], "lon": [114.3, 114.31], "lat": [30.6, 30.6],
                         "gap": [60, -30], "grid_coverage": [100.0, None], "volunteers_per_1k": [4.5, 2.0],
                         "open_incidents": [0, 5]})
    spec = json.loads(wall_view.wall_deck(geo, comm, "gap", width_px=1000, height_px=700, scale=2).to_json())
    assert spec.get("mapProvider") is None  # offline: no tile host
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids == ["district-outline", "wall-communities", "street-boundaries", "street-labels"]
    fills = [f["properties"]["fill"] for f in spec["layers"][1]["data"]["features"]]
    assert fills[0][0] > fills[0][2] and fills[1][2] > fills[1][0]  # short red, surplus blue
    assert spec["layers"][3]["getSize"] == wall_view.STREET_LABEL_PX * 2  # 26 px at 1080p, times the scale
    cov = json.loads(wall_view.wall_deck(geo, comm, "coverage", width_px=1000, height_px=700).to_json())
    assert [f["properties"]["fill"] for f in cov["layers"][1]["data"]["features"]][1] == wall_view.NO_DATA


def test_the_trend_is_dark_chinese_and_labels_the_last_day() -> None:
    trend = pd.DataFrame({"day": pd.date_range("2026-11-16", periods=14).date, "shortage": range(900, 3700, 200),
                          "open_incidents": range(14), "overdue_incidents": range(14)})
    spec = wall_view.trend_chart(trend, "overview", height_px=300, scale=1).to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert spec["background"] == "transparent" and "缺员人数" in text and "3,500" in text
    two = json.dumps(wall_view.trend_chart(trend, "incidents", height_px=300).to_dict(), ensure_ascii=False)
    assert "未办结" in two and "超时" in two


def test_the_updated_at_stamp_is_in_the_districts_zone_not_the_servers(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    monkeypatch.setenv("FANGXIAN_TIMEZONE", "Asia/Shanghai")
    last_ok = dt.datetime(2026, 12, 1, 16, 37, 31, tzinfo=dt.UTC).timestamp()
    html = wall_view.freshness_html(last_ok, False, last_ok + 1, stale_after=300)
    assert "00:37:31" in html  # the wall's clock shows 12-02 00:37 at the same moment


def test_the_duty_list_names_a_grid_as_a_grid_and_escapes_post_names() -> None:
    from core.services.rosters import DutyBoard

    posts = pd.DataFrame({"kind": ["grid", "checkpoint"], "post_id": [1, 2], "checkpoint": ["一网格", "<b>东门</b>"],
                          "community": ["甲社区", "乙社区"], "now_shift": ["day", None], "now_taken": [1, None],
                          "now_needed": [2, None], "next_shift": ["night", "day"],
                          "next_at": [pd.Timestamp("2026-12-01 20:00"), pd.Timestamp("2026-12-02 08:00")],
                          "next_taken": [0, 1], "next_needed": [2, 1]})
    html = wall_view.duty_html(DutyBoard(posts=posts, empty_soon=2, hours=12.0), max_rows=5)
    assert "一网格（网格值守）" in html and "&lt;b&gt;东门&lt;/b&gt;" in html and "<b>东门" not in html
    assert '<span class="short">1/2</span>' in html and '<span class="ok">1/1</span>' in html
