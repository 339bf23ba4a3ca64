"""The setup checklist's texts and the maps' handling of communities they cannot place (pure builders)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from core.services.read_models.coverage import MapGeometry
from core.services.read_models.setup import LastImport, SetupItem, SetupStatus, judge
from core.services.read_models.wall import Kpi
from dashboard.builders import maps, setup_view, wall_view
from dashboard.i18n import t

SQUARE = json.dumps({"type": "Polygon", "coordinates": [[[114.3, 30.6], [114.31, 30.6], [114.31, 30.61],
                                                         [114.3, 30.6]]]})


def test_a_kind_is_missing_partial_or_done_from_its_counts() -> None:
    assert judge("communities", {"communities": 0, "streets": 0}, None)[0] == "missing"
    assert judge("boundaries", {"with_boundary": 3, "communities": 5}, None) == (
        "partial", {"with_boundary": 3, "communities": 5})
    assert judge("boundaries", {"with_boundary": 5, "communities": 5}, None)[0] == "done"


def test_a_kind_the_checklist_does_not_know_is_judged_by_its_last_import() -> None:
    last = LastImport(dt.datetime(2026, 2, 1, 9, 30), "clerk", "x.csv", {"created": 4})
    assert judge("newkind", {}, None) == ("missing", {})
    assert judge("newkind", {}, last) == ("done", {})


def test_an_unnamed_kind_falls_back_to_its_own_name_and_a_generic_sentence() -> None:
    item = SetupItem("newkind", "newkind.csv", "missing", {}, None)
    assert setup_view.kind_label("newkind") == "newkind"
    assert setup_view.kind_unlocks("newkind") == t("setup.unlocks.generic")
    assert setup_view.headline(item) == f"newkind {t('setup.state.missing')}"


def test_the_headline_shows_counts_and_a_share_even_at_nought() -> None:
    done = SetupItem("communities", "communities.csv", "done", {"streets": 16, "communities": 180}, None)
    assert setup_view.headline(done) == "辖区（街道、社区） ✔ 16 个街道 180 个社区"
    none = SetupItem("boundaries", "boundaries.geojson", "missing", {"with_boundary": 0, "communities": 180}, None,
                     out_of=True)
    assert setup_view.headline(none) == "边界 ✘ 0/180 个社区有边界"
    grids = SetupItem("grids", "grids.csv", "missing", {"grids": 0, "with_grids": 0, "communities": 180}, None)
    assert setup_view.headline(grids) == "网格 ✘"


def test_the_last_import_names_file_who_when_and_counts() -> None:
    last = LastImport(dt.datetime(2026, 2, 1, 9, 30), "clerk", "社区.csv", {"created": 4, "updated": 1, "unchanged": 0})
    text = setup_view.last_text(SetupItem("communities", "communities.csv", "done", {}, last))
    assert text == t("setup.last", file="社区.csv", who="clerk", when="2026-02-01 09:30", created=4, updated=1,
                     unchanged=0)
    assert setup_view.last_text(SetupItem("staff", "staff.csv", "missing", {}, None)) == t("setup.last.none")


def test_the_missing_notice_names_only_kinds_the_registry_holds_and_not_loaded() -> None:
    status = SetupStatus(items=[SetupItem("communities", "c.csv", "done", {}, None),
                                SetupItem("staff", "s.csv", "missing", {}, None),
                                SetupItem("grids", "g.csv", "missing", {}, None)], counts={}, demo=False)
    assert setup_view.missing_kinds(status, ["grids", "staff", "communities", "nokind"]) == ["staff", "grids"]
    assert setup_view.missing_text(["grids"]) == "尚未导入网格：导入网格后可看网格覆盖率和排查进度。"


def test_the_exchange_format_table_lists_header_required_and_what_it_holds() -> None:
    from core.services.importer.columns import BASE_FORMATS

    df = setup_view.format_frame(BASE_FORMATS["staff"].columns)
    row = df[df[t("setup.format.header")] == "所在社区"].iloc[0]
    assert row[t("setup.format.name")] == "community_code" and row[t("setup.format.required")] == ""
    assert row[t("setup.format.what")] == t("setup.coltype.community_ref")
    assert df[df[t("setup.format.header")] == "编号"].iloc[0][t("setup.format.required")] == "✔"


def _communities() -> pd.DataFrame:
    return pd.DataFrame({"community_id": [1, 2, 3], "code": ["a", "b", "c"], "name": ["甲", "乙", "丙"],
                         "lon": [114.30, 114.32, None], "lat": [30.60, 30.62, None],
                         "geometry": [SQUARE, None, None], "fill": [[1, 2, 3]] * 3})


def test_a_map_counts_communities_located_by_boundary_or_coordinates() -> None:
    assert maps.location_counts(_communities()) == (2, 1)


def test_bounds_leave_out_rows_without_coordinates_and_fall_back_when_none_has_them() -> None:
    df = _communities()
    assert maps.bounds_of(df["lon"], df["lat"]) == (114.30, 30.60, 114.32, 30.62)
    assert maps.bounds_of(pd.Series([None], dtype=float), pd.Series([None], dtype=float)) == maps.DEFAULT_BOUNDS


def test_a_community_with_coordinates_only_is_drawn_as_a_dot() -> None:
    layer = maps.point_layer(_communities(), ["code", "name", "fill"], "pts")
    assert layer is not None and [r["code"] for r in layer.data] == ["b"]
    assert maps.point_layer(_communities().iloc[[0, 2]], ["code"], "pts") is None


def test_the_overview_deck_draws_polygons_and_dots_in_a_finite_view() -> None:
    class Data:
        communities = _communities().drop(columns=["fill"]).assign(
            street="街", risk_level="low", population=1, staff_on_duty=0, staff_per_10k=0.0, volunteers_on_duty=0,
            open_incidents=0, isolated_households=0)
        streets = pd.DataFrame({"code": [], "name": [], "lon": [], "lat": [], "geometry": []})
        district = {"geometry": None}

    deck = json.loads(maps.overview_deck(Data(), "risk_level", lambda v, c: c).to_json())
    ids = [layer["id"] for layer in deck["layers"]]
    assert "communities" in ids and "community-points" in ids
    assert deck["initialViewState"]["longitude"] == 114.31


def test_the_wall_grid_tile_says_no_grids_never_nought_percent() -> None:
    html = wall_view.kpi_tiles_html([Kpi("grid_coverage", None, None, "percent", "up")])
    assert t("grid.none") in html and "—" in html and "%" not in html


def test_the_wall_map_places_what_it_can_and_says_how_many_it_cannot() -> None:
    df = _communities()
    geo = MapGeometry(district={}, streets=pd.DataFrame(), communities=df[["community_id", "code", "geometry"]])
    assert wall_view.location_counts(geo, df) == (2, 1)
    assert t("map.unlocated", n="1") in wall_view.unlocated_html(1, 2, 600)
    assert "fx-map-placeholder" in wall_view.unlocated_html(3, 0, 600)
    assert wall_view.unlocated_html(0, 3, 600) == ""
