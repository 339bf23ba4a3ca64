"""总览: the district at a glance — headline figures and the community map."""

from __future__ import annotations

import streamlit as st

from dashboard import cache
from dashboard.builders import maps
from dashboard.i18n import label, t
from dashboard.panels.components import (
    demo_banner,
    fmt_int,
    fmt_people,
    legend,
    missing_data,
    unlocated_notice,
)

data = cache.overview()
k = data.kpis

st.title(t("overview.title", district=data.district.get("name") or ""))
demo_banner(data.demo)
if missing_data(["communities"], key="overview") or k.communities == 0:
    st.stop()
missing_data(["staff"], key="overview-staff")

cols = st.columns(6)
cols[0].metric(t("overview.kpi.communities"), f"{fmt_int(k.communities)} {t('unit.communities')}",
               help=t("overview.kpi.grids", n=fmt_int(k.grids)))
cols[1].metric(t("overview.kpi.residents"), t("overview.wan_people", n=f"{k.residents / 10000:.1f}"))
cols[2].metric(t("overview.kpi.staff_on_duty"), fmt_people(k.staff_on_duty),
               help=t("overview.kpi.staff_off_duty", n=fmt_int(k.staff_off_duty)))
cols[3].metric(t("overview.kpi.volunteers"), fmt_people(k.on_duty_by_kind.get("volunteer", 0)))
cols[4].metric(t("overview.kpi.open_incidents"), f"{fmt_int(k.open_incidents)} {t('unit.items')}",
               delta=t("overview.kpi.overdue", n=fmt_int(k.overdue_incidents)) if k.overdue_incidents else None,
               delta_color="inverse")
cols[5].metric(t("overview.kpi.isolated"), f"{fmt_int(k.isolated_households)} {t('unit.households')}",
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
