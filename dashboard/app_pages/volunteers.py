"""志愿者调度: where volunteers are deployed today (map by task type or density over the communities
shaded by volunteers per 1,000 residents), unmet needs, tasks with needed vs assigned and the assign
form, hours served (who is worn out) and the registry. Names masked per role."""

from __future__ import annotations

import streamlit as st

from dashboard import cache
from dashboard.auth import current_actor
from dashboard.builders import charts
from dashboard.builders.volunteer_maps import (
    deployment_deck,
    per_1k_legend,
    task_legend,
    unmet_chart,
)
from dashboard.i18n import t
from dashboard.panels.components import fmt_int, joined, legend, missing_data
from dashboard.panels.volunteer_panel import (
    flash,
    hours_tab,
    new_task_form,
    registry_tab,
    tasks_tab,
)
from dashboard.state_keys import VOLUNTEER_MAP_MODE, VOLUNTEER_MAP_TYPES

actor = current_actor()
assert actor is not None
view = cache.volunteer_view(personal=actor.sees_personal_data)
k = view.kpis
n = view.norms
st.title(t("vol.title"))
st.caption(t("vol.caption", day=view.today.isoformat(), now=view.now.strftime("%H:%M"),
             hours=f"{n.max_hours_per_day:g}", days=f"{n.max_consecutive_days:g}",
             policy=t(f"vol.policy.{n.fatigue_policy}"),
             counted=joined(t(f"vol.task.{x}") for x in n.volunteers_count_for) or t("vol.counted.none")))
flash()
if missing_data(["communities"], key="volunteers"):
    st.stop()
missing_data(["staff", "checkpoints"], key="volunteers-more")
if not actor.sees_personal_data:
    st.info(t("vol.masked"), icon="🔒")

ppl, items = t("unit.people"), t("vol.unit.tasks")
m = st.columns(7)
m[0].metric(t("vol.kpi.volunteers"), f"{fmt_int(k['volunteers'])} {ppl}")
m[1].metric(t("vol.kpi.party"), f"{fmt_int(k['party_members'])} {ppl}")
m[2].metric(t("vol.kpi.deployed"), f"{fmt_int(k['deployed_today'])} {ppl}")
m[3].metric(t("vol.kpi.on_post"), f"{fmt_int(k['on_post_now'])} {ppl}")
m[4].metric(t("vol.kpi.tasks"), f"{fmt_int(k['tasks_today'])} {items}")
m[5].metric(t("vol.kpi.unmet"), f"{fmt_int(k['unmet_seats'])} {ppl}")
m[6].metric(t("vol.kpi.worn"), f"{fmt_int(k['worn_out'])} {ppl}")

tabs = st.tabs([t("vol.tab.map"), t("vol.tab.tasks"), t("vol.tab.hours"), t("vol.tab.registry")])
with tabs[0]:
    c = st.columns([4, 1.3])
    with c[0]:
        f = st.columns([1, 3])
        mode = f[0].segmented_control(t("vol.map.mode"), ["points", "density"], default="points", key=VOLUNTEER_MAP_MODE,
                                      format_func=lambda x: t(f"vol.map.{x}")) or "points"
        types = f[1].pills(t("vol.map.types"), list(view.tasks["type"].drop_duplicates()), selection_mode="multi",
                           format_func=lambda x: t(f"vol.task.{x}"), key=VOLUNTEER_MAP_TYPES)
        tasks = view.tasks[view.tasks["type"].isin(types)] if types else view.tasks
        geometry = cache.map_geometry()
        st.pydeck_chart(deployment_deck(tasks, view.communities, geometry, mode=mode), height=580, key="vol_map")
        legend(task_legend(), t("vol.legend.types"))
        legend(per_1k_legend(), t("vol.legend.per_1k"))
    with c[1]:
        st.markdown(f"**{t('vol.map.unmet')}**")
        if view.communities["unmet_seats"].sum():
            st.altair_chart(charts.served(unmet_chart(view.communities)), width="stretch")
        else:
            st.info(t("vol.none"))
        low = view.communities.sort_values("volunteers_per_1k").head(8)
        st.markdown(f"**{t('vol.map.low')}**")
        st.dataframe({t("col.community"): low["name"], t("vol.col.per_1k"): low["volunteers_per_1k"]},
                     hide_index=True, width="stretch",
                     column_config={t("vol.col.per_1k"): st.column_config.NumberColumn(
                         format=f"%.1f {t('vol.unit.per_1k')}")})
with tabs[1]:
    new_task_form(actor, view)
    tasks_tab(actor, view)
with tabs[2]:
    hours_tab(view)
with tabs[3]:
    registry_tab(actor, view)
