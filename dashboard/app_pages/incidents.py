"""事件处置: incidents on a map (severity and age) and a timeline, filters, table, export, report, act."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core.model.vocab import OPEN_INCIDENT_STATUSES, IncidentStatus, IncidentType, Severity
from core.services import clock
from core.services.incidents import filter_incidents
from dashboard import cache
from dashboard.auth import current_actor
from dashboard.builders import charts, charts_incidents, incident_maps
from dashboard.i18n import label, t
from dashboard.panels import incident_panel
from dashboard.panels.components import choose, fmt_count, legend, missing_data

TYPES_KEY, SEV_KEY, STATUS_KEY, STREETS_KEY, DAYS_KEY, OVERDUE_KEY, CODE_KEY = (
    "inc_types", "inc_sev", "inc_status", "inc_streets", "inc_days", "inc_overdue", "inc_code")
OPEN = [s.value for s in IncidentStatus if s in OPEN_INCIDENT_STATUSES]

actor = current_actor()
assert actor is not None  # the router shows this page only to a signed-in user
df = cache.incidents(14)
now = clock.wall_now()

st.title(t("inc.title"))
st.caption(t("inc.caption"))
incident_panel.flash()
if missing_data(["communities"], key="incidents"):
    st.stop()
missing_data(["incidents"], key="incidents-none")
f = st.columns([1.3, 1.1, 1.5, 1.3, 1.0, 0.8])
types = f[0].multiselect(t("inc.filter.type"), [x.value for x in IncidentType], key=TYPES_KEY,
                         format_func=lambda x: label("itype", x), placeholder=t("inc.filter.all"), select_all=False)
sevs = f[1].multiselect(t("inc.filter.severity"), [s.value for s in Severity], key=SEV_KEY,
                        format_func=lambda s: label("severity", s), placeholder=t("inc.filter.all"), select_all=False)
statuses = f[2].multiselect(t("inc.filter.status"), [s.value for s in IncidentStatus], default=OPEN, key=STATUS_KEY,
                            format_func=lambda s: label("status", s), placeholder=t("inc.filter.all"), select_all=False)
streets = dict(zip(df["street_code"], df["street"], strict=False))
chosen = f[3].multiselect(t("inc.filter.street"), sorted(streets), key=STREETS_KEY,
                          format_func=streets.__getitem__, placeholder=t("inc.filter.all"), select_all=False)
days = f[4].selectbox(t("inc.filter.days"), [1, 3, 7, 14], index=2, key=DAYS_KEY,
                      format_func=lambda n: t("inc.days", n=n), placeholder=choose())
only_late = f[5].toggle(t("inc.filter.overdue"), key=OVERDUE_KEY)
shown = filter_incidents(df, types=types, severities=sevs, statuses=statuses, streets=chosen,
                         start=now - dt.timedelta(days=int(days)), only_overdue=only_late)

reported_today, resolved_today = incident_panel.today_counts(df, now)
k = st.columns(5)
k[0].metric(t("inc.kpi.open"), fmt_count(df["open"].sum(), "unit.items"))
k[1].metric(t("inc.kpi.overdue"), fmt_count(df["overdue"].sum(), "unit.items"))
k[2].metric(t("inc.kpi.today"), fmt_count(reported_today, "unit.items"))
k[3].metric(t("inc.kpi.resolved_today"), fmt_count(resolved_today, "unit.items"))
k[4].metric(t("inc.kpi.shown"), fmt_count(len(shown), "unit.items"))

left, right = st.columns([1.5, 1], gap="medium")
with left:
    st.subheader(t("inc.map"))
    legend(incident_maps.severity_legend(label), t("inc.legend.severity"))
    st.caption(t("inc.legend.age"))
    geometry = cache.map_geometry()
    st.pydeck_chart(incident_maps.incident_deck(shown, geometry, label), height=560, key="inc_map")
with right:
    st.subheader(t("inc.timeline"))
    if len(shown):
        st.altair_chart(charts.served(charts_incidents.incident_timeline(shown, label)), width="stretch")
    incident_panel.report_form(actor)
    incident_panel.rules_editor(actor)

st.subheader(t("inc.table"))
if shown.empty:
    st.info(t("inc.none"))
    st.stop()
shown = shown.reset_index(drop=True)
frame = incident_panel.table_frame(shown)
bar = st.columns([1, 1.4, 3])
bar[0].download_button(t("inc.export"), frame.to_csv(index=False).encode("utf-8-sig"),
                       file_name=f"incidents-{now:%Y%m%d-%H%M}.csv", mime="text/csv", key="inc_export", icon="⬇️")
code = bar[1].text_input(t("inc.find"), key=CODE_KEY, placeholder="E20261129-00001").strip().upper()
event = st.dataframe(frame, hide_index=True, width="stretch", height=360, key="inc_table", on_select="rerun",
                     selection_mode="single-row")
rows = event["selection"]["rows"] if event else []
found = df[df["code"] == code]
if code and found.empty:
    st.warning(t("inc.not_found", code=code))
if len(found):
    incident_panel.detail(actor, found.iloc[0])
elif rows:
    incident_panel.detail(actor, shown.iloc[rows[0]])
else:
    st.caption(t("inc.select_hint"))
