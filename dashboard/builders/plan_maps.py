"""Map of a suggested plan: community polygons coloured by the gap after the plan, arcs from → to.

Builders return ``pdk.Deck`` and never call ``st.``; they reuse dashboard/builders/maps.py (offline basemap).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pydeck as pdk

from dashboard.builders import maps
from dashboard.i18n import t

OUT_COLOR = [37, 99, 235]  # blue: where people leave
IN_COLOR = [220, 38, 38]  # red: where they arrive


def gap_after(gap_comm: pd.DataFrame, flows: pd.DataFrame) -> pd.Series:
    """Each community's gap (required − available) after the community flows."""
    delta = pd.Series(0, index=gap_comm["community_id"].to_numpy(), dtype="int64")
    if len(flows):
        delta = delta.sub(flows.groupby("from_community_id")["n"].sum(), fill_value=0)
        delta = delta.add(flows.groupby("to_community_id")["n"].sum(), fill_value=0)
    gap = gap_comm["gap"].to_numpy() - delta.reindex(gap_comm["community_id"]).fillna(0).to_numpy()
    return pd.Series(gap.astype(np.int64), index=gap_comm.index)


def arc_rows(gap_comm: pd.DataFrame, flows: pd.DataFrame) -> list[dict[str, Any]]:
    c = gap_comm.set_index("community_id")
    if not len(flows):
        return []
    f = flows.assign(
        from_name=flows["from_community_id"].map(c["name"]), to_name=flows["to_community_id"].map(c["name"]),
        from_lon=flows["from_community_id"].map(c["lon"]), from_lat=flows["from_community_id"].map(c["lat"]),
        to_lon=flows["to_community_id"].map(c["lon"]), to_lat=flows["to_community_id"].map(c["lat"]),
    )
    f["km"] = f["km"].astype(float).round(1)
    return [{"from": [r.from_lon, r.from_lat], "to": [r.to_lon, r.to_lat], "n": int(r.n), "km": float(r.km),
             "w": float(min(6.0, 1.0 + 0.5 * r.n)), "from_name": r.from_name, "to_name": r.to_name}
            for r in f.itertuples()]


def _polygons(gap_comm: pd.DataFrame, geometry: Any, gap: pd.Series) -> pd.DataFrame:
    df = gap_comm.assign(gap_shown=gap.to_numpy())
    df = df.merge(geometry.communities[["community_id", "geometry"]], on="community_id", how="inner")
    df["fill"] = maps.diverging(df["gap_shown"].astype(float), 30.0)
    df["gap_txt"] = [(t("gaps.short_n", n=int(g)) if g > 0 else t("gaps.surplus_n", n=int(-g)) if g < 0
                      else t("gaps.legend.balanced")) for g in df["gap_shown"]]
    return df


def _view(gap_comm: pd.DataFrame, width_px: int, height_px: int) -> pdk.ViewState:
    lon, lat = gap_comm["lon"].dropna(), gap_comm["lat"].dropna()
    bounds = maps.bounds_of(lon, lat) if len(lon) else (114.25, 30.55, 114.35, 30.65)
    return maps.view_for(bounds, width_px=width_px, height_px=height_px)


TIP_STYLE = {"fontSize": "14px", "backgroundColor": "#0f172a", "color": "#f8fafc"}


def plan_deck(gap_comm: pd.DataFrame, geometry: Any, flows: pd.DataFrame, *, width_px: int = 780,
              height_px: int = 600) -> pdk.Deck:
    """Polygons by the gap before the plan (red short, blue surplus), one arc per flow (blue end: out,
    red end: in), street names on top."""
    df = _polygons(gap_comm, geometry, gap_comm["gap"])
    layers = maps.outline_layer(geometry.district.get("geometry"))
    fc = maps.feature_collection(df, ["code", "name", "gap_txt", "fill"])
    layers.append(maps.choropleth_layer(fc, "plan-communities", opacity=150))
    dots = maps.point_layer(df, ["code", "name", "gap_txt", "fill"], "plan-points")  # coordinates only
    if dots is not None:
        layers.append(dots)
    arcs = arc_rows(gap_comm, flows)
    layers.append(pdk.Layer(
        "ArcLayer", data=arcs, id="plan-arcs", get_source_position="from", get_target_position="to",
        get_source_color=OUT_COLOR + [235], get_target_color=IN_COLOR + [235], get_width="w",
        width_units='"pixels"', get_height=0.2, great_circle=False, pickable=True, auto_highlight=True,
    ))
    streets = geometry.streets[geometry.streets["code"].isin(df["street_code"])]
    layers += maps.street_layers(streets)
    return maps.deck(layers, _view(gap_comm, width_px, height_px), {"html": t("plan.tip"), "style": TIP_STYLE})


def pick_deck(gap_comm: pd.DataFrame, geometry: Any, target_id: int | None, *, width_px: int = 640,
              height_px: int = 460) -> pdk.Deck:
    """The coordinator's picking map: communities by gap (layer id "communities", clickable), the
    picked community outlined."""
    df = _polygons(gap_comm, geometry, gap_comm["gap"])
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
    layers += maps.street_layers(streets, label_size=13)
    tip = {"html": "<b>{name}</b>（{street}）<br/>{gap_txt}", "style": TIP_STYLE}
    return maps.deck(layers, _view(gap_comm, width_px, height_px), tip)
