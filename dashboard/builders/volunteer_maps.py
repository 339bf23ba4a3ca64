"""Map and chart builders for volunteer deployments and the errands queue (return ``pdk.Deck`` /
``alt.Chart``; never call ``st.``)."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pydeck as pdk

from dashboard.builders.maps import (
    Color,
    Frame,
    choropleth_layer,
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

TASK_COLORS: dict[str, Color] = {
    "checkpoint": [220, 38, 38], "door_to_door": [37, 99, 235], "delivery": [234, 88, 12],
    "elderly_care": [147, 51, 234], "disinfection": [13, 148, 136], "publicity": [202, 138, 4],
}
TASK_ORDER = tuple(TASK_COLORS)
PER_1K_THRESHOLDS = (2.0, 4.0, 6.0, 8.0)
PER_1K_COLORS: list[Color] = [[241, 245, 249], [219, 234, 254], [165, 200, 250], [116, 165, 240], [72, 125, 220]]
TOOLTIP_STYLE = {"fontSize": "14px", "backgroundColor": "#0f172a", "color": "#f8fafc"}
FRAME = Frame(1085, 580)  # the volunteers page's map at 1920 × 1080


def task_label(type_: str) -> str:
    return t(f"vol.task.{type_}")


def task_points(tasks: pd.DataFrame) -> pd.DataFrame:
    """One dot a task: colour by type, size by people assigned, dark ring when seats are unfilled."""
    df = tasks.dropna(subset=["lon", "lat"])
    ppl = t("unit.people")
    start = pd.to_datetime(df["starts_at"]).dt.strftime("%H:%M")
    end = pd.to_datetime(df["ends_at"]).dt.strftime("%H:%M")
    return pd.DataFrame({
        "lon": df["lon"].astype(float), "lat": df["lat"].astype(float),
        "fill": [TASK_COLORS.get(x, [100, 116, 139]) + [230] for x in df["type"]],
        "line": [[15, 23, 42] if m > 0 else [255, 255, 255] for m in df["missing"]],
        "radius": (3.5 + 1.5 * np.sqrt(df["assigned"].to_numpy(float))).round(1),
        "title": df["title"].astype(str), "type": [task_label(x) for x in df["type"]],
        "community": df["community"].astype(str), "window": start + "–" + end,
        "fill_txt": df["fill"].astype(str) + f" {ppl}", "missing_txt": [f"{int(m)} {ppl}" for m in df["missing"]],
    })


def _community_layer(comms: pd.DataFrame, geometry: Any) -> pdk.Layer | None:
    geo = geometry.communities[["community_id", "geometry"]]
    df = comms.merge(geo, on="community_id", how="inner")
    if not len(df):
        return None
    df = df.assign(fill=sequential(df["volunteers_per_1k"], PER_1K_THRESHOLDS, PER_1K_COLORS))
    ppl = t("unit.people")
    df["title"] = df["name"]
    df["type"] = df["street"]
    df["window"] = [f"{t('vol.col.per_1k')} {v:.1f}" if pd.notna(v) else "" for v in df["volunteers_per_1k"]]
    df["fill_txt"] = [f"{a} / {b} {ppl}" for a, b in zip(df["deployed_today"], df["volunteers"] + df["party_members"],
                                                         strict=True)]
    df["missing_txt"] = [f"{int(m)} {ppl}" for m in df["unmet_seats"]]
    df["community"] = df["name"]
    fc = feature_collection(df, ["code", "title", "type", "community", "window", "fill_txt", "missing_txt", "fill"])
    return choropleth_layer(fc, "vol-communities", opacity=235)


def deployment_deck(tasks: pd.DataFrame, comms: pd.DataFrame, geometry: Any, *, mode: str = "points") -> pdk.Deck:
    """Communities shaded by volunteers per 1,000 residents; today's tasks as dots (colour: type, size:
    people assigned, dark ring: seats unfilled) or, in ``density`` mode, hexagons of people deployed."""
    pts = task_points(tasks)
    view = fit_view(district_bounds(geometry, pts), FRAME)
    layers = outline_layer(geometry.district.get("geometry"))
    base = _community_layer(comms, geometry)
    if base is not None:
        layers.append(base)
    layers += street_boundaries(geometry.streets)  # boundaries under the dots, street names above them
    if mode == "density":
        people = pts.loc[np.repeat(pts.index.to_numpy(), tasks.loc[pts.index, "assigned"].clip(lower=0).to_numpy()),
                         ["lon", "lat"]]
        layers.append(pdk.Layer(
            "HexagonLayer", data=people, id="vol-density", get_position="[lon, lat]", radius=300, extruded=False,
            coverage=0.92, opacity=0.75, pickable=False,
            color_range=[[255, 255, 178], [254, 217, 118], [254, 178, 76], [253, 141, 60], [240, 59, 32],
                         [189, 0, 38]]))
    else:
        layers.append(pdk.Layer(
            "ScatterplotLayer", data=pts, id="vol-tasks", get_position="[lon, lat]", get_fill_color="fill",
            get_line_color="line", get_radius="radius", radius_units='"pixels"', stroked=True,
            line_width_min_pixels=1.2, pickable=True, auto_highlight=True))
    priority = None
    if {"street", "unmet_seats"} <= set(comms):  # the streets with most unfilled seats named first
        by_name = comms.groupby("street")["unmet_seats"].sum()
        priority = pd.Series(geometry.streets["name"].map(by_name).to_numpy(float), index=geometry.streets["code"])
    layers += street_labels(geometry.streets, view, FRAME, priority=priority)
    tooltip = {"html": (f"<b>{{title}}</b> {{type}}<br/>{t('col.community')}：{{community}}<br/>{{window}}<br/>"
                        f"{t('vol.tip.fill')}：{{fill_txt}}<br/>{t('vol.tip.missing')}：{{missing_txt}}"),
               "style": TOOLTIP_STYLE}
    return deck(layers, view, tooltip)


def task_legend() -> list[tuple[Color, str]]:
    return [(TASK_COLORS[k], task_label(k)) for k in TASK_ORDER]


def per_1k_legend() -> list[tuple[Color, str]]:
    edges = ["<2", "2–4", "4–6", "6–8", "≥8"]
    return [(c, f"{e} {t('vol.unit.per_1k')}") for c, e in zip(PER_1K_COLORS, edges, strict=True)]


def hours_chart(people: pd.DataFrame, limit_day: float, top: int = 25) -> alt.Chart:
    """Hours served in the last 7 days by the people who served most; the worn out in red."""
    df = people.sort_values("hours_7d", ascending=False).head(top)
    df = pd.DataFrame({"who": df["code"].astype(str) + " " + df["staff_name"].astype(str),
                       "hours": df["hours_7d"].round(1), "state": np.where(df["worn_out"], t("vol.worn"), t("vol.ok"))})
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("hours:Q", title=t("vol.chart.hours_7d")),
        y=alt.Y("who:N", sort="-x", title=None, axis=alt.Axis(labelLimit=240, labelFontSize=13, labelOverlap=False)),
        color=alt.Color("state:N", title=None, scale=alt.Scale(domain=[t("vol.worn"), t("vol.ok")],
                                                                range=["#dc2626", "#60a5fa"]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("who:N", title=t("vol.col.person")), alt.Tooltip("hours:Q", title=t("vol.chart.hours_7d"))],
    ).properties(height=alt.Step(22), title=t("vol.chart.title", limit=f"{limit_day:g}"))


def unmet_chart(comms: pd.DataFrame, top: int = 15) -> alt.Chart:
    """Communities with the most unfilled task seats today."""
    df = comms[comms["unmet_seats"] > 0].sort_values("unmet_seats", ascending=False).head(top)
    df = pd.DataFrame({"community": df["name"].astype(str), "unmet": df["unmet_seats"].astype(int)})
    return alt.Chart(df).mark_bar(color="#f97316").encode(
        x=alt.X("unmet:Q", title=t("vol.chart.unmet")),
        y=alt.Y("community:N", sort="-x", title=None, axis=alt.Axis(labelFontSize=13, labelOverlap=False)),
        tooltip=[alt.Tooltip("community:N", title=t("col.community")), alt.Tooltip("unmet:Q", title=t("vol.chart.unmet"))],
    ).properties(height=alt.Step(24))
