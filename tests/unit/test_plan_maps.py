"""The plan and picking maps: one line per community pair, polygons by gap, a two-colour legend, offline
basemap, Chinese tooltips."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.builders import maps, plan_maps
from dashboard.builders.plan_maps import arc_rows, flow_width, gap_after, pick_deck, plan_deck


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


def test_plan_deck_draws_one_line_per_community_pair_from_origin_to_destination_offline() -> None:
    comm, geo, flows = _data()
    spec = json.loads(plan_deck(comm, geo, flows).to_json())
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids[0] == "plan-communities" and "plan-arcs" in ids and "street-labels" in ids
    assert ids.index("plan-arcs-casing") < ids.index("plan-arcs") < ids.index("street-labels")
    arcs = next(layer for layer in spec["layers"] if layer["id"] == "plan-arcs")
    assert arcs["@@type"] == "ArcLayer"
    # the smaller flow first: the widest line is drawn last, on top
    assert [(a["from"], a["to"], a["n"]) for a in arcs["data"]] == [
        ([114.30, 30.60], [114.34, 30.62], 2), ([114.30, 30.60], [114.32, 30.61], 3)]
    assert all(a["from_name"] == "甲社区" for a in arcs["data"])
    assert arcs["getSourceColor"][:3] == plan_maps.FROM_COLOR and arcs["getTargetColor"][:3] == plan_maps.TO_COLOR
    assert "Math" not in json.dumps(spec)  # deck.gl's JSON converter refuses function calls
    assert spec.get("mapProvider") is None and "mapStyle" not in spec or not str(spec.get("mapStyle")).startswith("http")
    fills = {f["properties"]["code"]: f["properties"]["fill"] for f in
             next(layer for layer in spec["layers"] if layer["id"] == "plan-communities")["data"]["features"]}
    assert fills["B"][0] > fills["B"][2] and fills["A"][2] > fills["A"][0]  # short red, surplus blue
    ends = next(layer for layer in spec["layers"] if layer["id"] == "plan-ends")["data"]
    assert sorted((e["side"], e["lon"]) for e in ends) == [("in", 114.32), ("in", 114.34), ("out", 114.30)]


def test_flows_between_the_same_two_communities_are_one_line_as_wide_as_their_people() -> None:
    comm, _, _ = _data()
    flows = pd.DataFrame({"from_community_id": [1, 1, 1, 3], "to_community_id": [2, 2, 3, 2], "n": [3, 4, 1, 9],
                          "km": [2.0, 2.0, 4.0, 1.0]})
    rows = arc_rows(comm, flows)
    pairs = {(r["from_name"], r["to_name"]): r for r in rows}
    assert len(rows) == 3 and pairs[("甲社区", "乙社区")]["n"] == 7 and pairs[("甲社区", "乙社区")]["km"] == 2.0
    widths = [r["w"] for r in sorted(rows, key=lambda r: r["n"])]
    assert widths == sorted(widths) and widths[0] < widths[-1]  # more people, a wider line
    assert [r["n"] for r in rows] == [1, 7, 9]  # drawn smallest first
    assert flow_width([1])[0] >= 2 and flow_width([10_000])[0] <= 10


def _lab(c: list[int]) -> np.ndarray:
    rgb = np.array(c, float) / 255
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ lin
    f = np.cbrt(xyz / np.array([0.9505, 1.0, 1.089]))
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


DEUTERANOPIA = np.array([[0.367, 0.861, -0.228], [0.280, 0.673, 0.047], [-0.012, 0.043, 0.969]])  # Machado 2009


def test_the_plan_legend_has_two_colours_far_apart_for_every_colour_vision() -> None:
    items = plan_maps.legend_items()
    assert len(items) == 2 and items[0][1] != items[1][1]
    (a, _), (b, _) = items
    assert np.linalg.norm(_lab(a) - _lab(b)) > 50  # CIE76: far apart for normal vision
    sim = [np.clip(DEUTERANOPIA @ (np.array(c) / 255), 0, 1) * 255 for c in (a, b)]
    assert np.linalg.norm(_lab(list(sim[0])) - _lab(list(sim[1]))) > 30  # and for red-green colour blindness
    # the shading of the polygons uses the same two hues: red short, blue surplus
    short, surplus = maps.diverging(pd.Series([30.0, -30.0]), 30.0)
    assert (short[0] > short[2]) == (b[0] > b[2]) and (surplus[2] > surplus[0]) == (a[2] > a[0])


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
