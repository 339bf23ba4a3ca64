"""The plan and picking maps: arcs per flow, polygons by gap, offline basemap, Chinese tooltips."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from dashboard.builders.plan_maps import gap_after, pick_deck, plan_deck


@dataclass
class Geo:
    district: dict
    streets: pd.DataFrame
    communities: pd.DataFrame


def _square(lon: float, lat: float) -> str:
    d = 0.005
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _data() -> tuple[pd.DataFrame, Geo, pd.DataFrame]:
    comm = pd.DataFrame({"community_id": [1, 2, 3], "code": ["A", "B", "C"], "name": ["甲社区", "乙社区", "丙社区"],
                         "street_code": ["S1", "S1", "S2"], "street": ["一街道", "一街道", "二街道"],
                         "lon": [114.30, 114.32, 114.34], "lat": [30.60, 30.61, 30.62], "gap": [-5, 4, 3]})
    geo = Geo({"geometry": None}, pd.DataFrame({"code": ["S1", "S2"], "name": ["一街道", "二街道"],
                                                 "lon": [114.31, 114.34], "lat": [30.6, 30.62], "geometry": [None, None]}),
              pd.DataFrame({"community_id": [1, 2, 3], "code": ["A", "B", "C"],
                            "geometry": [_square(114.30, 30.60), _square(114.32, 30.61), _square(114.34, 30.62)]}))
    flows = pd.DataFrame({"from_community_id": [1, 1], "to_community_id": [2, 3], "n": [3, 2], "km": [2.1, 4.2]})
    return comm, geo, flows


def test_gap_after_moves_people_from_origin_to_destination() -> None:
    comm, _, flows = _data()
    assert gap_after(comm, flows).tolist() == [0, 1, 1]


def test_plan_deck_draws_one_arc_per_flow_from_origin_to_destination_offline() -> None:
    comm, geo, flows = _data()
    spec = json.loads(plan_deck(comm, geo, flows).to_json())
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids[0] == "plan-communities" and "plan-arcs" in ids and ids[-1] == "street-labels"
    arcs = next(layer for layer in spec["layers"] if layer["id"] == "plan-arcs")
    assert arcs["@@type"] == "ArcLayer"
    assert [(a["from"], a["to"], a["n"]) for a in arcs["data"]] == [
        ([114.30, 30.60], [114.32, 30.61], 3), ([114.30, 30.60], [114.34, 30.62], 2)]
    assert all(a["from_name"] == "甲社区" for a in arcs["data"])
    assert "Math" not in json.dumps(spec)  # deck.gl's JSON converter refuses function calls
    assert spec.get("mapProvider") is None and "mapStyle" not in spec or not str(spec.get("mapStyle")).startswith("http")
    fills = {f["properties"]["code"]: f["properties"]["fill"] for f in
             next(layer for layer in spec["layers"] if layer["id"] == "plan-communities")["data"]["features"]}
    assert fills["B"][0] > fills["B"][2] and fills["A"][2] > fills["A"][0]  # short red, surplus blue


def test_an_empty_plan_still_draws_the_communities() -> None:
    comm, geo, flows = _data()
    spec = json.loads(plan_deck(comm, geo, flows.iloc[0:0]).to_json())
    arcs = next(layer for layer in spec["layers"] if layer["id"] == "plan-arcs")
    assert arcs["data"] == []


def test_pick_deck_outlines_the_picked_community_and_keeps_the_clickable_layer_id() -> None:
    comm, geo, _ = _data()
    spec = json.loads(pick_deck(comm, geo, 2).to_json())
    ids = [layer["id"] for layer in spec["layers"]]
    assert "communities" in ids and "picked" in ids
    picked = next(layer for layer in spec["layers"] if layer["id"] == "picked")
    assert [f["properties"]["code"] for f in picked["data"]["features"]] == ["B"]
    props = next(layer for layer in spec["layers"] if layer["id"] == "communities")["data"]["features"][1]["properties"]
    assert props["gap_txt"] == "缺 4 人"
