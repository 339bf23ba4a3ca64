"""调配方案: the suggested plan for the district (or chosen streets), on a map and as a table; accept all or some."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from core.model.errors import FangxianError
from core.model.optimizer.network import PlanOptions
from core.services import clock
from core.services.reassign import apply_plan
from dashboard import cache, feedback, state_keys
from dashboard.auth import guard
from dashboard.builders import plan_maps
from dashboard.i18n import t
from dashboard.panels.components import (
    fmt_change,
    fmt_int,
    fmt_people,
    legend,
    metric_delta,
    missing_data,
    shift_choice,
    with_unit,
)

actor = guard("coordinator", "admin")
version = cache.version()
res = cache.gaps()
st.title(t("plan.title"))
st.caption(t("plan.caption"))
feedback.show_flash(state_keys.PLAN_FLASH, error_key=state_keys.PLAN_ERROR)
if missing_data(["communities"], key="plan") or res.community.empty or missing_data(["staff"], key="plan-staff"):
    st.stop()

streets_all = res.street if actor.streets is None else res.street[res.street["code"].isin(actor.streets)]
names = dict(zip(streets_all["code"], streets_all["name"], strict=True))
c = st.columns([1.1, 2.2, 1.1, 1.1, 1.1], vertical_alignment="bottom")
max_km = c[0].number_input(t("plan.max_km"), min_value=0, max_value=200, value=0, step=1, key="plan_max_km")
chosen = c[1].multiselect(t("plan.streets"), list(names), key="plan_streets", format_func=names.__getitem__,
                          placeholder=t("plan.all_streets"), select_all=False)
keep = c[2].toggle(t("plan.keep_origin"), value=True, key="plan_keep")
party = c[3].toggle(t("plan.party_home"), value=True, key="plan_party")
cap = c[4].number_input(t("plan.max_moves"), min_value=0, max_value=500, value=0, step=1, key="plan_cap")
opts = PlanOptions(max_km=float(max_km) or None, keep_origin_at_requirement=keep, respect_party_home=party,
                   max_moves_per_community=int(cap) or None)
streets = tuple(sorted(chosen)) if chosen else (tuple(sorted(actor.streets)) if actor.streets is not None else None)
plan = cache.suggested_plan(tuple(sorted(dataclasses.asdict(opts).items())), streets)
tot = plan.totals

k = st.columns(5)
km_ = t("unit.km")
# before → after: the unit goes in the label, so that "2,094 → 1,124" fits a fifth of the page in English too
k[0].metric(with_unit(t("plan.kpi.shortage"), "unit.people"), fmt_change(tot.shortage_before, tot.shortage_after),
            **metric_delta(tot.shortage_after - tot.shortage_before, "unit.people"))
k[1].metric(with_unit(t("plan.kpi.worst"), "unit.people"), fmt_change(tot.worst_before, tot.worst_after),
            **metric_delta(tot.worst_after - tot.worst_before, "unit.people"))
k[2].metric(with_unit(t("plan.kpi.short"), "unit.communities"), fmt_change(tot.short_before, tot.short_after),
            **metric_delta(tot.short_after - tot.short_before, "unit.communities"))
k[3].metric(t("plan.kpi.moves"), fmt_people(tot.moves))
k[4].metric(t("plan.kpi.km"), f"{tot.km:,.1f} {km_}")
if plan.unlocated:  # the optimiser placed them by street: say that their distances are not known
    st.warning(t("plan.unlocated", n=fmt_int(plan.unlocated)))

scope = res.community if streets is None else res.community[res.community["street_code"].isin(streets)]
left, right = st.columns([1.2, 1], gap="medium")
with left:
    st.subheader(t("plan.map"))
    legend(plan_maps.legend_items(), t("plan.legend"))
    st.caption(t("maps15.plan.width"))
    st.pydeck_chart(plan_maps.plan_deck(scope, cache.map_geometry(), plan.flows),
                    height=plan_maps.PLAN_FRAME.height_px, key="plan_map")
with right:
    st.subheader(t("plan.table"))
    mv = plan.moves
    if mv.empty:
        st.info(t("plan.none"))
        st.stop()
    kmcol = st.column_config.NumberColumn(format=f"%.2f {km_}")
    ev = st.dataframe(pd.DataFrame({
        t("plan.col.name"): mv["name"], t("plan.col.code"): mv["staff_code"], t("plan.col.from"): mv["from_community"],
        t("plan.col.to"): mv["to_community"], t("plan.col.km"): mv["km"], t("plan.col.home_km"): mv["home_km"]}),
        hide_index=True, width="stretch", height=480, on_select="rerun", selection_mode="multi-row",
        key=f"plan_rows_{version}", column_config={t("plan.col.km"): kmcol, t("plan.col.home_km"): kmcol})
    rows = list(ev.selection.rows)
    reason = st.text_input(t("plan.reason"), key="plan_reason")
    shifts = shift_choice(cache.roster_held(tuple(int(x) for x in mv["staff_id"])), "plan_shifts")
    b1, b2 = st.columns(2)
    some = b1.button(t("plan.accept_selected", n=fmt_int(len(rows))), key="plan_accept_some", disabled=not (rows and reason.strip()))
    every = b2.button(t("plan.accept_all", n=fmt_int(len(mv))), key="plan_accept_all", type="primary", disabled=not reason.strip())
    if some or every:
        st.session_state.pop("plan_reason", None)
        try:
            with cache.write() as uow:
                r = apply_plan(uow, actor, plan, rows if some else None, reason, shifts=shifts)
        except FangxianError as exc:
            feedback.error_later(state_keys.PLAN_ERROR, exc)
            cache.clear()
            st.rerun()
        else:
            done = t("plan.done", n=fmt_int(r.moved), when=f"{clock.wall_now():%H:%M}")
            if r.released_shifts:
                done += " " + t("ra.shifts_released", n=fmt_int(r.released_shifts))
            feedback.finish_write(state_keys.PLAN_FLASH, done)
