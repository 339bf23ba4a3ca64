"""The side-by-side maps of the what-if page: one colour scale, one view, colours that move with the gap."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd
import pytest

from core.model.gaps import compute_gaps
from core.model.norms import Norms
from core.model.scenarios.changes import Context, SetRisk
from core.model.scenarios.evaluation import Scenario, evaluate
from dashboard.builders import coverage_maps, whatif_maps
from tests.unit.gap_fixtures import hand_worked_district


def _square(lon: float, lat: float) -> str:
    d = 0.004
    return json.dumps({"type": "Polygon", "coordinates": [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d],
                                                           [lon - d, lat + d], [lon - d, lat - d]]]})


@pytest.fixture
def geometry():  # type: ignore[no-untyped-def]
    c = hand_worked_district().communities
    comms = pd.DataFrame({"community_id": c["community_id"], "code": c["code"],
                          "geometry": [_square(lo, la) for lo, la in zip(c["lon"], c["lat"], strict=True)]})
    streets = pd.DataFrame({"code": ["S1", "S2"], "name": ["甲街道", "乙街道"], "lon": [114.31, 114.33],
                            "lat": [30.6, 30.6], "geometry": [None, None]})
    return SimpleNamespace(district={"geometry": None}, streets=streets, communities=comms)


def _fills(deck) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    spec = json.loads(deck.to_json())
    layer = next(layer for layer in spec["layers"] if layer["id"] == "communities")
    return {f["properties"]["code"]: f["properties"]["fill"] for f in layer["data"]["features"]}


def test_both_maps_share_the_view_and_the_colour_scale(geometry) -> None:  # type: ignore[no-untyped-def]
    res = evaluate(hand_worked_district(), Norms(), Scenario("甲", changes=(SetRisk("high", communities=("C1",)),)),
                   Context())
    today, scen = whatif_maps.pair_decks(res.baseline.community, res.result.community, geometry, "gap")
    a, b = json.loads(today.to_json()), json.loads(scen.to_json())
    assert a["initialViewState"] == b["initialViewState"]
    fa, fb = _fills(today), _fills(scen)
    # C2 and C3 do not change: same colour on both maps; C1 goes from 2 surplus to 40 short: red
    assert fa["C2"] == fb["C2"] and fa["C3"] == fb["C3"]
    assert fa["C1"] != fb["C1"] and fb["C1"] == coverage_maps.metric_colors(pd.DataFrame({"gap": [40]}), "gap")[0]
    assert fb["C1"][0] > fb["C1"][2]  # red, not blue
    labels = [layer for layer in a["layers"] + b["layers"] if layer["id"] == "street-labels"]
    assert len(labels) == 2 and {layer["getSize"] for layer in labels} == {whatif_maps.STREET_LABEL_PX}


def test_the_same_gap_gets_the_same_colour_on_either_side(geometry) -> None:  # type: ignore[no-untyped-def]
    base = compute_gaps(hand_worked_district(), Norms()).community
    swapped = base.assign(gap=base["gap"].to_numpy()[::-1], shortage=base["shortage"].to_numpy()[::-1])
    for metric in whatif_maps.PAIR_METRICS:
        left, right = whatif_maps.pair_decks(base, swapped, geometry, metric)
        fl, fr = _fills(left), _fills(right)
        assert fl["C1"] == fr["C3"] and fl["C3"] == fr["C1"]


def test_the_view_fits_a_half_width_map(geometry) -> None:  # type: ignore[no-untyped-def]
    base = compute_gaps(hand_worked_district(), Norms()).community
    view = whatif_maps.pair_view(base)
    wide = coverage_maps.community_deck(base, geometry, "gap").initial_view_state
    assert view.zoom < wide.zoom  # narrower map, padded bounds: zoomed out further than the full-width map
    with pytest.raises(ValueError):
        whatif_maps.pair_decks(base, base, geometry, "volunteers_per_1k")
