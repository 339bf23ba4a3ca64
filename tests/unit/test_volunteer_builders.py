"""The volunteer map and charts, built from plain frames and read back through to_json()/to_dict()."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from core.services.read_models.coverage import MapGeometry
from dashboard.builders.volunteer_maps import (
    TASK_COLORS,
    deployment_deck,
    hours_chart,
    task_points,
    unmet_chart,
)

SQUARE = json.dumps({"type": "Polygon", "coordinates": [[[114.0, 30.0], [114.1, 30.0], [114.1, 30.1], [114.0, 30.1],
                                                          [114.0, 30.0]]]})
GEOMETRY = MapGeometry(district={"code": "D", "name": "区", "geometry": SQUARE},
                       streets=pd.DataFrame({"code": ["S1"], "name": ["甲街道"], "lon": [114.05], "lat": [30.05],
                                             "geometry": [SQUARE]}),
                       communities=pd.DataFrame({"community_id": [1, 2], "code": ["C1", "C2"],
                                                 "geometry": [SQUARE, SQUARE]}))
COMMS = pd.DataFrame({"community_id": [1, 2], "code": ["C1", "C2"], "name": ["一社区", "二社区"], "street": ["甲街道"] * 2,
                      "lon": [114.02, 114.08], "lat": [30.02, 30.08], "volunteers": [30, 5], "party_members": [4, 1],
                      "deployed_today": [12, 2], "unmet_seats": [0, 3], "volunteers_per_1k": [7.5, 1.2]})
T0 = dt.datetime(2026, 11, 29, 7)
TASKS = pd.DataFrame({"type": ["checkpoint", "delivery"], "title": ["东门卡点", "二社区隔离户配送"],
                      "community": ["一社区", "二社区"], "lon": [114.02, 114.08], "lat": [30.02, 30.08],
                      "starts_at": [T0, T0 + dt.timedelta(hours=7)], "ends_at": [T0 + dt.timedelta(hours=8),
                                                                               T0 + dt.timedelta(hours=10)],
                      "assigned": [3, 1], "needed": [2, 4], "missing": [0, 3], "fill": ["3 / 2", "1 / 4"]})


def test_task_dots_carry_type_colour_size_by_people_and_a_dark_ring_when_short() -> None:
    pts = task_points(TASKS)
    assert pts["fill"].tolist() == [TASK_COLORS["checkpoint"] + [230], TASK_COLORS["delivery"] + [230]]
    assert pts["radius"].iat[0] > pts["radius"].iat[1]
    assert pts["line"].tolist() == [[255, 255, 255], [15, 23, 42]]
    assert pts["type"].tolist() == ["卡点值守", "隔离户配送"] and pts["window"].iat[1] == "14:00–17:00"
    assert pts["fill_txt"].iat[0] == "3 / 2 人" and pts["missing_txt"].iat[1] == "3 人"


def test_the_deployment_deck_is_offline_and_layers_communities_dots_and_names_in_order() -> None:
    spec = json.loads(deployment_deck(TASKS, COMMS, GEOMETRY).to_json())
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids == ["district-outline", "vol-communities", "street-boundaries", "vol-tasks", "street-labels"]
    assert spec.get("mapProvider") is None and not str(spec.get("mapStyle", "")).startswith("http")
    feats = spec["layers"][1]["data"]["features"]
    assert [f["properties"]["fill_txt"] for f in feats] == ["12 / 34 人", "2 / 6 人"]
    assert "缺岗" in deployment_deck(TASKS, COMMS, GEOMETRY)._tooltip["html"]  # type: ignore[attr-defined]


def test_the_density_mode_shows_one_hexagon_point_per_person_deployed() -> None:
    spec = json.loads(deployment_deck(TASKS, COMMS, GEOMETRY, mode="density").to_json())
    hexes = [layer for layer in spec["layers"] if layer["id"] == "vol-density"]
    assert len(hexes) == 1 and len(hexes[0]["data"]) == 4 and hexes[0]["@@type"] == "HexagonLayer"


def test_hours_chart_marks_the_worn_out_red_and_unmet_chart_lists_short_communities() -> None:
    people = pd.DataFrame({"code": ["S1", "S2"], "staff_name": ["张*", "李*"], "hours_7d": [90.0, 20.0],
                           "worn_out": [True, False]})
    h = hours_chart(people, 12).to_dict()
    values = h["datasets"][next(iter(h["datasets"]))]
    assert [v["state"] for v in values] == ["疲劳预警", "正常"]
    assert h["encoding"]["color"]["scale"]["range"] == ["#dc2626", "#60a5fa"]
    u = unmet_chart(COMMS).to_dict()
    assert [v["community"] for v in u["datasets"][next(iter(u["datasets"]))]] == ["二社区"]
