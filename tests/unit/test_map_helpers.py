"""The shared map helpers: the first view fits every shape with a margin, the names shown never overlap
(at the pixel sizes the maps have at 1920 × 1080), a city-wide map names its districts (区) and holds
the street names back until zoomed in, and the wall measures its screen."""

from __future__ import annotations

import json
import random
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from core.model.gaps import compute_gaps
from core.model.norms import Norms
from dashboard.builders import (
    coverage_maps,
    incident_maps,
    map_labels,
    maps,
    plan_maps,
    volunteer_maps,
    wall_view,
    whatif_maps,
)
from dashboard.builders.maps import Frame
from dashboard.i18n import label
from dashboard.panels.wall_live import settings
from tests.unit.gap_fixtures import hand_worked_district


def _square(lon: float, lat: float, d: float = 0.004) -> str:
    return json.dumps({"type": "Polygon", "coordinates": [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d],
                                                           [lon - d, lat + d], [lon - d, lat - d]]]})


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for poly in geometry["coordinates"] for ring in poly]


def _corners_inside(spec: dict, frame: Frame, layer_ids: set[str]) -> None:
    """Every vertex of every shape on the listed layers lies inside the map (so every bbox does too)."""
    v = spec["initialViewState"]
    view = SimpleNamespace(longitude=v["longitude"], latitude=v["latitude"], zoom=v["zoom"])
    seen = 0
    for layer in spec["layers"]:
        if layer["id"] not in layer_ids:
            continue
        for f in layer["data"]["features"]:
            pts = np.array([p for ring in _rings(f["geometry"]) for p in ring])
            x, y = maps.to_screen(pts[:, 0], pts[:, 1], view, frame)  # type: ignore[arg-type]
            assert x.min() >= 0 and x.max() <= frame.width_px, (layer["id"], x.min(), x.max())
            assert y.min() >= 0 and y.max() <= frame.height_px, (layer["id"], y.min(), y.max())
            seen += 1
    assert seen


def test_the_first_view_fits_the_bounds_with_the_margin_and_no_more() -> None:
    rng = random.Random(42)
    for _ in range(50):
        w, s = 114.0 + rng.random(), 30.0 + rng.random()
        bounds = (w, s, w + rng.uniform(0.02, 0.6), s + rng.uniform(0.02, 0.6))
        frame = Frame(rng.randint(300, 1900), rng.randint(250, 1000))
        view = maps.fit_view(bounds, frame)
        x, y = maps.to_screen([bounds[0], bounds[2]], [bounds[1], bounds[3]], view, frame)
        m = maps.MARGIN_PX
        assert x[0] >= m - 0.5 and x[1] <= frame.width_px - m + 0.5
        assert y[1] >= m - 0.5 and y[0] <= frame.height_px - m + 0.5  # north is up: y of the north edge is smaller
        # tight: the bounds fill one of the two directions (less than 2 % of zoom to spare)
        used = max((x[1] - x[0]) / (frame.width_px - 2 * m), (y[0] - y[1]) / (frame.height_px - 2 * m))
        assert 0.98 < used <= 1.0001
        lon, lat = maps.from_screen(x, y, view, frame)
        assert np.allclose(lon, [bounds[0], bounds[2]]) and np.allclose(lat, [bounds[1], bounds[3]])


def test_geometry_bounds_read_every_vertex_of_polygons_and_multipolygons() -> None:
    multi = json.dumps({"type": "MultiPolygon", "coordinates": [
        [[[114.1, 30.1], [114.2, 30.1], [114.2, 30.2], [114.1, 30.1]]],
        [[[114.5, 30.7], [114.6, 30.7], [114.6, 30.8], [114.5, 30.7]]]]})
    assert maps.geometry_bounds([multi, None, float("nan"), _square(114.0, 30.0, 0.01)]) == (
        113.99, 29.99, 114.6, 30.8)
    assert maps.geometry_bounds([None, ""]) is None


@pytest.fixture
def district():  # type: ignore[no-untyped-def]
    """The hand-worked district's communities as squares, and one far north-east tip community."""
    base = compute_gaps(hand_worked_district(), Norms()).community
    tip = base.iloc[[0]].assign(community_id=99, code="C99", name="东北角社区", lon=114.60, lat=30.90, gap=12,
                                 shortage=12)
    comm = pd.concat([base, tip], ignore_index=True)
    shapes = [_square(lo, la) for lo, la in zip(comm["lon"], comm["lat"], strict=True)]
    shapes[-1] = _square(114.60, 30.90, 0.03)  # the tip reaches further than its centre
    geo = SimpleNamespace(
        district={"geometry": None},
        streets=pd.DataFrame({"code": ["S1", "S2"], "name": ["甲街道", "乙街道"], "lon": [114.31, 114.33],
                              "lat": [30.6, 30.6], "geometry": [None, None]}),
        communities=pd.DataFrame({"community_id": comm["community_id"], "code": comm["code"], "geometry": shapes}))
    return comm, geo


def test_every_map_shows_the_whole_district_with_its_north_east_tip(district) -> None:  # type: ignore[no-untyped-def]
    comm, geo = district
    cases = [
        (coverage_maps.community_deck(comm, geo, "gap"), coverage_maps.COVERAGE_FRAME, "communities"),
        (coverage_maps.gap_deck(comm, geo), coverage_maps.GAPS_FRAME, "communities"),
        (plan_maps.plan_deck(comm, geo, pd.DataFrame(columns=["from_community_id", "to_community_id", "n", "km"])),
         plan_maps.PLAN_FRAME, "plan-communities"),
        (plan_maps.pick_deck(comm, geo, None), plan_maps.PICK_FRAME, "communities"),
        (whatif_maps.pair_decks(comm, comm, geo)[1], whatif_maps.PAIR_FRAME, "communities"),
        (whatif_maps.change_deck(comm, comm.assign(shortage=comm["shortage"] + 3), geo), whatif_maps.CHANGE_FRAME,
         "change-communities"),
        (wall_view.wall_deck(geo, comm.assign(grid_coverage=90.0, volunteers_per_1k=3.0, open_incidents=0), "gap",
                             width_px=1094, height_px=688), Frame(1094, 688), "wall-communities"),
    ]
    for deck, frame, layer in cases:
        _corners_inside(json.loads(deck.to_json()), frame, {layer})


def test_the_incident_and_volunteer_maps_fit_the_district_outline() -> None:
    outline = json.dumps({"type": "Polygon", "coordinates": [[[114.20, 30.55], [114.35, 30.55], [114.62, 30.92],
                                                              [114.55, 30.93], [114.20, 30.65], [114.20, 30.55]]]})
    geo = SimpleNamespace(district={"geometry": outline},
                          streets=pd.DataFrame({"code": ["S1"], "name": ["甲街道"], "lon": [114.3], "lat": [30.6],
                                                "geometry": [None]}),
                          communities=pd.DataFrame({"community_id": [1], "code": ["C1"], "geometry": [_square(114.3, 30.6)]}))
    incidents = pd.DataFrame({"lon": [114.3], "lat": [30.6], "age_h": [3.0], "open": [True], "overdue": [False],
                              "severity": ["high"], "code": ["E1"], "community": ["甲社区"], "type": ["fever_case"],
                              "status": ["reported"]})
    spec = json.loads(incident_maps.incident_deck(incidents, geo, label).to_json())
    _corners_inside(spec, incident_maps.FRAME, {"district-outline"})
    tasks = pd.DataFrame(columns=["lon", "lat", "type", "missing", "assigned", "title", "community", "starts_at",
                                  "ends_at", "fill"])
    comms = pd.DataFrame(columns=["community_id", "name", "street", "volunteers_per_1k", "deployed_today",
                                  "volunteers", "party_members", "unmet_seats", "lon", "lat", "code"])
    spec = json.loads(volunteer_maps.deployment_deck(tasks, comms, geo).to_json())
    _corners_inside(spec, volunteer_maps.FRAME, {"district-outline"})


# --- labels ----------------------------------------------------------------------------------------


def _dense_district(n_streets: int = 60, seed: int = 3) -> tuple[pd.DataFrame, SimpleNamespace]:
    """A district whose south is crowded: most streets within a few hundred metres of each other."""
    rng = random.Random(seed)
    rows, shapes, streets = [], [], []
    for k in range(n_streets):
        crowded = k % 4 != 0
        lon = 114.28 + rng.uniform(0, 0.03 if crowded else 0.12)
        lat = 30.56 + rng.uniform(0, 0.03 if crowded else 0.16)
        code = f"S{k:02d}"
        streets.append({"code": code, "name": f"{'新华长春永安'[k % 6]}{k}街道", "lon": lon, "lat": lat,
                        "geometry": None})
        rows.append({"community_id": k + 1, "code": f"C{k:02d}", "name": f"社区{k}", "street_code": code,
                     "street": streets[-1]["name"], "lon": lon, "lat": lat, "gap": k % 7 - 2,
                     "shortage": max(0, k % 7 - 2) + (50 if k == 17 else 0)})
        shapes.append(_square(lon, lat, 0.002))
    base = compute_gaps(hand_worked_district(), Norms()).community.iloc[[0]]
    comm = pd.DataFrame(rows)
    for col in base.columns:
        if col not in comm:
            comm[col] = base[col].iat[0]
    geo = SimpleNamespace(district={"geometry": None}, streets=pd.DataFrame(streets),
                          communities=pd.DataFrame({"community_id": comm["community_id"], "code": comm["code"],
                                                    "geometry": shapes}))
    return comm, geo


def _shown_boxes(spec: dict, frame: Frame) -> tuple[list[str], np.ndarray]:
    v = spec["initialViewState"]
    view = SimpleNamespace(longitude=v["longitude"], latitude=v["latitude"], zoom=v["zoom"])
    names, out = [], []
    for layer in spec["layers"]:
        if layer["@@type"] != "TextLayer" or layer["id"] == "labels-more":
            continue
        for row in layer["data"]:
            x, y = maps.to_screen([row["lon"]], [row["lat"]], view, frame)  # type: ignore[arg-type]
            size = layer["getSize"] if isinstance(layer["getSize"], (int, float)) else row["size"]
            w = sum(size if ord(c) >= 0x2E80 else 0.62 * size for c in row["name"])  # CJK one em, Latin 0.62
            y0 = y[0] + (layer.get("getPixelOffset") or [0, 0])[1]
            names.append(row["name"])
            out.append([x[0] - w / 2, y0 - size / 2, x[0] + w / 2, y0 + size / 2])
    return names, np.array(out)


def _overlapping(b: np.ndarray) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(b)) for j in range(i + 1, len(b))
            if b[i, 0] < b[j, 2] and b[j, 0] < b[i, 2] and b[i, 1] < b[j, 3] and b[j, 1] < b[i, 3]]


@pytest.mark.parametrize("frame", [coverage_maps.COVERAGE_FRAME, coverage_maps.GAPS_FRAME, whatif_maps.PAIR_FRAME])
def test_no_two_street_names_overlap_and_the_most_short_street_is_named(frame: Frame) -> None:
    comm, geo = _dense_district()
    spec = json.loads(coverage_maps.community_deck(comm, geo, "gap", frame=frame).to_json())
    names, b = _shown_boxes(spec, frame)
    assert _overlapping(b) == []
    assert (b[:, 0] >= 0).all() and (b[:, 2] <= frame.width_px).all() and (b[:, 1] >= 0).all()
    assert "安17街道" in names  # 50 people short: the most important name of the crowded south
    ids = [layer["id"] for layer in spec["layers"]]
    more = next(layer for layer in spec["layers"] if layer["id"] == "labels-more")
    assert len(names) + len(more["data"]) >= 60 and len(more["data"]) > 0  # the rest wait for a zoom
    assert more["extensions"] == [{"@@type": "CollisionFilterExtension"}] and more["characterSet"] == "auto"
    assert ids.index("label-occluders") < ids.index("labels-more")


def test_a_waiting_name_is_hidden_in_the_first_view_by_an_occluder() -> None:
    comm, geo = _dense_district()
    frame = coverage_maps.GAPS_FRAME
    spec = json.loads(coverage_maps.community_deck(comm, geo, "gap", frame=frame).to_json())
    v = spec["initialViewState"]
    view = SimpleNamespace(longitude=v["longitude"], latitude=v["latitude"], zoom=v["zoom"])
    layer = {x["id"]: x for x in spec["layers"]}
    occ = layer["label-occluders"]["data"]
    n_waiting = len(layer["labels-more"]["data"])
    # deck.gl tells objects apart by their index in their layer: no real occluder shares one with a waiting name
    assert all(o["r"] == 0 for o in occ[:n_waiting]) and all(o["r"] > 0 for o in occ[n_waiting:])
    occ = occ[n_waiting:]
    ox, oy = maps.to_screen([o["lon"] for o in occ], [o["lat"] for o in occ], view, frame)  # type: ignore[arg-type]
    _, shown = _shown_boxes(spec, frame)
    for row in layer["labels-more"]["data"]:
        x, y = maps.to_screen([row["lon"]], [row["lat"]], view, frame)  # type: ignore[arg-type]
        w = sum(row["size"] if ord(c) >= 0x2E80 else 0.62 * row["size"] for c in row["name"])
        box = np.array([[x[0] - w / 2, y[0] - row["size"] / 2, x[0] + w / 2, y[0] + row["size"] / 2]])
        if _overlapping(np.vstack([shown, box])):  # it would overlap a shown name: something hides it
            covered = np.hypot(ox - x[0], oy - y[0]) < np.array([o["r"] for o in occ])
            assert covered.any(), row["name"]


def test_the_wall_names_streets_in_letters_readable_from_five_metres() -> None:
    comm, geo = _dense_district(12)
    comm = comm.assign(grid_coverage=90.0, volunteers_per_1k=3.0, open_incidents=0)
    spec = json.loads(wall_view.wall_deck(geo, comm, "gap", width_px=1094, height_px=688).to_json())
    streets = next(layer for layer in spec["layers"] if layer["id"] == "street-labels")
    assert streets["getSize"] >= 24 and streets["fontWeight"] == "bold"
    names, b = _shown_boxes(spec, Frame(1094, 688))
    assert names and _overlapping(b) == []


# --- a city ----------------------------------------------------------------------------------------


def _city() -> tuple[pd.DataFrame, SimpleNamespace]:
    comm, geo = _dense_district(40)
    east = geo.streets["lon"] > geo.streets["lon"].median()
    codes = [f"{'420102' if e else '420103'}{k:03d}" for k, e in enumerate(east)]
    old_to_new = dict(zip(geo.streets["code"], codes, strict=True))
    geo.streets["code"] = codes
    geo.streets["geometry"] = [_square(lo, la, 0.01) for lo, la in zip(geo.streets["lon"], geo.streets["lat"],
                                                                        strict=True)]
    return comm.assign(street_code=comm["street_code"].map(old_to_new)), geo


def test_a_city_map_outlines_and_names_its_districts_and_holds_street_names_back() -> None:
    comm, geo = _city()
    areas = map_labels.areas_of(geo.streets)
    assert sorted(areas["name"]) == ["江岸区", "江汉区"] and areas["geometry"].notna().all()
    spec = json.loads(coverage_maps.community_deck(comm, geo, "gap").to_json())
    layer = {x["id"]: x for x in spec["layers"]}
    assert "area-outlines" in layer and layer["street-boundaries"]["lineWidthMinPixels"] == 1
    assert sorted(r["name"] for r in layer["area-labels"]["data"]) == ["江岸区", "江汉区"]
    assert layer["street-labels"]["data"] == []  # street names come once zoomed in
    waiting = {r["name"] for r in layer["labels-more"]["data"]}
    assert set(geo.streets["name"]) <= waiting
    assert len(layer["label-occluders"]["data"]) >= 2


def test_one_district_has_no_district_layer() -> None:
    comm, geo = _dense_district(10)
    assert map_labels.areas_of(geo.streets).empty
    ids = [x["id"] for x in json.loads(coverage_maps.community_deck(comm, geo, "gap").to_json())["layers"]]
    assert "area-outlines" not in ids and "area-labels" not in ids


# --- the wall measures its screen -----------------------------------------------------------------


def test_the_wall_draws_for_the_measured_screen_unless_the_url_says_a_scale() -> None:
    hd, uhd = settings({}, (1920, 1080)), settings({}, (3840, 2160))
    assert hd.scale == 1 and uhd.scale == 2
    assert uhd.map_height == pytest.approx(2 * hd.map_height, abs=2) and abs(uhd.map_width - 2 * hd.map_width) <= 2
    assert settings({"scale": "1.5"}, (3840, 2160)).scale == 1.5  # the URL overrides
    assert settings({}).scale == 1 and settings({}).map_height == hd.map_height  # not measured yet: 1080p
    assert hd.map_height + 300 < 1080  # room for the title, the tiles and the panel headers
    # once the map panel's top is measured (tiles that wrap in English push it down), the map takes the rest
    desk = settings({}, (1920, 1080, 1620, 420))
    assert desk.measured_top and desk.map_height == 1080 - 420 - 130 - 16 and desk.map_width < hd.map_width


def test_the_change_map_closes_up_on_what_changes_and_names_it_with_the_change(district) -> None:  # type: ignore[no-untyped-def]
    comm, geo = district
    one = comm.assign(shortage=comm["shortage"] + (comm["code"] == "C2") * 25)
    close = json.loads(whatif_maps.change_deck(comm, one, geo).to_json())
    whole = json.loads(whatif_maps.change_deck(comm, comm, geo).to_json())
    assert close["initialViewState"]["zoom"] > whole["initialViewState"]["zoom"] + 1
    layer = {x["id"]: x for x in close["layers"]}
    fills = {f["properties"]["code"]: f["properties"]["fill"] for f in layer["change-communities"]["data"]["features"]}
    assert fills["C2"] == whatif_maps.change_colors(pd.Series([25]))[0] and fills["C1"] == list(whatif_maps.SAME)
    assert [r["name"] for r in layer["community-labels"]["data"]] == [f"{comm.loc[1, 'name']} +25"]
    before, after, change = whatif_maps.titles(comm, one, "甲")
    assert "缺员" in before and "+25" in after and "1 个社区有变化" in change
