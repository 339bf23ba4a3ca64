"""Altair builders for incidents and screening (return ``alt.Chart``; never call ``st.``)."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd

from dashboard.builders.charts import CJK_FONT, configure, flat_title
from dashboard.builders.incident_maps import SEVERITY_COLORS, SEVERITY_ORDER
from dashboard.i18n import t


def _hex(c: list[int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*c[:3])


def incident_timeline(incidents: pd.DataFrame, label: Callable[[str, str], str], bin_hours: int = 6) -> alt.Chart:
    """Reports per time bin, stacked by severity (counts in 起)."""
    df = incidents[["reported_at", "severity"]].copy()
    df["bin"] = pd.to_datetime(df["reported_at"]).dt.floor(f"{bin_hours}h")
    counts = df.groupby(["bin", "severity"]).size().rename("n").reset_index()
    counts["sev"] = [label("severity", s) for s in counts["severity"]]
    counts["end"] = (counts["bin"] + pd.Timedelta(hours=bin_hours)).dt.strftime("%Y-%m-%dT%H:%M:%S")
    counts["bin"] = counts["bin"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    domain = [label("severity", s) for s in SEVERITY_ORDER]
    colors = [_hex(SEVERITY_COLORS[s]) for s in SEVERITY_ORDER]
    unit = t("unit.items") or ""
    chart = alt.Chart(counts).mark_bar(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("bin:T", title=t("inc.axis.time"), axis=alt.Axis(format=t("inc.axis.hour_format"), labelAngle=0, tickCount=5, labelOverlap=True)),
        x2="end:T",
        y=alt.Y("sum(n):Q", title=t("inc.with_unit", label=t("inc.series.count"), unit=unit) if unit else t("inc.series.count"),
                axis=alt.Axis(**flat_title())),  # type: ignore[arg-type]
        color=alt.Color("sev:N", title=t("inc.legend.severity"), scale=alt.Scale(domain=domain, range=colors),
                        sort=domain),
        order=alt.Order("severity:N"),
        tooltip=[alt.Tooltip("bin:T", title=t("inc.axis.time"), format="%m-%d %H:%M"),
                 alt.Tooltip("sev:N", title=t("inc.legend.severity")), alt.Tooltip("n:Q", title=t("inc.series.count"))],
    ).properties(height=300)
    return configure(chart)


def burn_down_chart(burn: pd.DataFrame) -> alt.Chart:
    """Households left to visit: actual (solid) against the linear plan (dashed)."""
    df = burn.copy()
    df["at"] = pd.to_datetime(df["at"]).dt.strftime("%Y-%m-%dT%H:%M:%S")
    names = {"actual": t("scr.series.actual"), "ideal": t("scr.series.ideal")}
    df["name"] = df["series"].map(names)
    unit = t("unit.households")
    chart = alt.Chart(df).mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=30)).encode(
        x=alt.X("at:T", title=t("scr.axis.time"), axis=alt.Axis(format=t("inc.axis.hour_format"), labelAngle=0, tickCount=6)),
        y=alt.Y("remaining:Q", title=t("inc.with_unit", label=t("scr.axis.remaining"), unit=unit),
                axis=alt.Axis(format=",.0f", **flat_title())),  # type: ignore[arg-type]
        color=alt.Color("name:N", title=None, scale=alt.Scale(domain=list(names.values()),
                                                              range=["#dc2626", "#64748b"])),
        strokeDash=alt.StrokeDash("name:N", title=None,
                                  scale=alt.Scale(domain=list(names.values()), range=[[1, 0], [6, 4]])),
        tooltip=[alt.Tooltip("at:T", title=t("scr.axis.time"), format="%m-%d %H:%M"),
                 alt.Tooltip("name:N", title=" "), alt.Tooltip("remaining:Q", title=unit, format=",.0f")],
    ).properties(height=320)
    return configure(chart)


__all__ = ["CJK_FONT", "burn_down_chart", "incident_timeline"]
