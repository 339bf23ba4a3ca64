"""Map of a suggested plan: community polygons coloured by the gap after the plan, arcs from → to.

Builders return ``pdk.Deck`` and never call ``st.``; they reuse dashboard/maps.py (offline basemap).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pydeck as pdk

from dashboard import maps
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
             "w": float(min(12.0, max(2.0, 1.5 + r.n))), "from_name": r.from_name, "to_name": r.to_name}
            for r in f.itertuples()]


def plan_deck(gap_comm: pd.DataFrame, geometry: Any, flows: pd.DataFrame, *, height_px: int = 620) -> pdk.Deck:
    """Polygons by gap after the plan (red short, blue surplus) with street names, and one arc per flow."""
    df = gap_comm.assign(gap_after=gap_after(gap_comm, flows))
    df = df.merge(geometry.communities[["community_id", "geometry"]], on="community_id", how="inner")
    df["fill"] = maps.diverging(df["gap_after"].astype(float), 30.0)
    layers = maps.outline_layer(geometry.district.get("geometry"))
    fc = maps.feature_collection(df, ["code", "name", "gap_after", "fill"])
    layers.append(maps.choropleth_layer(fc, "plan-communities", opacity=170))
    streets = geometry.streets[geometry.streets["code"].isin(df["street_code"])]
    layers += maps.street_layers(streets)
    arcs = arc_rows(gap_comm, flows)
    layers.append(pdk.Layer(
        "ArcLayer", data=arcs, id="plan-arcs", get_source_position="from", get_target_position="to",
        get_source_color=OUT_COLOR + [230], get_target_color=IN_COLOR + [230], get_width="w",
        width_units='"pixels"', get_height=0.5, great_circle=False, pickable=True, auto_highlight=True,
    ))
    src = gap_comm.set_index("community_id")
    ends = pd.concat([flows["from_community_id"], flows["to_community_id"]]).unique() if len(flows) else []
    if len(ends):
        pts = src.loc[list(ends), ["lon", "lat"]].reset_index()
        into = pts["community_id"].isin(flows["to_community_id"]).to_numpy()
        pts["color"] = [IN_COLOR if x else OUT_COLOR for x in into]
        layers.append(pdk.Layer(
            "ScatterplotLayer", data=pts[["lon", "lat", "color"]].to_dict("records"), id="plan-ends",
            get_position="[lon, lat]", get_radius=60, radius_min_pixels=3, stroked=True, line_width_min_pixels=1,
            get_fill_color="color", get_line_color=[255, 255, 255], pickable=False,
        ))
    tip = {"html": t("plan.tip"), "style": {"fontSize": "14px", "backgroundColor": "#0f172a", "color": "#f8fafc"}}
    lon = gap_comm["lon"].dropna()
    lat = gap_comm["lat"].dropna()
    bounds = maps.bounds_of(lon, lat) if len(lon) else (114.25, 30.55, 114.35, 30.65)
    return maps.deck(layers, maps.view_for(bounds, height_px=height_px), tip)
