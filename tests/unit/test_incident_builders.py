"""Map and chart builders of the incident and screening pages, checked through their JSON."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pandas as pd

from dashboard.builders.charts_incidents import burn_down_chart, incident_timeline
from dashboard.builders.incident_maps import (
    SEVERITY_COLORS,
    age_radius,
    incident_deck,
    screening_deck,
)
from dashboard.i18n import label

SQUARE = json.dumps({"type": "Polygon", "coordinates": [[[114.0, 30.0], [114.1, 30.0], [114.1, 30.1], [114.0, 30.0]]]})
GEOMETRY = SimpleNamespace(
    district={"geometry": SQUARE},
    streets=pd.DataFrame({"code": ["S1"], "name": ["大智街道"], "lon": [114.05], "lat": [30.05], "geometry": [SQUARE]}),
    communities=pd.DataFrame({"community_id": [1], "code": ["C1"], "geometry": [SQUARE]}),
)


def _incidents() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["E1", "E2", "E3"], "community": ["中山社区"] * 3, "type": ["fever_case", "other", "close_contact"],
        "severity": ["critical", "low", "high"], "status": ["reported", "closed", "in_progress"],
        "lon": [114.02, 114.03, None], "lat": [30.02, 30.03, 30.04], "age_h": [80.0, 3.0, 7.0],
        "open": [True, False, True], "overdue": [True, False, False],
        "reported_at": pd.to_datetime(["2026-11-29 01:10", "2026-11-29 02:00", "2026-11-29 08:59"]),
    })


def test_dot_radius_grows_with_the_hours_open_and_closed_incidents_stay_small() -> None:
    r = age_radius(pd.Series([0.5, 6.0, 30.0, 100.0, 100.0]), pd.Series([True, True, True, True, False]))
    assert r.tolist() == [6, 9, 12, 16, 4]


def test_the_incident_map_has_one_dot_per_located_incident_coloured_by_severity() -> None:
    deck = incident_deck(_incidents(), GEOMETRY, label)
    spec = json.loads(deck.to_json())
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids == ["district-outline", "community-base", "street-boundaries", "street-labels", "incidents"]
    dots = spec["layers"][-1]["data"]
    assert [d["code"] for d in dots] == ["E1", "E2"]  # E3 has no position
    assert dots[0]["fill"][:3] == SEVERITY_COLORS["critical"] and dots[0]["severity"] == "特别严重"
    assert dots[0]["radius"] == 16 and dots[1]["radius"] == 4
    assert dots[0]["line"] == [15, 23, 42]  # overdue: dark outline
    tip = deck._tooltip["html"]  # pydeck keeps the tooltip beside the JSON
    assert "严重程度：{severity}" in tip and "逾期：{overdue}" in tip
    assert dots[0]["overdue"] == "是" and dots[0]["age"] == "80 小时"


def test_the_screening_map_colours_grids_by_completion_and_outlines_the_late_ones() -> None:
    grids = pd.DataFrame({"grid": ["一网格", "二网格"], "community": ["中山社区"] * 2, "geometry": [SQUARE, SQUARE],
                          "coverage_pct": [10.0, 85.0], "behind": [True, False], "target_households": [300, 200],
                          "visited": [30, 170], "shortfall": [90, 0]})
    spec = json.loads(screening_deck(grids, GEOMETRY).to_json())
    layer = next(x for x in spec["layers"] if x["id"] == "screening-grids")
    props = [f["properties"] for f in layer["data"]["features"]]
    assert props[0]["fill"] == [215, 48, 39] and props[1]["fill"] == [26, 152, 80]
    assert props[0]["line"] == [15, 23, 42] and props[0]["width"] == 2.5 and props[1]["width"] == 0.6
    assert props[0]["visited_txt"] == "30 户" and props[0]["coverage"] == "10.0 %"


def test_the_timeline_stacks_six_hour_bins_by_severity_in_chinese() -> None:
    spec = incident_timeline(_incidents(), label).to_dict()
    data = next(iter(spec["datasets"].values()))
    assert {d["bin"] for d in data} == {"2026-11-29T00:00:00", "2026-11-29T06:00:00"}
    assert {d["end"] for d in data} == {"2026-11-29T06:00:00", "2026-11-29T12:00:00"}
    assert spec["encoding"]["color"]["scale"]["domain"] == ["一般", "较重", "严重", "特别严重"]
    assert spec["encoding"]["y"]["title"] == "上报数（起）"


def test_the_burn_down_draws_actual_and_plan_lines() -> None:
    burn = pd.DataFrame({"at": [dt.datetime(2026, 11, 28, 8), dt.datetime(2026, 11, 29, 8),
                                dt.datetime(2026, 11, 28, 8), dt.datetime(2026, 11, 30, 8)],
                         "series": ["actual", "actual", "ideal", "ideal"], "remaining": [100.0, 60.0, 100.0, 0.0]})
    spec = burn_down_chart(burn).to_dict()
    data = next(iter(spec["datasets"].values()))
    assert {d["name"] for d in data} == {"实际剩余", "计划剩余"}
    assert spec["encoding"]["y"]["title"] == "剩余户数（户）"


def test_a_campaign_whose_grids_have_no_boundary_is_drawn_on_its_communities() -> None:
    import pandas as pd

    from dashboard.builders.incident_maps import by_community_where_grids_have_no_shape

    grids = pd.DataFrame({
        "grid_id": [1, 2, 3], "grid": ["一网格", "二网格", "三网格"], "community_id": [10, 10, 20],
        "community": ["甲社区", "甲社区", "乙社区"], "geometry": [None, None, '{"type":"Point","coordinates":[0,0]}'],
        "target_households": [100, 300, 50], "visited": [50, 50, 50], "shortfall": [0, 40, 0],
        "expected": [20.0, 60.0, 10.0], "behind": [False, True, False], "coverage_pct": [50.0, 16.7, 100.0]})
    comms = pd.DataFrame({"community_id": [10, 20], "code": ["c10", "c20"],
                          "geometry": ['{"type":"Point","coordinates":[1,1]}', "x"]})
    out = by_community_where_grids_have_no_shape(grids, comms)
    assert list(out["grid_id"].dropna()) == [3]  # the grid with a shape is drawn as itself
    row = out[out["community_id"] == 10].iloc[0]
    assert (row["target_households"], row["visited"], bool(row["behind"])) == (400, 100, True)
    assert row["coverage_pct"] == 25.0 and "2" in row["grid"] and row["geometry"].startswith('{"type":"Point"')


def test_a_city_wide_campaign_is_drawn_per_community_and_the_sums_hold() -> None:
    import numpy as np
    import pandas as pd

    from dashboard.builders import incident_maps

    n = incident_maps.MAX_GRID_SHAPES + 1
    rng = np.random.default_rng(3)
    cid = rng.integers(0, 40, n)
    target = rng.integers(50, 400, n)
    grids = pd.DataFrame({
        "grid_id": np.arange(n), "grid": [f"网格{i}" for i in range(n)], "community_id": cid,
        "community": [f"社区{c}" for c in cid], "geometry": ['{"type":"Point","coordinates":[0,0]}'] * n,
        "target_households": target, "visited": target // 2, "shortfall": np.zeros(n, int),
        "expected": target / 3, "behind": np.zeros(n, bool), "coverage_pct": np.full(n, 50.0)})
    comms = pd.DataFrame({"community_id": np.arange(40), "code": [f"c{i}" for i in range(40)],
                          "geometry": ['{"type":"Point","coordinates":[1,1]}'] * 40})
    assert incident_maps.summed_per_community(grids)
    out = incident_maps.by_community_where_grids_have_no_shape(grids, comms)
    assert len(out) == len(set(cid))  # one shape a community, not one a grid
    assert int(out["target_households"].sum()) == int(target.sum())
    assert all("合计" in g for g in out["grid"])
    assert not incident_maps.summed_per_community(grids.head(incident_maps.MAX_GRID_SHAPES))
