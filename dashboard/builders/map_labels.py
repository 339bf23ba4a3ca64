"""Map labels that never overlap, and the districts (区) of a city-wide map.

Which names the first view shows is decided here, in screen pixels: each label's box at the map's
initial zoom, taken greedily by importance (districts, then streets by shortage or size, then
communities); a label whose box would touch a taken one, or leave the map, waits. The waiting labels
go to one more layer that deck.gl's ``CollisionFilterExtension`` thins as the map is zoomed in; an
invisible circle around every shown label (and around every district of a city, covering its
streets) keeps them hidden in the first view, so the first view is exactly what was decided here.

Builders only: no ``st.``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pydeck as pdk

from dashboard.builders import maps
from dashboard.builders.maps import Frame

PAD_PX = 4  # free space kept between two labels
EDGE_PX = 4  # a label must lie this far inside the map's edge
COLLISION = [{"@@type": "CollisionFilterExtension"}]
TIERS = {"area-labels": 0, "street-labels": 1, "community-labels": 2, "community-point-labels": 2}
LABEL_COLUMNS = ["name", "lon", "lat", "priority", "size", "kind", "first", "dy", "tier"]


def _wide(ch: str) -> bool:
    return ord(ch) >= 0x2E80  # CJK, kana, full-width forms: one em each


def text_box(name: str, size: float) -> tuple[float, float]:
    """(width, height) in pixels of a label drawn at ``size`` px (Noto Sans CJK: CJK one em, Latin
    and digits about 0.6 em, plus the outline)."""
    width = sum(size * (1.0 if _wide(c) else 0.62) for c in str(name))
    return width + 6.0, size * 1.25 + 4.0


def labels(rows: pd.DataFrame, kind: str, size: int, priority: Any = 0.0, *, first: bool = True,
           dy: float = 0.0, tier: float | None = None) -> pd.DataFrame:
    """A label frame (LABEL_COLUMNS) from rows with name, lon, lat; rows without a position are dropped.
    ``first``: may be shown in the first view (else only once zoomed in); ``tier``: rank of the kind
    (default ``TIERS``: districts, streets, communities)."""
    if not len(rows):
        return pd.DataFrame(columns=LABEL_COLUMNS)
    df = pd.DataFrame({"name": rows["name"].astype(str).to_numpy(), "lon": pd.to_numeric(rows["lon"]).to_numpy(float),
                       "lat": pd.to_numeric(rows["lat"]).to_numpy(float)})
    df["priority"] = np.broadcast_to(np.asarray(priority, float), len(df)).copy()
    df["size"], df["kind"], df["first"], df["dy"] = int(size), kind, bool(first), float(dy)
    df["tier"] = float(TIERS.get(kind, 3) if tier is None else tier)
    return df[df["lon"].notna() & df["lat"].notna() & (df["name"] != "")].reset_index(drop=True)


def boxes(df: pd.DataFrame, view: pdk.ViewState, frame: Frame) -> np.ndarray:
    """(x0, y0, x1, y1) of every label in screen pixels at ``view``."""
    x, y = maps.to_screen(df["lon"], df["lat"], view, frame)
    wh = np.array([text_box(n, s) for n, s in zip(df["name"], df["size"], strict=True)]).reshape(-1, 2)
    y = y + df["dy"].to_numpy(float)
    return np.column_stack([x - wh[:, 0] / 2, y - wh[:, 1] / 2, x + wh[:, 0] / 2, y + wh[:, 1] / 2])


def order(df: pd.DataFrame) -> np.ndarray:
    """Greedy order: by tier (districts, streets, communities), inside a tier the most important first."""
    tier = df["tier"].to_numpy(float)
    return np.lexsort((np.arange(len(df)), -df["priority"].to_numpy(float), tier))


def nudge(df: pd.DataFrame, view: pdk.ViewState, frame: Frame) -> pd.DataFrame:
    """Labels whose anchor is on the map but whose box crosses its edge, moved inside (a street at the
    map's edge keeps its name, a little off its centre)."""
    if not len(df):
        return df
    b = boxes(df, view, frame)
    x, y = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2 - df["dy"].to_numpy(float)
    on = (x >= 0) & (x <= frame.width_px) & (y >= 0) & (y <= frame.height_px)
    lo_x, hi_x = EDGE_PX - b[:, 0], frame.width_px - EDGE_PX - b[:, 2]
    lo_y, hi_y = EDGE_PX - b[:, 1], frame.height_px - EDGE_PX - b[:, 3]
    sx = np.where(lo_x > 0, lo_x, np.where(hi_x < 0, hi_x, 0.0))
    sy = np.where(lo_y > 0, lo_y, np.where(hi_y < 0, hi_y, 0.0))
    move = on & ((sx != 0) | (sy != 0))
    if not move.any():
        return df
    lon, lat = maps.from_screen(x + sx, y + sy, view, frame)
    out = df.copy()
    out.loc[move, "lon"], out.loc[move, "lat"] = lon[move], lat[move]
    return out


def fit(df: pd.DataFrame, view: pdk.ViewState, frame: Frame, pad: float = PAD_PX) -> np.ndarray:
    """Which labels the first view shows (a boolean mask): greedy by ``order``, each box whole inside
    the map and clear of every box already taken by ``pad`` pixels (``nudge`` them in first)."""
    shown = np.zeros(len(df), dtype=bool)
    if not len(df):
        return shown
    b = boxes(df, view, frame)
    inside = ((b[:, 0] >= EDGE_PX) & (b[:, 1] >= EDGE_PX) & (b[:, 2] <= frame.width_px - EDGE_PX)
              & (b[:, 3] <= frame.height_px - EDGE_PX) & df["first"].to_numpy(bool))
    taken = np.empty((0, 4))
    for i in order(df):
        if not inside[i]:
            continue
        x0, y0, x1, y1 = b[i]
        if len(taken) and ((taken[:, 0] < x1 + pad) & (taken[:, 2] > x0 - pad)
                           & (taken[:, 1] < y1 + pad) & (taken[:, 3] > y0 - pad)).any():
            continue
        shown[i] = True
        taken = np.vstack([taken, b[i]])
    return shown


def _rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{"name": r.name, "lon": round(float(r.lon), 6), "lat": round(float(r.lat), 6), "size": int(r.size)}
            for r in df.itertuples(index=False)]


def layers(df: pd.DataFrame, view: pdk.ViewState, frame: Frame, *, dark: bool = False,
           occluders: pd.DataFrame | None = None, always: tuple[str, ...] = ("street-labels",)) -> list[pdk.Layer]:
    """One TextLayer per kind with the labels the first view shows (ids as the kinds; ``always`` kinds
    even when empty), then, when some wait, the invisible occluders and the layer of waiting labels."""
    df = nudge(df.reset_index(drop=True), view, frame)
    shown = fit(df, view, frame)
    out: list[pdk.Layer] = []
    kinds = list(dict.fromkeys([*always, *df["kind"].tolist()]))
    for kind in kinds:
        part = df[shown & (df["kind"] == kind).to_numpy()]
        if not len(part) and kind not in always:
            continue
        size = int(part["size"].iat[0]) if len(part) else 15
        offset = [0, int(part["dy"].iat[0])] if len(part) and part["dy"].iat[0] else None
        bold = bool(part["tier"].iat[0] <= 1) if len(part) else TIERS.get(kind, 3) <= 1
        out.append(maps.text_layer(_rows(part), kind, size=size, dark=dark, bold=bold, offset=offset))
    waiting = df[~shown & (df["dy"] == 0).to_numpy()]
    if len(waiting):
        out += _reveal_layers(df[shown], waiting, view, frame, dark=dark, occluders=occluders)
    return out


def _reveal_layers(shown: pd.DataFrame, waiting: pd.DataFrame, view: pdk.ViewState, frame: Frame, *,
                   dark: bool, occluders: pd.DataFrame | None) -> list[pdk.Layer]:
    """Circles (radius in pixels) around each shown label that cover the anchor of any label that could
    overlap it, and the waiting labels, thinned on the GPU by priority once zooming spreads them out."""
    wb = boxes(waiting, view, frame)
    half_w = float((wb[:, 2] - wb[:, 0]).max()) / 2 if len(wb) else 0.0
    half_h = float((wb[:, 3] - wb[:, 1]).max()) / 2 if len(wb) else 0.0
    sb = boxes(shown, view, frame)
    radius = np.hypot((sb[:, 2] - sb[:, 0]) / 2 + half_w + PAD_PX, (sb[:, 3] - sb[:, 1]) / 2 + half_h + PAD_PX)
    occ = [{"lon": round(float(lo), 6), "lat": round(float(la), 6), "r": round(float(r) + 2, 1)}
           for lo, la, r in zip(shown["lon"], shown["lat"], radius, strict=True)]
    if occluders is not None and len(occluders):
        occ += [{"lon": round(float(r.lon), 6), "lat": round(float(r.lat), 6), "r": round(float(r.r), 1)}
                for r in occluders.itertuples(index=False)]
    ranked = waiting.iloc[order(waiting)]
    rows = _rows(ranked)
    for i, row in enumerate(rows):  # in [-990, 900]: within a few units of the occluders' 1000 deck.gl
        row["p"] = round(900 - i * 1890 / max(len(rows), 1), 2)  # loses the order (seen in Chromium)
    text = maps.text_layer(rows, "labels-more", size="size", dark=dark, bold=True, extensions=COLLISION,
                           collision_group='"labels"', get_collision_priority="p",
                           collision_test_props={"sizeScale": 2.2})
    # deck.gl tells objects apart in its collision map by their index in their layer: an occluder with
    # the index of a waiting label would let that label through, so the occluders come after as many
    # empty circles as there are waiting labels (seen in Chromium: the label under occluder k showed)
    if not occ:
        return [text]
    occ = [{"lon": occ[0]["lon"], "lat": occ[0]["lat"], "r": 0}] * len(rows) + occ
    hide = pdk.Layer("ScatterplotLayer", data=occ, id="label-occluders", get_position="[lon, lat]", get_radius="r",
                     radius_units='"pixels"', get_fill_color=[0, 0, 0, 0], stroked=False, pickable=False,
                     extensions=COLLISION, collision_group='"labels"', get_collision_priority=1000)
    return [hide, text]


# --- districts (区) of a city-wide map ------------------------------------------------------------


@lru_cache(maxsize=8)
def _areas(codes: tuple[str, ...], geoms: tuple[str | None, ...], lons: tuple[float, ...],
           lats: tuple[float, ...]) -> pd.DataFrame:
    from shapely import union_all
    from shapely.geometry import mapping, shape

    from core.services.importer.national_codes import county_names

    names = county_names()
    df = pd.DataFrame({"code": codes, "geometry": geoms, "lon": lons, "lat": lats})
    rows = []
    for code, grp in df.groupby(df["code"].str[:6], sort=True):
        polys = [shape(json.loads(g)) for g in grp["geometry"] if isinstance(g, str) and g]
        geom = union_all([p.buffer(0.0004) for p in polys]).buffer(-0.0004).simplify(0.0008) if polys else None
        if geom is not None and not geom.is_empty:
            pt = geom.representative_point()
            lon, lat, text = pt.x, pt.y, json.dumps(mapping(geom))
        else:
            lon, lat, text = float(grp["lon"].mean()), float(grp["lat"].mean()), None
        rows.append({"code": code, "name": names.get(str(code), str(code)), "lon": lon, "lat": lat,
                     "geometry": text, "n_streets": len(grp)})
    return pd.DataFrame(rows)


def areas_of(streets: pd.DataFrame) -> pd.DataFrame:
    """The districts (区/县) of a map whose streets lie in more than one: streets grouped by the first
    6 digits of their national code (统计用区划代码), outlined by the union of their boundaries, named
    from the shipped county list. Empty for a single district or streets without national codes."""
    codes = streets["code"].astype(str) if "code" in streets else pd.Series(dtype=str)
    if len(codes) < 2 or not codes.str.fullmatch(r"\d{9}").all() or codes.str[:6].nunique() < 2:
        return pd.DataFrame(columns=["code", "name", "lon", "lat", "geometry", "n_streets"])
    geoms = tuple(g if isinstance(g, str) else None for g in streets.get("geometry", [None] * len(streets)))
    return _areas(tuple(codes), geoms, tuple(pd.to_numeric(streets["lon"]).astype(float)),
                  tuple(pd.to_numeric(streets["lat"]).astype(float))).copy()


def area_occluders(areas: pd.DataFrame, streets: pd.DataFrame, view: pdk.ViewState, frame: Frame) -> pd.DataFrame:
    """Around each district's label, a circle (pixels at ``view``) reaching its farthest street name:
    street names stay hidden in the city-wide first view and come back as the map is zoomed in."""
    if not len(areas):
        return pd.DataFrame(columns=["lon", "lat", "r"])
    sx, sy = maps.to_screen(streets["lon"], streets["lat"], view, frame)
    ax, ay = maps.to_screen(areas["lon"], areas["lat"], view, frame)
    area_of = streets["code"].astype(str).str[:6].to_numpy()
    r = []
    for code, x, y in zip(areas["code"], ax, ay, strict=True):
        mine = area_of == code
        far = float(np.hypot(sx[mine] - x, sy[mine] - y).max()) if mine.any() else 0.0
        r.append(far + 12.0)
    return pd.DataFrame({"lon": areas["lon"], "lat": areas["lat"], "r": r})


def area_outline_layer(areas: pd.DataFrame, *, dark: bool = False) -> pdk.Layer:
    """The districts' borders, drawn over the street borders."""
    shaped = areas[areas["geometry"].notna()]
    fc = maps.feature_collection(shaped, ["code", "name"])
    return pdk.Layer("GeoJsonLayer", data=fc, id="area-outlines", stroked=True, filled=False,
                     get_line_color=[241, 245, 249, 255] if dark else [15, 23, 42, 255], line_width_min_pixels=3,
                     pickable=False)
