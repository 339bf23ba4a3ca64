"""Map and chart builders of the coverage and gap pages, checked through to_json()/to_dict()."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from core.model.gaps import compute_gaps
from core.model.norms import Norms
from core.services.read_models.coverage import MapGeometry
from dashboard.builders import charts, coverage_maps
from tests.unit.gap_fixtures import hand_worked_district

SQUARE = '{"type":"Polygon","coordinates":[[[114.30,30.60],[114.31,30.60],[114.31,30.61],[114.30,30.61],[114.30,30.60]]]}'


def _geometry() -> MapGeometry:
    comms = pd.DataFrame({"community_id": [1, 2, 3], "code": ["C1", "C2", "C3"], "geometry": [SQUARE] * 3})
    streets = pd.DataFrame({"code": ["S1", "S2"], "name": ["甲街道", "乙街道"], "lon": [114.3, 114.32],
                            "lat": [30.6, 30.6], "geometry": [SQUARE, SQUARE]})
    return MapGeometry(district={"code": "D", "name": "测试区", "geometry": SQUARE}, streets=streets, communities=comms)


@pytest.fixture
def result():  # type: ignore[no-untyped-def]
    return compute_gaps(hand_worked_district(), Norms())


@pytest.mark.parametrize(("metric", "texts"), [
    ("shortage", ["0 人", "1–10 人", "10–20 人", "20–40 人", "≥ 40 人"]),
    ("grid_coverage", ["< 80 %", "80–90 %", "90–100 %", "≥ 100 %"]),
    ("checkpoint_shift_coverage", ["< 50 %", "50–75 %", "75–100 %", "≥ 100 %"]),
    ("staff_per_10k", ["< 60 人/万人", "60–80 人/万人", "80–100 人/万人", "100–120 人/万人", "≥ 120 人/万人"]),
    ("volunteers_per_1k", ["< 2 人/千人", "2–4 人/千人", "4–6 人/千人", "≥ 6 人/千人"]),
    ("gap", ["缺 ≥30 人", "缺 15 人", "持平", "富余 15 人", "富余 ≥30 人"]),
])
def test_legends_name_thresholds_with_units(metric: str, texts: list[str]) -> None:
    items = coverage_maps.legend_items(metric)
    assert [text for _, text in items][: len(texts)] == texts
    if metric != "gap":
        assert items[-1][1].startswith("无数据")


def test_colours_follow_the_legend_classes() -> None:
    df = pd.DataFrame({"shortage": [0, 5, 45], "gap": [40, 0, -40], "grid_coverage": [float("nan"), 85.0, 100.0]})
    shortage = coverage_maps.metric_colors(df, "shortage")
    legend = [c for c, _ in coverage_maps.legend_items("shortage")]
    assert shortage == [legend[0], legend[1], legend[4]]
    gap = coverage_maps.metric_colors(df, "gap")
    assert gap[0][0] > gap[0][2] and gap[2][2] > gap[2][0]  # shortage red, surplus blue
    assert coverage_maps.metric_colors(df, "grid_coverage")[0] == coverage_maps.NO_DATA


def test_community_deck_is_offline_with_tooltips_in_chinese(result) -> None:  # type: ignore[no-untyped-def]
    spec = json.loads(coverage_maps.community_deck(result.community, _geometry(), "gap").to_json())
    assert spec.get("mapProvider") is None
    assert not str(spec.get("mapStyle", "")).startswith("http")
    ids = [layer["id"] for layer in spec["layers"]]
    # the names that do not fit the first view wait in two more layers (dashboard/builders/map_labels.py)
    assert ids[:5] == ["district-outline", "communities", "street-boundaries", "street-labels", "community-labels"]
    props = {f["properties"]["code"]: f["properties"] for f in spec["layers"][1]["data"]["features"]}
    assert props["C2"]["gap_txt"] == "缺 15 人" and props["C1"]["gap_txt"] == "富余 2 人"
    assert props["C3"]["staff_per_10k_txt"] == "—"
    html = coverage_maps.tooltip()["html"]
    assert "应配" in html and "人/万人" in html and "卡点班次保障率" in html


def test_community_deck_uses_the_intranet_style_when_configured(result, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FANGXIAN_BASEMAP_STYLE", "http://tiles.intranet/style.json")
    spec = json.loads(coverage_maps.community_deck(result.community, _geometry(), "gap").to_json())
    assert spec["mapStyle"] == "http://tiles.intranet/style.json"


def test_selected_code_reads_a_clicked_geojson_feature() -> None:
    ev = {"selection": {"indices": {"communities": [2]},
                        "objects": {"communities": [{"type": "Feature", "properties": {"code": "C3"}}]}}}
    assert coverage_maps.selected_code(ev, "communities") == "C3"
    assert coverage_maps.selected_code({"selection": {"indices": {}, "objects": {}}}, "communities") is None
    assert coverage_maps.selected_code(None, "communities") is None


def test_street_bars_have_chinese_titles_and_red_blue_colours(result) -> None:  # type: ignore[no-untyped-def]
    spec = charts.street_gap_bars(result.street).to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert "各街道人员缺口" in text and "缺口（人）" in text and '"街道"' in text
    assert "#d73027" in text and "#4575b4" in text
    assert spec["config"]["font"].startswith("Noto Sans CJK SC")
    assert "+13 人" in text  # street 甲's gap label


def test_trend_chart_layers_required_available_and_shortage() -> None:
    totals = pd.DataFrame({"day": [dt.date(2026, 11, 27), dt.date(2026, 11, 28)], "required": [100, 110],
                           "available": [90, 92], "shortage": [12, 20]})
    spec = charts.gap_trend(totals).to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert "近 2 天应配与在岗人数" in text and "人数（人）" in text and "缺员（人）" in text and "日期" in text
    assert len(spec["layer"]) == 2
    assert spec["config"]["axis"]["labelFont"].startswith("Noto Sans CJK SC")
