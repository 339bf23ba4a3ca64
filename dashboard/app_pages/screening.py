"""地毯式排查: campaign progress by grid on a map, the burn-down, grids behind schedule and who could go."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.model.errors import FangxianError
from core.model.privacy import mask_names
from core.services.screening import ENTRY_ROLES, record_progress
from dashboard import cache, state_keys
from dashboard.auth import current_actor
from dashboard.builders import charts_incidents, incident_maps
from dashboard.feedback import finish_write, show_error
from dashboard.i18n import t
from dashboard.navigation import PAGES_DIR
from dashboard.panels.components import fmt_int, legend
from dashboard.panels.incident_panel import flash

actor = current_actor()
assert actor is not None
st.title(t("scr.title"))
st.caption(t("scr.caption"))
flash()
camps = cache.screening_campaigns()
if camps.empty:
    st.info(t("scr.none"))
    st.stop()
names = dict(zip(camps["id"].astype(int), camps["name"], strict=True))
cid = st.selectbox(t("scr.campaign"), list(names), format_func=names.__getitem__,
                   key=state_keys.SCREENING_CAMPAIGN)
view = cache.screening_campaign(int(cid))
s, g, hu = view.summary, view.grids, t("unit.households")
st.caption(t("scr.window", start=f"{pd.Timestamp(view.campaign['started_at']):%m-%d %H:%M}",
             deadline=f"{pd.Timestamp(view.campaign['deadline']):%m-%d %H:%M}", hours=s["hours_left"]))
k = st.columns(6)
k[0].metric(t("scr.kpi.coverage"), f"{s['coverage_pct']:.1f} %", help=f"{fmt_int(s['visited'])} / {fmt_int(s['target'])} {hu}")
k[1].metric(t("scr.kpi.expected"), f"{s['expected_pct']:.1f} %", help=f"{fmt_int(s['expected'])} {hu}")
k[2].metric(t("scr.kpi.behind"), f"{fmt_int(s['behind_grids'])} {t('unit.communities')}")
k[3].metric(t("scr.kpi.shortfall"), f"{fmt_int(s['shortfall'])} {hu}")
k[4].metric(t("scr.kpi.not_home"), f"{fmt_int(s['not_home'])} {hu}")
k[5].metric(t("scr.kpi.discrepancies"), f"{fmt_int(s['discrepancies'])} {hu}")

left, right = st.columns([1.4, 1], gap="medium")
with left:
    st.subheader(t("scr.map"))
    legend(incident_maps.coverage_legend(), t("scr.legend"))
    st.pydeck_chart(incident_maps.screening_deck(g, cache.map_geometry()), height=560, key="scr_map")
with right:
    st.subheader(t("scr.burn"))
    st.altair_chart(charts_incidents.burn_down_chart(view.burn), width="stretch")
    if actor.has(*ENTRY_ROLES):
        mine = g[[actor.in_scope(x) for x in g["street_code"]]]
        with st.expander(t("scr.enter"), icon="✍️"), st.form("scr_entry", clear_on_submit=True):
            labels = dict(zip(mine["grid_id"].astype(int), mine["community"] + " · " + mine["grid"], strict=True))
            gid = st.selectbox(t("scr.enter.grid"), list(labels), format_func=labels.__getitem__, key="scr_grid")
            b = st.text_input(t("scr.enter.building"), key="scr_building", max_chars=60)
            c1, c2, c3 = st.columns(3)
            home = c1.number_input(t("inc.with_unit", label=t("scr.enter.at_home"), unit=hu), 0, 5000, 0, key="scr_home")
            away = c2.number_input(t("inc.with_unit", label=t("scr.enter.not_home"), unit=hu), 0, 5000, 0, key="scr_away")
            diff = c3.number_input(t("inc.with_unit", label=t("scr.enter.discrepancies"), unit=hu), 0, 5000, 0, key="scr_diff")
            if st.form_submit_button(t("scr.enter.submit"), type="primary", key="scr_submit"):
                try:
                    with cache.write() as uow:
                        total = record_progress(uow, actor, int(cid), int(gid), at_home=int(home),
                                                not_home=int(away), discrepancies=int(diff), building=b)
                except FangxianError as exc:
                    show_error(exc)
                else:
                    finish_write(state_keys.INCIDENT_FLASH, t("scr.enter.done", n=fmt_int(total)))

st.subheader(t("scr.behind"))
behind = g[g["behind"]].sort_values("shortfall", ascending=False)
if behind.empty:
    st.info(t("scr.behind.none"))
    st.stop()
st.dataframe(pd.DataFrame({
    t("col.street"): behind["street"], t("col.community"): behind["community"], t("scr.col.grid"): behind["grid"],
    t("scr.col.target"): behind["target_households"], t("scr.col.visited"): behind["visited"],
    t("scr.col.coverage"): behind["coverage_pct"], t("scr.col.expected"): behind["expected"].round(0).astype(int),
    t("scr.col.shortfall"): behind["shortfall"]}), hide_index=True, width="stretch", height=300, column_config={
    **{t(c): st.column_config.NumberColumn(format=f"%d {hu}")
       for c in ("scr.col.target", "scr.col.visited", "scr.col.expected", "scr.col.shortfall")},
    t("scr.col.coverage"): st.column_config.NumberColumn(format="%.1f %%")})
st.caption(t("scr.behind.caption"))
helpers = cache.screening_helpers(int(cid), None if actor.streets is None else tuple(sorted(actor.streets)))
if len(helpers):
    st.dataframe(pd.DataFrame({
        t("col.community"): helpers["community"], t("scr.col.shortfall"): helpers["shortfall"],
        t("scr.col.staff"): helpers["staff_code"] + " " + (helpers["name"] if actor.sees_personal_data
                                                            else mask_names(helpers["name"])),
        t("scr.col.from"): helpers["from_community"], t("scr.col.km"): helpers["home_km"]}),
        hide_index=True, width="stretch", height=300, column_config={
        t("scr.col.shortfall"): st.column_config.NumberColumn(format=f"%d {hu}"),
        t("scr.col.km"): st.column_config.NumberColumn(format=f"%.1f {t('unit.km')}")})
    if actor.has("coordinator", "admin"):
        top = helpers.drop_duplicates("community_code").head(6)
        cols = st.columns(len(top))
        for col, r in zip(cols, top.itertuples(index=False), strict=True):
            col.page_link(str(PAGES_DIR / "reassign.py"), label=t("scr.go_reassign", community=r.community),
                          icon="🔁", query_params={"community": r.community_code})
