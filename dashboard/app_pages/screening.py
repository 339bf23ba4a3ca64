"""地毯式排查: start a campaign, close or reopen one, its progress by grid on a map, the burn-down, grids
behind schedule and who could go."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from core.model.errors import FangxianError
from core.model.privacy import mask_names
from core.services.screening import (
    ENTRY_ROLES,
    ROLES,
    close_campaign,
    create_campaign,
    grid_targets,
    record_progress,
    reopen_campaign,
)
from dashboard import cache, state_keys
from dashboard.auth import current_actor
from dashboard.builders import charts, charts_incidents, incident_maps
from dashboard.feedback import finish_write, show_error
from dashboard.i18n import t
from dashboard.navigation import PAGES_DIR
from dashboard.panels import field_feed
from dashboard.panels.components import choose, fmt_count, fmt_int, legend, with_unit
from dashboard.panels.incident_panel import flash

actor = current_actor()
assert actor is not None
st.title(t("scr.title"))
st.caption(t("scr.caption"))
flash()
scope = cache.campaign_scope()
if scope.empty:
    st.info(t("scr.no_grids"))
    if actor.has("clerk", "admin"):
        st.page_link(str(PAGES_DIR / "data_import.py"), label=t("desk.go_import"), icon="📥")
    st.stop()


def done(msg: Callable[[Any], str], fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """One user action on a campaign: the service in one unit of work, then its message (or the error)."""
    try:
        with cache.write() as uow:
            res = fn(uow, actor, *args, **kwargs)
    except FangxianError as exc:
        show_error(exc)
    else:
        finish_write(state_keys.INCIDENT_FLASH, msg(res))


if actor.has(*ROLES):
    mine = scope[[actor.in_scope(x) for x in scope["street_code"]]]
    with st.expander(t("scr.new"), icon="🚪"), st.form("scr_new"):
        streets = dict(zip(mine["street_code"], mine["street"], strict=False))
        comms = dict(zip(mine["community_id"].astype(int), mine["community"], strict=False))
        name = st.text_input(t("scr.new.name"), key="scr_new_name", max_chars=100)
        c1, c2 = st.columns(2)
        pick_streets = c1.multiselect(t("scr.new.streets"), sorted(streets), format_func=streets.__getitem__,
                                      key="scr_new_streets", placeholder=t("inc.filter.all"), select_all=False)
        pick_comms = c2.multiselect(t("scr.new.communities"), list(comms), format_func=comms.__getitem__,
                                    key="scr_new_comms", placeholder=t("inc.filter.all"), select_all=False)
        c1, c2, c3, c4 = st.columns(4)
        now = cache.reference_now()
        day = c1.date_input(t("scr.new.start_day"), value=now.date(), key="scr_new_day")
        at = c2.time_input(t("scr.new.start_time"), value=dt.time(8, 0), key="scr_new_time")
        days = c3.number_input(t("scr.new.days"), 1, 30, 3, key="scr_new_days")
        total = c4.number_input(t("scr.new.total"), 0, 10_000_000, 0, key="scr_new_total")
        st.caption(t("scr.new.scope", grids=fmt_int(len(mine)), households=fmt_int(mine["households"].sum())))
        if st.form_submit_button(t("scr.new.submit"), type="primary", key="scr_new_submit"):
            chosen = mine[mine["community_id"].isin(pick_comms)] if pick_comms else (
                mine[mine["street_code"].isin(pick_streets)] if pick_streets else mine)
            ids = sorted(int(i) for i in chosen["community_id"].unique())
            split = grid_targets(chosen[["grid_id", "households"]], total=int(total)) if total else None
            targets = (None if split is None else
                       dict(zip(split["grid_id"].astype(int), split["target_households"].astype(int), strict=True)))
            start = dt.datetime.combine(day, at)
            done(lambda _: t("scr.new.done", name=name.strip()), create_campaign, name, start,
                 start + dt.timedelta(days=int(days)), community_ids=ids if len(chosen) < len(scope) else None,
                 targets=targets)

camps = cache.screening_campaigns()
if camps.empty:
    st.info(t("scr.none"))
    st.stop()
names = dict(zip(camps["id"].astype(int), camps["name"] + " · " + [t(f"scr.status.{x}") for x in camps["status"]],
                 strict=True))
cid = st.selectbox(t("scr.campaign"), list(names), format_func=names.__getitem__,
                   key=state_keys.SCREENING_CAMPAIGN, placeholder=choose())
view = cache.screening_campaign(int(cid))
assert view is not None  # an id from the list just read
if actor.has(*ROLES):
    active = view.campaign["status"] == "active"
    with st.form("scr_status"):
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        why = c1.text_input(t("scr.close.reason"), key="scr_status_reason", max_chars=300)
        if c2.form_submit_button(t("scr.close.submit") if active else t("scr.reopen.submit"), key="scr_status_submit"):
            done(lambda code: t("scr.close.done" if active else "scr.reopen.done", code=code),
                 close_campaign if active else reopen_campaign, int(cid), why)
s, g, hu = view.summary, view.grids, t("unit.households")
st.caption(t("scr.window", start=f"{pd.Timestamp(view.campaign['started_at']):%m-%d %H:%M}",
             deadline=f"{pd.Timestamp(view.campaign['deadline']):%m-%d %H:%M}", hours=s["hours_left"]))
k = st.columns(6)
k[0].metric(t("scr.kpi.coverage"), f"{s['coverage_pct']:.1f} %", help=f"{fmt_int(s['visited'])} / {fmt_int(s['target'])} {hu}")
k[1].metric(t("scr.kpi.expected"), f"{s['expected_pct']:.1f} %", help=f"{fmt_int(s['expected'])} {hu}")
k[2].metric(t("scr.kpi.behind"), fmt_count(s["behind_grids"], "unit.communities"))
# six figures in a row: the households' unit goes in the label, so that "195,661" fits in English too
k[3].metric(t("scr.kpi.shortfall"), fmt_int(s["shortfall"]))  # 滞后户数 / Households behind: the label says it
k[4].metric(with_unit(t("scr.kpi.not_home"), "unit.households"), fmt_int(s["not_home"]))
k[5].metric(with_unit(t("scr.kpi.discrepancies"), "unit.households"), fmt_int(s["discrepancies"]))

left, right = st.columns([1.4, 1], gap="medium")
with left:
    st.subheader(t("scr.map"))
    legend(incident_maps.coverage_legend(), t("scr.legend"))
    if incident_maps.summed_per_community(g):
        st.caption(t("scr.map.summed_note", n=fmt_int(len(g))))
    st.pydeck_chart(incident_maps.screening_deck(g, cache.map_geometry()), height=560, key="scr_map")
with right:
    st.subheader(t("scr.burn"))
    st.altair_chart(charts.served(charts_incidents.burn_down_chart(view.burn)), width="stretch")
    if actor.has(*ENTRY_ROLES) and view.campaign["status"] == "active":
        mine = g[[actor.in_scope(x) for x in g["street_code"]]]
        with st.expander(t("scr.enter"), icon="✍️"), st.form("scr_entry", clear_on_submit=True):
            labels = dict(zip(mine["grid_id"].astype(int), mine["community"] + " · " + mine["grid"], strict=True))
            gid = st.selectbox(t("scr.enter.grid"), list(labels), format_func=labels.__getitem__, key="scr_grid",
                               placeholder=choose())
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

field_feed.campaign_feed(actor, int(cid))
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
