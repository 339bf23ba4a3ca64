"""Map builders for incidents and screening (return ``pdk.Deck``; never call ``st.``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pydeck as pdk

from dashboard.builders.maps import (
    Color,
    Frame,
    deck,
    district_bounds,
    feature_collection,
    fit_view,
    outline_layer,
    sequential,
    street_boundaries,
    street_labels,
)
from dashboard.i18n import t

SEVERITY_COLORS: dict[str, Color] = {"low": [250, 204, 21], "medium": [249, 115, 22], "high": [220, 38, 38],
                                     "critical": [126, 34, 206]}
SEVERITY_ORDER = ("low", "medium", "high", "critical")
AGE_EDGES_H = (0.0, 6.0, 24.0, 72.0)  # dot radius grows with the hours an incident has been open
AGE_RADIUS_PX = (6, 9, 12, 16)
MAP_W, MAP_H = 830, 560  # the pages' map column at 1920 × 1080
FRAME = Frame(MAP_W, MAP_H)
COVERAGE_THRESHOLDS = (20.0, 40.0, 60.0, 80.0)
COVERAGE_COLORS: list[Color] = [[215, 48, 39], [252, 141, 89], [254, 224, 139], [145, 207, 96], [26, 152, 80]]


def age_radius(age_h: pd.Series, is_open: pd.Series) -> np.ndarray:
    k = np.searchsorted(np.array(AGE_EDGES_H), age_h.fillna(0).to_numpy(float), side="right") - 1
    r = np.array(AGE_RADIUS_PX)[np.clip(k, 0, len(AGE_RADIUS_PX) - 1)]
    return np.where(is_open.to_numpy(bool), r, 4)


def _base_layers(geometry: Any) -> list[pdk.Layer]:
    layers = outline_layer(geometry.district.get("geometry"))
    comm = geometry.communities.assign(fill=[[226, 232, 240]] * len(geometry.communities))
    if len(comm):
        layers.append(pdk.Layer(
            "GeoJsonLayer", data=feature_collection(comm, ["code"]), id="community-base", stroked=True, filled=True,
            get_fill_color=[226, 232, 240, 200], get_line_color=[255, 255, 255], line_width_min_pixels=0.8,
            pickable=False))
    return layers


def incident_points(incidents: pd.DataFrame, label: Callable[[str, str], str]) -> pd.DataFrame:
    """One row a dot: position, colour by severity, radius by age, tooltip text in the UI language."""
    df = incidents.dropna(subset=["lon", "lat"])
    age = df["age_h"].fillna(0)
    return pd.DataFrame({
        "lon": df["lon"].astype(float), "lat": df["lat"].astype(float),
        "fill": [SEVERITY_COLORS.get(s, [148, 163, 184]) + [235] for s in df["severity"]],
        "line": [[15, 23, 42] if o else [255, 255, 255] for o in df["overdue"]],
        "radius": age_radius(age, df["open"]),
        "code": df["code"].astype(str), "community": df["community"].astype(str),
        "type": [label("itype", x) for x in df["type"]], "severity": [label("severity", x) for x in df["severity"]],
        "status": [label("status", x) for x in df["status"]],
        "age": [f"{a:.0f} {t('unit.hours')}" for a in age],
        "overdue": [t("inc.yes") if o else t("inc.no") for o in df["overdue"]],
    })


def incident_deck(incidents: pd.DataFrame, geometry: Any, label: Callable[[str, str], str]) -> pdk.Deck:
    """Community outlines as the basemap, street names, one dot per incident (colour: severity; size: age)."""
    pts = incident_points(incidents, label)
    view = fit_view(district_bounds(geometry, pts), FRAME)
    layers = _base_layers(geometry)
    layers += street_boundaries(geometry.streets)
    layers += street_labels(geometry.streets, view, FRAME)
    layers.append(pdk.Layer(
        "ScatterplotLayer", data=pts, id="incidents", get_position="[lon, lat]", get_fill_color="fill",
        get_line_color="line", get_radius="radius", radius_units='"pixels"', stroked=True, line_width_min_pixels=1.5,
        pickable=True, auto_highlight=True))
    tooltip = {"html": (f"<b>{{code}}</b> {{type}}<br/>{t('inc.col.severity')}：{{severity}}<br/>"
                        f"{t('inc.col.status')}：{{status}}<br/>{t('col.community')}：{{community}}<br/>"
                        f"{t('inc.tip.age')}：{{age}}<br/>{t('inc.col.overdue')}：{{overdue}}"),
               "style": {"fontSize": "14px", "backgroundColor": "#0f172a", "color": "#f8fafc"}}
    return deck(layers, view, tooltip)


def severity_legend(label: Callable[[str, str], str]) -> list[tuple[Color, str]]:
    return [(SEVERITY_COLORS[s], label("severity", s)) for s in SEVERITY_ORDER]


def coverage_legend() -> list[tuple[Color, str]]:
    edges = ["<20", "20–40", "40–60", "60–80", "≥80"]
    return [(c, f"{e} %") for c, e in zip(COVERAGE_COLORS, edges, strict=True)]


#: above this many grids (a city-wide campaign: 7,700) the map sums them per community — 3.3 MB of grid
#: polygons become the communities' 0.9 MB — and the page says so; the table keeps every grid
MAX_GRID_SHAPES = 2500


def summed_per_community(grids: pd.DataFrame) -> bool:
    return len(grids) > MAX_GRID_SHAPES


def by_community_where_grids_have_no_shape(grids: pd.DataFrame, communities: pd.DataFrame) -> pd.DataFrame:
    """Grids drawn as themselves where they have a boundary; the rest summed per community and drawn as
    the community's shape (a district that imported community boundaries but not grid ones still sees
    its campaign on the map). The ``grid`` label of such a row says how many grids it sums. A campaign
    of more than ``MAX_GRID_SHAPES`` grids is summed per community throughout."""
    has_shape = grids["geometry"].notna() & (grids["geometry"].astype(str) != "") if "geometry" in grids else (
        pd.Series(False, index=grids.index))
    if summed_per_community(grids):
        has_shape = pd.Series(False, index=grids.index)
    label = "scr.map.grids_summed" if summed_per_community(grids) else "scr.map.grids_in"
    own = grids[has_shape]
    rest = grids[~has_shape]
    if rest.empty or "community_id" not in rest or communities.empty:
        return own
    cols = ["target_households", "visited", "shortfall", "expected"]
    summed = rest.groupby(["community_id", "community"], as_index=False).agg(
        **{c: (c, "sum") for c in cols if c in rest}, n=("grid_id", "size"), behind=("behind", "any"))
    target = summed["target_households"].to_numpy(float)
    summed["coverage_pct"] = np.where(target > 0, np.minimum(summed["visited"], target) / np.where(target > 0, target, 1)
                                      * 100, 100.0).round(1)
    summed["grid"] = [t(label, n=int(n)) for n in summed["n"]]
    shapes = communities.set_index("community_id")["geometry"]
    summed["geometry"] = summed["community_id"].map(shapes)
    return pd.concat([own, summed[summed["geometry"].notna()]], ignore_index=True)


def screening_deck(grids: pd.DataFrame, geometry: Any) -> pdk.Deck:
    """Grids coloured by completion; grids behind schedule outlined dark; street boundaries and names."""
    df = by_community_where_grids_have_no_shape(grids, geometry.communities)
    df["fill"] = sequential(df["coverage_pct"], COVERAGE_THRESHOLDS, COVERAGE_COLORS)
    df["line"] = [[15, 23, 42] if b else [255, 255, 255] for b in df["behind"]]
    df["width"] = np.where(df["behind"], 2.5, 0.6)
    df["coverage"] = [f"{v:.1f} %" for v in df["coverage_pct"]]
    unit = t("unit.households")
    for col in ("target_households", "visited", "shortfall"):
        df[f"{col}_txt"] = [f"{int(v):,} {unit}" for v in df[col]]
    fc = feature_collection(df, ["grid", "community", "coverage", "target_households_txt", "visited_txt",
                                 "shortfall_txt", "fill", "line", "width"])
    layers = outline_layer(geometry.district.get("geometry"))
    layers.append(pdk.Layer(
        "GeoJsonLayer", data=fc, id="screening-grids", stroked=True, filled=True, pickable=True, auto_highlight=True,
        get_fill_color="[properties.fill[0], properties.fill[1], properties.fill[2], 215]",
        get_line_color="properties.line", get_line_width="properties.width", line_width_units='"pixels"',
        highlight_color=[255, 255, 0, 120]))
    view = fit_view(district_bounds(geometry, df), FRAME)
    layers += street_boundaries(geometry.streets)
    layers += street_labels(geometry.streets, view, FRAME)
    tooltip = {"html": (f"<b>{{grid}}</b>（{{community}}）<br/>{t('scr.col.target')}：{{target_households_txt}}<br/>"
                        f"{t('scr.col.visited')}：{{visited_txt}}<br/>{t('scr.tip.coverage')}：{{coverage}}<br/>"
                        f"{t('scr.col.shortfall')}：{{shortfall_txt}}"),
               "style": {"fontSize": "14px", "backgroundColor": "#0f172a", "color": "#f8fafc"}}
    return deck(layers, view, tooltip)
