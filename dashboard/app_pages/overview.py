"""总览: the district at a glance — headline figures and the community map."""

from __future__ import annotations

import streamlit as st

from dashboard import cache
from dashboard.builders import maps
from dashboard.i18n import label, t
from dashboard.navigation import PAGES_DIR
from dashboard.panels.components import (
    demo_banner,
    fmt_count,
    fmt_int,
    fmt_people,
    legend,
    metric_delta,
    missing_data,
    unlocated_notice,
    with_unit,
)

data = cache.overview()
k = data.kpis

st.title(t("overview.title", district=data.district.get("name") or ""))
demo_banner(data.demo, data.district.get("name"))
if missing_data(["communities"], key="overview") or k.communities == 0:
    st.stop()
missing_data(["staff"], key="overview-staff")


def shortage_headline() -> None:
    """The first thing a leader reads: people short in the district and communities short, against yesterday."""
    days, _ = cache.gap_trend(2)  # yesterday and today, each on the norms in force that day
    if not len(days):
        return
    now = days.iloc[-1]
    before = days.iloc[0] if len(days) > 1 else None
    short, comms = int(now["shortage"]), int(now["short_communities"])
    with st.container(border=True, key="fx-overview-shortage"):
        c = st.columns([1.1, 1.1, 2.6], vertical_alignment="center")
        if short == 0:
            c[0].success(t("overview.short.none"))
            return
        c[0].metric(t("overview.short.people"), fmt_people(short),
                    **(metric_delta(short - int(before["shortage"]), "unit.people") if before is not None else {}))
        c[1].metric(t("overview.short.communities"), fmt_count(comms, "unit.communities"),
                    **(metric_delta(comms - int(before["short_communities"]), "unit.communities")
                       if before is not None else {}))
        with c[2]:
            if before is not None:
                st.caption(t("overview.short.vs_yesterday", day=f"{before['day']:%m-%d}"))
            st.page_link(str(PAGES_DIR / "gaps.py"), label=t("overview.short.link"), icon="📉")


shortage_headline()
cols = st.columns(6)
cols[0].metric(t("overview.kpi.communities"), fmt_count(k.communities, "unit.communities"),
               help=t("overview.kpi.grids", n=fmt_int(k.grids)))
# 万 in Chinese ("106.6 万人"); the whole number in English ("1,066,210")
cols[1].metric(t("overview.kpi.residents"), t("overview.wan_people", wan=f"{k.residents / 10000:.1f}",
                                              full=fmt_int(k.residents)))
cols[2].metric(t("overview.kpi.staff_on_duty"), fmt_people(k.staff_on_duty),
               help=t("overview.kpi.staff_off_duty", n=fmt_int(k.staff_off_duty)))
cols[3].metric(t("overview.kpi.volunteers"), fmt_people(k.on_duty_by_kind.get("volunteer", 0)))
cols[4].metric(t("overview.kpi.open_incidents"), fmt_count(k.open_incidents, "unit.items"),
               delta=t("overview.kpi.overdue", n=fmt_int(k.overdue_incidents)) if k.overdue_incidents else None,
               delta_color="red", delta_arrow="off")
cols[5].metric(with_unit(t("overview.kpi.isolated"), "unit.households"), fmt_int(k.isolated_households),
               help=t("overview.kpi.high_risk", n=fmt_int(k.high_risk_communities)))

left, right = st.columns([2.2, 1], gap="medium")
with left:
    metric = st.segmented_control(
        t("overview.color_by"), options=["risk_level", "staff_per_10k", "open_incidents"],
        format_func=lambda o: t(f"overview.metric.{o}"), default="risk_level", key="overview_metric",
    ) or "risk_level"
    legend(maps.overview_legend(metric, label), t(f"overview.metric.{metric}"))
    located, unlocated = maps.location_counts(data.communities)
    unlocated_notice(unlocated, located)
    if located:
        st.pydeck_chart(maps.overview_deck(data, metric, lang_label=label), height=620, key="overview_map")
with right:
    st.subheader(t("overview.staff_by_kind"))
    kinds = ["community_worker", "grid_member", "cadre", "party_member", "property_staff", "volunteer"]
    st.dataframe(
        {t("overview.col.kind"): [label("kind", kd) for kd in kinds],
         t("overview.col.on_duty"): [fmt_people(k.on_duty_by_kind.get(kd, 0)) for kd in kinds]},
        hide_index=True, width="stretch",
        column_config={t("overview.col.on_duty"): st.column_config.TextColumn(alignment="right")},
    )
    st.subheader(t("overview.busiest"))
    top = data.communities.nlargest(8, ["open_incidents", "isolated_households"])
    st.dataframe(
        {t("col.community"): top["name"], t("col.street"): top["street"],
         t("overview.kpi.open_incidents"): top["open_incidents"],
         t("overview.kpi.isolated"): top["isolated_households"]},
        hide_index=True, width="stretch",
    )
st.caption(t("app.data_as_of", when=f"{data.as_of:%Y-%m-%d %H:%M}"))
