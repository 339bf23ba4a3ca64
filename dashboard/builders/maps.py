"""Map builders: return ``pdk.Deck`` objects and never call ``st.``.

Offline by default: ``map_provider=None`` and no style, so the browser fetches nothing; the district
outline, street boundaries and Chinese labels are the "basemap". A district with an intranet tile
server sets ``FANGXIAN_BASEMAP_STYLE`` to the absolute URL of a Mapbox-GL ``style.json``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

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
Bounds = tuple[float, float, float, float]
TILE_PX = 512.0  # deck.gl's web-mercator world is 512 px wide at zoom 0
MARGIN_PX = 24  # room left around the shapes in the first view


@dataclass(frozen=True)
class Frame:
    """The pixel size a map is drawn at (on the page at 1920 × 1080, or on the wall)."""

    width_px: int
    height_px: int


def bounds_of(lon: pd.Series, lat: pd.Series) -> tuple[float, float, float, float]:
    """The box around the located points (rows without coordinates are left out; none: ``DEFAULT_BOUNDS``)."""
    return points_bounds(lon, lat) or DEFAULT_BOUNDS


def points_bounds(lon: Any, lat: Any) -> Bounds | None:
    x = pd.to_numeric(pd.Series(lon), errors="coerce").to_numpy(float)
    y = pd.to_numeric(pd.Series(lat), errors="coerce").to_numpy(float)
    ok = ~(np.isnan(x) | np.isnan(y))
    if not ok.any():
        return None
    return float(x[ok].min()), float(y[ok].min()), float(x[ok].max()), float(y[ok].max())


def geometry_bounds(geoms: Iterable[Any]) -> Bounds | None:
    """The box around GeoJSON geometries (text or dict; None and NaN skipped); None when there are none."""
    import shapely

    texts = [g if isinstance(g, str) else json.dumps(g) for g in geoms if isinstance(g, (str, dict)) and g]
    if not texts:
        return None
    shapes = shapely.from_geojson(np.array(texts, dtype=object), on_invalid="ignore")
    box = shapely.total_bounds(shapes)
    if np.isnan(box).any():
        return None
    return float(box[0]), float(box[1]), float(box[2]), float(box[3])


def union_bounds(*boxes: Bounds | None) -> Bounds | None:
    real = [b for b in boxes if b is not None]
    if not real:
        return None
    b = np.array(real)
    return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())


def shapes_bounds(df: pd.DataFrame, geometry_col: str = "geometry") -> Bounds | None:
    """The box around what a map draws of these rows: each polygon where it has one, else its dot."""
    poly = has_polygon(df, geometry_col)
    dots = has_point(df) & ~poly
    return union_bounds(geometry_bounds(df.loc[poly, geometry_col]) if poly.any() else None,
                        points_bounds(df.loc[dots, "lon"], df.loc[dots, "lat"]) if dots.any() else None)


def _merc(lat: Any) -> Any:
    return np.log(np.tan(np.pi / 4 + np.radians(np.clip(lat, -85.05, 85.05)) / 2))


def fit_view(bounds: Bounds | None, frame: Frame, *, margin_px: int = MARGIN_PX, pitch: float = 0.0,
             max_zoom: float = 17.0) -> pdk.ViewState:
    """The view (centre and zoom) that shows ``bounds`` whole in a map of ``frame``'s pixel size, with
    ``margin_px`` to spare on every side (web mercator, as deck.gl draws it)."""
    w, s, e, n = bounds or DEFAULT_BOUNDS
    cx, cy = (w + e) / 2, (_merc(s) + _merc(n)) / 2
    # at least ~1 km across: one or two dots must not zoom the map to a street corner
    dx = max(e - w, 0.012) / 360.0
    dy = max(float(_merc(n) - _merc(s)), math.radians(0.01)) / (2 * math.pi)
    room_x = max(frame.width_px - 2 * margin_px, 32)
    room_y = max(frame.height_px - 2 * margin_px, 32)
    zoom = math.log2(min(room_x / (dx * TILE_PX), room_y / (dy * TILE_PX)))
    zoom = max(1.0, min(max_zoom, math.floor(zoom * 100) / 100))  # floor: rounding up could clip
    lat = math.degrees(2 * math.atan(math.exp(cy)) - math.pi / 2)
    return pdk.ViewState(longitude=round(cx, 6), latitude=round(lat, 6), zoom=zoom, pitch=pitch)


def to_screen(lon: Any, lat: Any, view: pdk.ViewState, frame: Frame) -> tuple[np.ndarray, np.ndarray]:
    """Pixel positions (x right, y down) of points in the view, as deck.gl places them."""
    k = TILE_PX * 2.0 ** float(view.zoom)
    x = (np.asarray(lon, float) - float(view.longitude)) / 360.0 * k + frame.width_px / 2
    y = -(_merc(np.asarray(lat, float)) - _merc(float(view.latitude))) / (2 * np.pi) * k + frame.height_px / 2
    return x, y


def from_screen(x: Any, y: Any, view: pdk.ViewState, frame: Frame) -> tuple[np.ndarray, np.ndarray]:
    """The inverse of ``to_screen``: (lon, lat) of pixel positions in the view."""
    k = TILE_PX * 2.0 ** float(view.zoom)
    lon = (np.asarray(x, float) - frame.width_px / 2) / k * 360.0 + float(view.longitude)
    my = _merc(float(view.latitude)) - (np.asarray(y, float) - frame.height_px / 2) / k * (2 * np.pi)
    return lon, np.degrees(2 * np.arctan(np.exp(my)) - np.pi / 2)


def view_for(bounds: tuple[float, float, float, float], width_px: int = 1100, height_px: int = 620,
             pitch: float = 0.0) -> pdk.ViewState:
    """A view that fits the bounds in a map of ``width_px`` × ``height_px`` (see ``fit_view``)."""
    return fit_view(bounds, Frame(width_px, height_px), pitch=pitch)


def district_bounds(geometry: Any, shown: pd.DataFrame | None = None) -> Bounds | None:
    """The box around the district as drawn (its outline, else its streets' or communities' shapes, else
    its street points) and whatever else the map shows (``shown``: rows with a geometry or lon/lat)."""
    streets = geometry.streets
    # the first of: the outline, the streets' shapes, the communities' shapes, the street points
    box = geometry_bounds([geometry.district.get("geometry")])
    if box is None and "geometry" in streets:
        box = geometry_bounds(streets["geometry"])
    if box is None and "geometry" in geometry.communities:
        box = shapes_bounds(geometry.communities)
    if box is None and {"lon", "lat"} <= set(streets):
        box = points_bounds(streets["lon"], streets["lat"])
    parts = [box]
    if shown is not None and len(shown):
        parts.append(shapes_bounds(shown) if "geometry" in shown else points_bounds(shown["lon"], shown["lat"]))
    return union_bounds(*parts)


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


def outline_layer(district_geojson: str | None, *, dark: bool = False) -> list[pdk.Layer]:
    if not district_geojson:
        return []
    feature = {"type": "Feature", "geometry": json.loads(district_geojson), "properties": {}}
    return [pdk.Layer(
        "GeoJsonLayer", data={"type": "FeatureCollection", "features": [feature]}, id="district-outline",
        stroked=True, filled=True, get_fill_color=[30, 41, 59, 255] if dark else [241, 245, 249, 255],
        get_line_color=[148, 163, 184] if dark else [71, 85, 105], line_width_min_pixels=3, pickable=False,
    )]


def street_boundaries(streets: pd.DataFrame, *, dark: bool = False) -> list[pdk.Layer]:
    """Street boundaries (lines, no fill); on a map of several districts (区) thinner, with the
    districts' borders over them."""
    from dashboard.builders import map_labels

    layers: list[pdk.Layer] = []
    areas = map_labels.areas_of(streets)
    city = len(areas) > 0
    if "geometry" in streets and streets["geometry"].notna().any():
        fc = feature_collection(streets, ["code", "name"])
        colour = ([148, 163, 184, 200] if city else [226, 232, 240, 230]) if dark else (
            [100, 116, 139, 170] if city else [30, 41, 59, 220])
        layers.append(pdk.Layer(
            "GeoJsonLayer", data=fc, id="street-boundaries", stroked=True, filled=False,
            get_line_color=colour, line_width_min_pixels=1 if city else 2.5, pickable=False,
        ))
    if city and areas["geometry"].notna().any():
        layers.append(map_labels.area_outline_layer(areas, dark=dark))
    return layers


def street_labels(streets: pd.DataFrame, view: pdk.ViewState, frame: Frame, *, dark: bool = False,
                  size: int = 15, priority: pd.Series | None = None,
                  extra: pd.DataFrame | None = None) -> list[pdk.Layer]:
    """Street names (and ``extra`` labels, a ``map_labels.labels`` frame) thinned so that none overlap
    in the first view; on a map of several districts the districts' names instead, street names once
    zoomed in. ``priority``: importance of each street by code (e.g. its shortage); else its size."""
    from dashboard.builders import map_labels

    located = streets.dropna(subset=["lon", "lat"]) if {"lon", "lat"} <= set(streets) else streets.iloc[0:0]
    if priority is not None:
        weight = located["code"].map(priority).fillna(0).astype(float).to_numpy()
    else:
        weight = np.array([_area(g) for g in located.get("geometry", pd.Series([None] * len(located)))])
    areas = map_labels.areas_of(streets)
    city = len(areas) > 0
    parts = [map_labels.labels(located, "street-labels", size, weight, first=not city)]
    occluders = None
    if city:
        parts.insert(0, map_labels.labels(areas, "area-labels", size + 5, areas["n_streets"].to_numpy(float)))
        occluders = map_labels.area_occluders(areas, located, view, frame)
    if extra is not None and len(extra):
        parts.append(extra)
    df = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else parts[0]
    return map_labels.layers(df, view, frame, dark=dark, occluders=occluders)


def _area(geom: Any) -> float:
    b = geometry_bounds([geom]) if isinstance(geom, str) else None
    return 0.0 if b is None else (b[2] - b[0]) * (b[3] - b[1])


def street_layers(streets: pd.DataFrame, view: pdk.ViewState, frame: Frame, *, dark: bool = False,
                  label_size: int = 15, priority: pd.Series | None = None,
                  extra: pd.DataFrame | None = None) -> list[pdk.Layer]:
    """Street (and district) boundaries, then the names that fit (see ``street_labels``)."""
    return street_boundaries(streets, dark=dark) + street_labels(
        streets, view, frame, dark=dark, size=label_size, priority=priority, extra=extra)


def text_layer(rows: list[dict[str, Any]], layer_id: str, *, size: int | str = 14, dark: bool = False,
               bold: bool = False, size_units: str = "pixels", offset: list[int] | None = None,
               **extra: Any) -> pdk.Layer:
    """Chinese labels: characterSet "auto" builds the glyph atlas from the data (CJK is dropped otherwise).
    ``size``: pixels, or the name of a row field holding them."""
    return pdk.Layer(
        "TextLayer", data=rows, id=layer_id, get_position="[lon, lat]", get_text="name",
        get_size=size, size_units=f'"{size_units}"', character_set='"auto"', font_family=CJK_FONT,
        font_weight='"bold"' if bold else '"normal"',
        get_color=[241, 245, 249] if dark else [15, 23, 42],
        outline_width=3, outline_color=[15, 23, 42] if dark else [255, 255, 255],
        font_settings={"sdf": True}, get_text_anchor='"middle"', get_alignment_baseline='"center"',
        get_pixel_offset=offset or [0, 0], pickable=False, **extra,
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


class CompactDeck(pdk.Deck):  # type: ignore[misc]
    """A deck whose JSON is compact: pydeck indents it by two spaces and escapes every Chinese character
    (``\\u4ec1``), which made two thirds of a city map's payload whitespace and escapes (3.6 MB -> 1.0 MB
    for the city overview). Same keys, same order, same values."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"), ensure_ascii=False)


class FrozenDeck:
    """A built deck's JSON, kept: what ``st.pydeck_chart`` needs of a deck (``to_json`` and the optional
    ``mapbox_key``/``deck_widget``), for a map shown again unchanged (the wall's every tick, on every screen)."""

    def __init__(self, built: pdk.Deck) -> None:
        self._json = built.to_json()
        self.mapbox_key = getattr(built, "mapbox_key", None)
        self.deck_widget = getattr(built, "deck_widget", None)

    def to_json(self) -> str:
        return self._json


class DeckMemo:
    """The last few decks built from the same objects and settings (compared by identity: shared cached
    reads give every screen the same objects until the data changes)."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._items: dict[tuple[Any, ...], tuple[tuple[Any, ...], FrozenDeck]] = {}

    def get(self, sources: tuple[Any, ...], settings: tuple[Any, ...], build: Any) -> FrozenDeck:
        key = (*(id(s) for s in sources), *settings)
        hit = self._items.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], sources, strict=True)):
            return hit[1]
        made = FrozenDeck(build())
        self._items[key] = (sources, made)  # the sources are held, so their ids are not reused meanwhile
        while len(self._items) > self.size:
            self._items.pop(next(iter(self._items)))
        return made


def deck(layers: list[pdk.Layer], view: pdk.ViewState, tooltip: dict[str, Any] | None = None) -> pdk.Deck:
    """A deck with the offline or intranet basemap (never a public tile host)."""
    style = basemap_style()
    kwargs: dict[str, Any] = {"layers": layers, "initial_view_state": view, "tooltip": tooltip or False}
    if style:
        kwargs["map_style"] = style
    else:
        kwargs["map_provider"] = None  # with map_style unset: nothing is fetched (map_style=None means Carto!)
    return CompactDeck(**kwargs)


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


OVERVIEW_FRAME = Frame(980, 620)  # the overview page's map at 1920 × 1080


def street_sum(df: pd.DataFrame, column: str) -> pd.Series | None:
    """``column`` summed per street code: the importance of each street's name on a map."""
    if "street_code" not in df or column not in df:
        return None
    return df.groupby("street_code")[column].sum(min_count=1).astype(float)


def dot_label_frame(df: pd.DataFrame, size: int = 13, dy: int = 22) -> pd.DataFrame | None:
    """Names of the communities drawn as dots (coordinates, no boundary), under their dots."""
    from dashboard.builders import map_labels

    rows = df[has_point(df) & ~has_polygon(df)]
    if not len(rows):
        return None
    return map_labels.labels(rows, "community-point-labels", size, dy=dy)


def overview_deck(data: Any, metric: str, lang_label: Any) -> pdk.Deck:
    """Community polygons coloured by ``metric``, street boundaries and names, tooltips in the UI language."""
    from dashboard.i18n import t

    df = data.communities.copy()
    df["fill"] = overview_colors(df, metric)
    df["risk"] = [lang_label("risk", r) for r in df["risk_level"]]
    props = ["code", "name", "street", "risk", "population", "staff_on_duty", "staff_per_10k",
             "volunteers_on_duty", "open_incidents", "isolated_households", "fill"]
    fc = feature_collection(df, props)
    frame = OVERVIEW_FRAME
    view = fit_view(shapes_bounds(df) or points_bounds(data.streets.get("lon"), data.streets.get("lat")), frame)
    layers = outline_layer(data.district.get("geometry"))
    layers.append(choropleth_layer(fc))
    dots = point_layer(df, props, "community-points")
    if dots is not None:  # located by coordinates only: a dot, named under it
        layers.append(dots)
    layers += street_layers(data.streets, view, frame, priority=street_sum(df, "population"),
                            extra=dot_label_frame(df))
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
    return deck(layers, view, tooltip)
