"""Map builders: return ``pdk.Deck`` objects and never call ``st.``.

Offline by default: ``map_provider=None`` and no style, so the browser fetches nothing; the district
outline, street boundaries and Chinese labels are the "basemap". A district with an intranet tile
server sets ``FANGXIAN_BASEMAP_STYLE`` to the absolute URL of a Mapbox-GL ``style.json``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from typing import Any

import pandas as pd
import pydeck as pdk

Color = list[int]
CJK_FONT = '"Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"'


def basemap_style() -> str | None:
    """The intranet basemap's style.json URL, if the district has one."""
    url = os.environ.get("FANGXIAN_BASEMAP_STYLE", "").strip()
    return url or None


def feature_collection(df: pd.DataFrame, props: Sequence[str], geometry_col: str = "geometry") -> dict[str, Any]:
    """GeoJSON FeatureCollection from rows with a GeoJSON-text geometry column and chosen properties."""
    features = []
    records = df[list(props)].astype(object).where(df[list(props)].notna(), None).to_dict("records")
    for geom, rec in zip(df[geometry_col], records, strict=True):
        if not isinstance(geom, str) or not geom:  # None, or NaN once pandas has typed the column
            continue
        features.append({"type": "Feature", "geometry": json.loads(geom), "properties": rec})
    return {"type": "FeatureCollection", "features": features}


#: where a map looks when nothing on it is located (the page shows a placeholder over it)
DEFAULT_BOUNDS = (114.25, 30.55, 114.35, 30.65)


def bounds_of(lon: pd.Series, lat: pd.Series) -> tuple[float, float, float, float]:
    """The box around the located points (rows without coordinates are left out; none: ``DEFAULT_BOUNDS``)."""
    x = pd.to_numeric(pd.Series(lon), errors="coerce").to_numpy(float)
    y = pd.to_numeric(pd.Series(lat), errors="coerce").to_numpy(float)
    ok = ~(pd.isna(x) | pd.isna(y))
    if not ok.any():
        return DEFAULT_BOUNDS
    return float(x[ok].min()), float(y[ok].min()), float(x[ok].max()), float(y[ok].max())


def has_polygon(df: pd.DataFrame, geometry_col: str = "geometry") -> pd.Series:
    if geometry_col not in df:
        return pd.Series(False, index=df.index)
    return df[geometry_col].notna() & (df[geometry_col].astype(str).str.len() > 0)


def has_point(df: pd.DataFrame) -> pd.Series:
    if "lon" not in df or "lat" not in df:
        return pd.Series(False, index=df.index)
    return df["lon"].notna() & df["lat"].notna()


def location_counts(df: pd.DataFrame) -> tuple[int, int]:
    """(located, unlocated) communities: located by a boundary, or at least by coordinates."""
    located = has_polygon(df) | has_point(df)
    return int(located.sum()), int((~located).sum())


def dot_labels(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Names of the communities drawn as dots (coordinates, no boundary)."""
    return df[has_point(df) & ~has_polygon(df)][["name", "lon", "lat"]].to_dict("records")


def point_layer(df: pd.DataFrame, props: Sequence[str], layer_id: str, *, radius_px: int = 8,
                line: Color | None = None) -> pdk.Layer | None:
    """Communities with coordinates but no boundary, as dots filled like the polygons (``fill``)."""
    rows = df[has_point(df) & ~has_polygon(df)]
    if not len(rows):
        return None
    cols = list(dict.fromkeys([*props, "lon", "lat"]))
    data = rows[cols].astype(object).where(rows[cols].notna(), None).to_dict("records")
    return pdk.Layer(
        "ScatterplotLayer", data=data, id=layer_id, get_position="[lon, lat]", get_fill_color="fill",
        get_radius=60, radius_min_pixels=radius_px, radius_max_pixels=radius_px * 3, stroked=True,
        get_line_color=line or [30, 41, 59], line_width_min_pixels=1.5, pickable=True, auto_highlight=True,
    )


def view_for(bounds: tuple[float, float, float, float], width_px: int = 1100, height_px: int = 620,
             pitch: float = 0.0) -> pdk.ViewState:
    """A view that fits the bounds (web-mercator zoom from the larger of the two spans)."""
    w, s, e, n = bounds
    # at least ~1 km across: one or two dots must not zoom the map to a street corner
    lon_span = max(e - w, 0.012)
    lat_span = max(n - s, 0.01)
    zoom_x = math.log2(360.0 * width_px / 512.0 / lon_span)
    lat_rad = math.radians((n + s) / 2)
    zoom_y = math.log2(360.0 * height_px / 512.0 / (lat_span / math.cos(lat_rad)))
    zoom = max(1.0, min(zoom_x, zoom_y) - 0.05)
    return pdk.ViewState(longitude=(w + e) / 2, latitude=(s + n) / 2, zoom=round(zoom, 2), pitch=pitch)


def outline_layer(district_geojson: str | None, *, dark: bool = False) -> list[pdk.Layer]:
    if not district_geojson:
        return []
    feature = {"type": "Feature", "geometry": json.loads(district_geojson), "properties": {}}
    return [pdk.Layer(
        "GeoJsonLayer", data={"type": "FeatureCollection", "features": [feature]}, id="district-outline",
        stroked=True, filled=True, get_fill_color=[30, 41, 59, 255] if dark else [241, 245, 249, 255],
        get_line_color=[148, 163, 184] if dark else [71, 85, 105], line_width_min_pixels=3, pickable=False,
    )]


def street_layers(streets: pd.DataFrame, *, dark: bool = False, label_size: int = 15) -> list[pdk.Layer]:
    """Street boundaries (thick lines, no fill) and street names as labels."""
    layers: list[pdk.Layer] = []
    if "geometry" in streets and streets["geometry"].notna().any():
        fc = feature_collection(streets, ["code", "name"])
        layers.append(pdk.Layer(
            "GeoJsonLayer", data=fc, id="street-boundaries", stroked=True, filled=False,
            get_line_color=[226, 232, 240, 230] if dark else [30, 41, 59, 220], line_width_min_pixels=2.5,
            pickable=False,
        ))
    labels = streets[["name", "lon", "lat"]].dropna().to_dict("records")
    layers.append(text_layer(labels, "street-labels", size=label_size, dark=dark, bold=True))
    return layers


def text_layer(rows: list[dict[str, Any]], layer_id: str, *, size: int = 14, dark: bool = False,
               bold: bool = False, size_units: str = "pixels", offset: list[int] | None = None) -> pdk.Layer:
    """Chinese labels: characterSet "auto" builds the glyph atlas from the data (CJK is dropped otherwise)."""
    return pdk.Layer(
        "TextLayer", data=rows, id=layer_id, get_position="[lon, lat]", get_text="name",
        get_size=size, size_units=f'"{size_units}"', character_set='"auto"', font_family=CJK_FONT,
        font_weight='"bold"' if bold else '"normal"',
        get_color=[241, 245, 249] if dark else [15, 23, 42],
        outline_width=3, outline_color=[15, 23, 42] if dark else [255, 255, 255],
        font_settings={"sdf": True}, get_text_anchor='"middle"', get_alignment_baseline='"center"',
        get_pixel_offset=offset or [0, 0], pickable=False,
    )


def choropleth_layer(fc: dict[str, Any], layer_id: str = "communities", *, line: Color | None = None,
                     opacity: int = 210) -> pdk.Layer:
    """Polygons filled with each feature's ``fill`` property ([r, g, b])."""
    return pdk.Layer(
        "GeoJsonLayer", data=fc, id=layer_id, stroked=True, filled=True, pickable=True, auto_highlight=True,
        get_fill_color=f"[properties.fill[0], properties.fill[1], properties.fill[2], {opacity}]",
        get_line_color=line or [255, 255, 255], line_width_min_pixels=0.8,
        highlight_color=[255, 255, 0, 120],
    )


def deck(layers: list[pdk.Layer], view: pdk.ViewState, tooltip: dict[str, Any] | None = None) -> pdk.Deck:
    """A deck with the offline or intranet basemap (never a public tile host)."""
    style = basemap_style()
    kwargs: dict[str, Any] = {"layers": layers, "initial_view_state": view, "tooltip": tooltip or False}
    if style:
        kwargs["map_style"] = style
    else:
        kwargs["map_provider"] = None  # with map_style unset: nothing is fetched (map_style=None means Carto!)
    return pdk.Deck(**kwargs)


# --- colour scales ----------------------------------------------------------------------------

RISK_COLORS: dict[str, Color] = {"low": [74, 163, 106], "medium": [242, 169, 59], "high": [214, 57, 48]}


def sequential(values: pd.Series, thresholds: Sequence[float], colors: Sequence[Color]) -> list[Color]:
    """Class each value by thresholds (len(colors) == len(thresholds) + 1)."""
    out = []
    for v in values.fillna(-math.inf):
        k = sum(v >= t for t in thresholds)
        out.append(list(colors[k]))
    return out


def diverging(values: pd.Series, limit: float) -> list[Color]:
    """Shortage (positive) red, surplus (negative) blue, balanced pale; clipped at ±limit."""
    out = []
    for v in values.fillna(0):
        x = max(-1.0, min(1.0, float(v) / limit)) if limit else 0.0
        if x >= 0:
            out.append([int(247 - 33 * x), int(247 - 190 * x), int(247 - 199 * x)])
        else:
            x = -x
            out.append([int(247 - 214 * x), int(247 - 145 * x), int(247 - 75 * x)])
    return out


# --- the overview map -------------------------------------------------------------------------

STAFF_PER_10K_THRESHOLDS = (60.0, 80.0, 100.0, 120.0)
STAFF_PER_10K_COLORS: list[Color] = [[189, 0, 38], [240, 59, 32], [253, 141, 60], [161, 217, 155], [49, 163, 84]]
INCIDENT_THRESHOLDS = (1.0, 2.0, 4.0)
INCIDENT_COLORS: list[Color] = [[241, 245, 249], [254, 217, 118], [253, 141, 60], [227, 26, 28]]


def overview_colors(df: pd.DataFrame, metric: str) -> list[Color]:
    if metric == "staff_per_10k":
        return sequential(df["staff_per_10k"], STAFF_PER_10K_THRESHOLDS, STAFF_PER_10K_COLORS)
    if metric == "open_incidents":
        return sequential(df["open_incidents"].astype(float), INCIDENT_THRESHOLDS, INCIDENT_COLORS)
    return [RISK_COLORS.get(r, [200, 200, 200]) for r in df["risk_level"]]


def overview_legend(metric: str, label: Any) -> list[tuple[Color, str]]:
    from dashboard.i18n import t

    if metric == "staff_per_10k":
        edges = ["<60", "60–80", "80–100", "100–120", "≥120"]
        return [(c, f"{e} {t('unit.per_10k')}") for c, e in zip(STAFF_PER_10K_COLORS, edges, strict=True)]
    if metric == "open_incidents":
        edges = ["0", "1", "2–3", "≥4"]
        return [(c, f"{e} {t('unit.items')}".strip()) for c, e in zip(INCIDENT_COLORS, edges, strict=True)]
    return [(RISK_COLORS[r], label("risk", r)) for r in ("low", "medium", "high")]


def overview_deck(data: Any, metric: str, lang_label: Any) -> pdk.Deck:
    """Community polygons coloured by ``metric``, street boundaries and names, tooltips in the UI language."""
    from dashboard.i18n import t

    df = data.communities.copy()
    df["fill"] = overview_colors(df, metric)
    df["risk"] = [lang_label("risk", r) for r in df["risk_level"]]
    props = ["code", "name", "street", "risk", "population", "staff_on_duty", "staff_per_10k",
             "volunteers_on_duty", "open_incidents", "isolated_households", "fill"]
    fc = feature_collection(df, props)
    layers = outline_layer(data.district.get("geometry"))
    layers.append(choropleth_layer(fc))
    dots = point_layer(df, props, "community-points")
    if dots is not None:  # located by coordinates only: a dot, named under it
        layers += [dots, text_layer(dot_labels(df), "community-point-labels", size=13, offset=[0, 22])]
    layers += street_layers(data.streets)
    tooltip = {
        "html": (
            "<b>{name}</b>（{street}）<br/>"
            f"{t('col.risk_level')}：{{risk}}<br/>"
            f"{t('col.population')}：{{population}} {t('unit.people')}<br/>"
            f"{t('overview.kpi.staff_on_duty')}：{{staff_on_duty}} {t('unit.people')}"
            f"（{{staff_per_10k}} {t('unit.per_10k')}）<br/>"
            f"{t('overview.kpi.volunteers')}：{{volunteers_on_duty}} {t('unit.people')}<br/>"
            f"{t('overview.kpi.open_incidents')}：{{open_incidents}} {t('unit.items')}<br/>"
            f"{t('overview.kpi.isolated')}：{{isolated_households}} {t('unit.households')}"
        ),
        "style": {"fontSize": "14px", "backgroundColor": "#0f172a", "color": "#f8fafc"},
    }
    view = view_for(bounds_of(df["lon"], df["lat"]))
    return deck(layers, view, tooltip)
