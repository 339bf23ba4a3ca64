"""Map of a suggested plan: communities shaded by the gap before the plan, one line per community →
community flow (width by the number of people), dots where people leave and arrive.

Two colours only, one meaning each, and far apart for every kind of colour vision (blue and red of
the diverging gap scale): blue is surplus, where people leave; red is short, where they arrive.
Builders return ``pdk.Deck`` and never call ``st.``; they reuse dashboard/builders/maps.py (offline basemap).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pydeck as pdk

from dashboard.builders import maps
from dashboard.i18n import t

FROM_COLOR = [33, 102, 172]  # blue: surplus, people leave
TO_COLOR = [178, 24, 43]  # red: short, people arrive
OUT_COLOR, IN_COLOR = FROM_COLOR, TO_COLOR  # the names the pages used
PLAN_FRAME = maps.Frame(770, 600)  # the plan page's map at 1920 × 1080
PICK_FRAME = maps.Frame(515, 460)  # the reassignment page's picking map
FILL_OPACITY = 95  # pale polygons: the flows on top must stand out


def legend_items() -> list[tuple[list[int], str]]:
    """The plan map's legend: the two colours and what each means (line width: people, in the caption)."""
    return [(FROM_COLOR, t("maps15.plan.from")), (TO_COLOR, t("maps15.plan.to"))]


def gap_after(gap_comm: pd.DataFrame, flows: pd.DataFrame) -> pd.Series:
    """Each community's gap (required − available) after the community flows."""
    delta = pd.Series(0, index=gap_comm["community_id"].to_numpy(), dtype="int64")
    if len(flows):
        delta = delta.sub(flows.groupby("from_community_id")["n"].sum(), fill_value=0)
        delta = delta.add(flows.groupby("to_community_id")["n"].sum(), fill_value=0)
    gap = gap_comm["gap"].to_numpy() - delta.reindex(gap_comm["community_id"]).fillna(0).to_numpy()
    return pd.Series(gap.astype(np.int64), index=gap_comm.index)


def flow_width(n: Any) -> np.ndarray:
    """Line width in pixels for ``n`` people: grows with the square root, 2 px for one, at most 10."""
    return np.clip(1.0 + 1.0 * np.sqrt(np.asarray(n, float)), 2.0, 10.0).round(1)


def arc_rows(gap_comm: pd.DataFrame, flows: pd.DataFrame) -> list[dict[str, Any]]:
    """One row per from → to community pair (the people of every flow between them summed), the
    widest last so that it is drawn on top."""
    if not len(flows):
        return []
    c = gap_comm.set_index("community_id")
    f = flows.assign(nkm=flows["n"] * flows["km"].astype(float))
    pairs = f.groupby(["from_community_id", "to_community_id"], as_index=False).agg(n=("n", "sum"), nkm=("nkm", "sum"))
    pairs = pairs[pairs["from_community_id"].isin(c.index) & pairs["to_community_id"].isin(c.index)]
    pairs = pairs.assign(km=(pairs["nkm"] / pairs["n"].where(pairs["n"] > 0)).fillna(0).round(1),
                         w=flow_width(pairs["n"])).sort_values(["n", "from_community_id"], kind="stable")
    # one vectorised lookup per column (a per-row ``c.at`` was 57 s for a province plan of 240,000 pairs)
    fi, ti = c.index.get_indexer(pairs["from_community_id"]), c.index.get_indexer(pairs["to_community_id"])
    lon, lat, name = c["lon"].to_numpy(float), c["lat"].to_numpy(float), c["name"].astype(str).to_numpy()
    keep = ~np.isnan(lon[fi]) & ~np.isnan(lon[ti])
    fi, ti = fi[keep], ti[keep]
    n, km, w = (pairs[k].to_numpy()[keep] for k in ("n", "km", "w"))
    return [{"from": [a_lon, a_lat], "to": [b_lon, b_lat], "n": int(nn), "km": float(kk), "w": float(ww),
             "wc": float(ww) + 2.0, "from_name": a_name, "to_name": b_name}
            for a_lon, a_lat, b_lon, b_lat, nn, kk, ww, a_name, b_name in zip(
                lon[fi].tolist(), lat[fi].tolist(), lon[ti].tolist(), lat[ti].tolist(), n, km, w,
                name[fi].tolist(), name[ti].tolist(), strict=True)]


def end_rows(gap_comm: pd.DataFrame, flows: pd.DataFrame) -> list[dict[str, Any]]:
    """A dot per community that sends or receives people (blue: sends, red: receives), sized by them."""
    if not len(flows):
        return []
    c = gap_comm.set_index("community_id")
    out = flows.groupby("from_community_id")["n"].sum()
    inn = flows.groupby("to_community_id")["n"].sum()
    lon, lat = c["lon"].to_numpy(float), c["lat"].to_numpy(float)
    rows = []
    for side, counts, colour in (("out", out, FROM_COLOR), ("in", inn, TO_COLOR)):
        at = c.index.get_indexer(counts.index)
        ok = at >= 0
        ok[ok] = ~np.isnan(lon[at[ok]])
        radius = np.clip(2 + 0.9 * np.sqrt(counts.to_numpy(float)[ok]), 3, 9)
        rows += [{"lon": x, "lat": y, "side": side, "r": r, "fill": colour + [255]}
                 for x, y, r in zip(lon[at[ok]].tolist(), lat[at[ok]].tolist(), radius.tolist(), strict=True)]
    return rows


def _polygons(gap_comm: pd.DataFrame, geometry: Any, gap: pd.Series) -> pd.DataFrame:
    df = gap_comm.assign(gap_shown=gap.to_numpy())
    df = df.merge(geometry.communities[["community_id", "geometry"]], on="community_id", how="inner")
    df["fill"] = maps.diverging(df["gap_shown"].astype(float), 30.0)
    df["gap_txt"] = [(t("gaps.short_n", n=int(g)) if g > 0 else t("gaps.surplus_n", n=int(-g)) if g < 0
                      else t("gaps.legend.balanced")) for g in df["gap_shown"]]
    return df


def _view(df: pd.DataFrame, frame: maps.Frame) -> pdk.ViewState:
    return maps.fit_view(maps.shapes_bounds(df), frame)


TIP_STYLE = {"fontSize": "14px", "backgroundColor": "#0f172a", "color": "#f8fafc"}


def plan_deck(gap_comm: pd.DataFrame, geometry: Any, flows: pd.DataFrame, *,
              frame: maps.Frame = PLAN_FRAME) -> pdk.Deck:
    """Pale polygons by the gap before the plan (red short, blue surplus), one line per community pair
    (blue where people leave, red where they arrive; width: people), street names on top."""
    df = _polygons(gap_comm, geometry, gap_comm["gap"])
    view = _view(df, frame)
    layers = maps.outline_layer(geometry.district.get("geometry"))
    fc = maps.feature_collection(df, ["code", "name", "gap_txt", "fill"])
    layers.append(maps.choropleth_layer(fc, "plan-communities", opacity=FILL_OPACITY))
    dots = maps.point_layer(df, ["code", "name", "gap_txt", "fill"], "plan-points")  # coordinates only
    if dots is not None:
        layers.append(dots)
    streets = geometry.streets[geometry.streets["code"].isin(df["street_code"])]
    layers += maps.street_boundaries(streets)
    arcs = arc_rows(gap_comm, flows)
    # arcs laid flat on the map (tilt 90°): each pair a gentle curve, always bending the same way, so a
    # line out and a line back, or two lines from one place, stay apart where straight lines would merge
    flat = {"get_source_position": "from", "get_target_position": "to", "width_units": '"pixels"',
            "get_height": 0.25, "get_tilt": 90, "great_circle": False}
    layers.append(pdk.Layer("ArcLayer", data=arcs, id="plan-arcs-casing", get_source_color=[255, 255, 255, 230],
                            get_target_color=[255, 255, 255, 230], get_width="wc", pickable=False, **flat))
    layers.append(pdk.Layer("ArcLayer", data=arcs, id="plan-arcs", get_source_color=FROM_COLOR + [255],
                            get_target_color=TO_COLOR + [255], get_width="w", pickable=True, auto_highlight=True,
                            highlight_color=[250, 204, 21, 255], **flat))
    layers.append(pdk.Layer("ScatterplotLayer", data=end_rows(gap_comm, flows), id="plan-ends",
                            get_position="[lon, lat]", get_radius="r", radius_units='"pixels"', get_fill_color="fill",
                            stroked=True, get_line_color=[255, 255, 255], line_width_min_pixels=1.5, pickable=False))
    short = "shortage" if "shortage" in df else "gap"
    layers += maps.street_labels(streets, view, frame, priority=maps.street_sum(df, short))
    return maps.deck(layers, view, {"html": t("plan.tip"), "style": TIP_STYLE})


def pick_deck(gap_comm: pd.DataFrame, geometry: Any, target_id: int | None, *,
              frame: maps.Frame = PICK_FRAME) -> pdk.Deck:
    """The coordinator's picking map: communities by gap (layer id "communities", clickable), the
    picked community outlined."""
    df = _polygons(gap_comm, geometry, gap_comm["gap"])
    view = _view(df, frame)
    layers = maps.outline_layer(geometry.district.get("geometry"))
    fc = maps.feature_collection(df, ["code", "name", "street", "gap_txt", "fill"])
    layers.append(maps.choropleth_layer(fc, "communities", opacity=200))
    dots = maps.point_layer(df, ["code", "name", "street", "gap_txt", "fill"], "community-points")
    if dots is not None:
        layers.append(dots)
    picked = df[df["community_id"] == target_id]
    if len(picked):
        layers.append(pdk.Layer(
            "GeoJsonLayer", data=maps.feature_collection(picked, ["code"]), id="picked", stroked=True, filled=False,
            get_line_color=[250, 204, 21], line_width_min_pixels=4, pickable=False))
    streets = geometry.streets[geometry.streets["code"].isin(df["street_code"])]
    short = "shortage" if "shortage" in df else "gap"
    layers += maps.street_layers(streets, view, frame, label_size=13, priority=maps.street_sum(df, short))
    tip = {"html": "<b>{name}</b>（{street}）<br/>{gap_txt}", "style": TIP_STYLE}
    return maps.deck(layers, view, tip)
