"""Altair chart builders (return ``alt.Chart``; never call ``st.``). Chinese titles, a CJK font."""

from __future__ import annotations

import functools
from typing import TypeVar

import altair as alt
import pandas as pd
from altair.utils import schemapi

from dashboard.i18n import t

C = TypeVar("C", bound=alt.TopLevelMixin)
# A chart validates its whole schema when each part is made (altair's debug mode) and again when
# Streamlit turns it into a spec: ~0.2 s of a page's rerun. The builders are checked against the
# schema in the unit tests (to_dict() validates), so a served chart is not checked again.
schemapi.disable_debug_mode()

CJK_FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
SHORT_RED = "#d73027"
SURPLUS_BLUE = "#4575b4"
TREND_HEIGHT = 320


def served(chart: C) -> C:
    """The chart as handed to ``st.altair_chart``: its spec is made without validating it again (the
    builders' specs are validated in tests/unit); the builders' own ``to_dict()`` still validates."""
    # past altair's own __setattr__, which would take "to_dict" for a chart property
    object.__setattr__(chart, "to_dict", functools.partial(type(chart).to_dict, chart, validate=False))
    return chart


def configure(chart: alt.Chart | alt.LayerChart) -> alt.Chart:
    return (chart.configure(font=CJK_FONT)
            .configure_axis(labelFont=CJK_FONT, titleFont=CJK_FONT, labelFontSize=13, titleFontSize=14)
            .configure_legend(labelFont=CJK_FONT, titleFont=CJK_FONT, labelFontSize=13, titleFontSize=14,
                              orient="top")
            .configure_title(font=CJK_FONT, fontSize=16, anchor="start")
            .configure_view(stroke=None))


def flat_title(side: str = "left") -> dict[str, object]:
    """Axis title written horizontally above the axis (rotated CJK reads sideways)."""
    return {"titleAngle": 0, "titleY": -14, "titleX": 0, "titleAlign": "right" if side == "left" else "left",
            "titleBaseline": "bottom"}


def bars_height(n_streets: int) -> int:
    """Pixel height that gives every street its own readable row."""
    return max(260, 28 * n_streets)


def street_gap_bars(street: pd.DataFrame) -> alt.Chart:
    """Gap per street (shortage red, surplus blue), longest shortage on top, labelled in people."""
    p = t("unit.people")
    df = street[["name", "gap", "shortage", "movable_surplus", "short_communities"]].copy()
    short, surplus = t("gaps.series.short"), t("gaps.series.surplus")
    df["kind"] = [short if g > 0 else surplus for g in df["gap"]]
    df["label"] = [f"{int(g):+,} {p}" for g in df["gap"]]
    order = df.sort_values("gap", ascending=False)["name"].tolist()
    y = alt.Y("name:N", sort=order, title=t("col.street"), axis=alt.Axis(labelOverlap=False, labelLimit=160, **flat_title()))
    bars = alt.Chart(df).mark_bar().encode(
        y=y, x=alt.X("gap:Q", title=t("gaps.axis.gap_people")),
        color=alt.Color("kind:N", title=t("gaps.legend.title"),
                        scale=alt.Scale(domain=[short, surplus], range=[SHORT_RED, SURPLUS_BLUE])),
        tooltip=[alt.Tooltip("name:N", title=t("col.street")), alt.Tooltip("gap:Q", title=t("gaps.col.gap")),
                 alt.Tooltip("shortage:Q", title=t("gaps.col.shortage")),
                 alt.Tooltip("movable_surplus:Q", title=t("gaps.col.movable_surplus")),
                 alt.Tooltip("short_communities:Q", title=t("gaps.col.short_communities"))],
    )
    text = alt.Chart(df).mark_text(align="left", dx=4, fontSize=12, font=CJK_FONT).encode(
        y=y, x=alt.X("gap:Q"), text="label:N")
    chart = alt.layer(bars, text).properties(title=t("gaps.chart.by_street"), height=bars_height(len(df)))
    return configure(chart)


def gap_trend(totals: pd.DataFrame) -> alt.Chart:
    """Required and available headcount per day (lines) and the shortage (bars), over the history."""
    p = t("unit.people")
    day = pd.to_datetime(totals["day"]).dt.strftime("%m-%d")
    req, avail = t("gaps.col.required"), t("gaps.col.available")
    long = pd.concat([
        pd.DataFrame({"day": day, "series": req, "people": totals["required"]}),
        pd.DataFrame({"day": day, "series": avail, "people": totals["available"]}),
    ], ignore_index=True)
    x = alt.X("day:O", title=t("gaps.axis.day"), axis=alt.Axis(labelAngle=0))
    lines = alt.Chart(long).mark_line(point=True, strokeWidth=3).encode(
        x=x, y=alt.Y("people:Q", title=t("gaps.axis.people"), scale=alt.Scale(zero=False),
                                  axis=alt.Axis(orient="right", **flat_title("right"))),
        color=alt.Color("series:N", title=t("gaps.legend.series"),
                        scale=alt.Scale(domain=[req, avail], range=["#334155", "#1a9850"])),
        tooltip=[alt.Tooltip("day:O", title=t("gaps.axis.day")), alt.Tooltip("series:N", title=t("gaps.legend.series")),
                 alt.Tooltip("people:Q", title=p)],
    )
    short = pd.DataFrame({"day": day, "shortage": totals["shortage"],
                          "label": [f"{int(v):,}" for v in totals["shortage"]]})
    bars = alt.Chart(short).mark_bar(color=SHORT_RED, opacity=0.35).encode(
        x=x, y=alt.Y("shortage:Q", title=t("gaps.axis.shortage_people"), axis=alt.Axis(**flat_title())),
        tooltip=[alt.Tooltip("day:O", title=t("gaps.axis.day")), alt.Tooltip("shortage:Q", title=t("gaps.col.shortage"))],
    )
    chart = alt.layer(bars, lines).resolve_scale(y="independent").properties(
        title=t("gaps.chart.trend", n=len(totals)), height=TREND_HEIGHT)
    return configure(chart)
