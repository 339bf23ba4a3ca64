"""The demo district: deterministic, inside the real outline, and with work for a coordinator."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from core.demo.generator import generate
from core.demo.geography import JIANGAN_STREETS, load_outlines

TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def district():  # type: ignore[no-untyped-def]
    return generate("district", 42, TODAY)


def test_same_seed_gives_the_same_district(district) -> None:  # type: ignore[no-untyped-def]
    again = generate("district", 42, TODAY)
    pd.testing.assert_frame_equal(district.staff, again.staff)
    pd.testing.assert_frame_equal(district.communities, again.communities)


def test_another_seed_gives_another_district(district) -> None:  # type: ignore[no-untyped-def]
    other = generate("district", 7, TODAY)
    assert not district.communities["population"].equals(other.communities["population"])


def test_the_district_has_the_sizes_the_design_asks_for(district) -> None:  # type: ignore[no-untyped-def]
    assert list(district.streets["name"]) == list(JIANGAN_STREETS)
    assert 170 <= len(district.communities) <= 190
    assert 800 <= len(district.grids) <= 1200
    staff = district.staff[district.staff["kind"] != "volunteer"]
    assert 9_000 <= len(staff) <= 11_000
    assert 4_500 <= (district.staff["kind"] == "volunteer").sum() <= 5_500
    assert len(district.units) == 55
    assert district.incidents["reported_at"].dt.date.nunique() == 14


def test_communities_tile_the_real_outline(district) -> None:  # type: ignore[no-untyped-def]
    outline = [g for code, _, g in load_outlines("wuhan_districts") if code == "420102"][0]
    cells = [shape(__import__("json").loads(g)) for g in district.communities["geometry"]]
    union = shapely.union_all(cells)
    # cells are simplified, so allow a sliver; they must cover the outline and not overlap much
    assert union.area == pytest.approx(outline.area, rel=0.02)
    assert sum(c.area for c in cells) == pytest.approx(union.area, rel=0.02)


def test_codes_are_unique_and_hierarchical(district) -> None:  # type: ignore[no-untyped-def]
    c = district.communities
    assert c["code"].is_unique and district.grids["code"].is_unique and district.staff["code"].is_unique
    assert (c["code"].str[:9] == c["street_code"]).all()
    assert (district.grids["code"].str[:12] == district.grids["community_code"]).all()


def test_pinned_kinds_are_never_movable(district) -> None:  # type: ignore[no-untyped-def]
    s = district.staff
    assert not s[s["kind"].isin(["community_worker", "grid_member"])]["movable"].any()
    assert s[s["kind"] == "cadre"]["movable"].mean() > 0.8


def test_history_has_an_open_assignment_for_everyone(district) -> None:  # type: ignore[no-untyped-def]
    a = district.assignments
    open_ = a[a["valid_to"].isna()]
    assert open_["staff_code"].is_unique and len(open_) == len(district.staff)
    current = open_.set_index("staff_code")["community_code"]
    assert (current.reindex(district.staff["code"]).to_numpy() == district.staff["community_code"].to_numpy()).all()


def test_isolation_clusters_around_hot_spots(district) -> None:  # type: ignore[no-untyped-def]
    c = district.communities
    top = c.nlargest(18, "isolated_households")["isolated_households"].sum()
    # a tenth of the communities hold well over a tenth of the households (uniform would give ~0.15)
    assert top > 0.3 * c["isolated_households"].sum()


def test_incidents_follow_a_daily_rhythm(district) -> None:  # type: ignore[no-untyped-def]
    hours = district.incidents["reported_at"].dt.hour
    assert (hours.between(8, 19)).mean() > 0.6


def test_province_preset_has_the_article_scale() -> None:
    p = generate("province", 1, TODAY)
    assert len(p.communities) == 27_000
    assert (p.staff["kind"] == "cadre").sum() == 580_000
