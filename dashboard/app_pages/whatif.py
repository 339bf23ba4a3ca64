"""推演研判: build a scenario from changes, see today and the scenario side by side on one colour scale,
the KPI deltas and the communities that change most; save, load, compare, export, import; hand the
scenario's moves to the reassignment path."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.model.errors import FangxianError
from core.model.scenarios.evaluation import Scenario
from core.model.scenarios.file_format import change_from_dict, change_to_dict, dumps
from dashboard import cache, feedback, state_keys
from dashboard.auth import guard
from dashboard.builders import whatif_maps
from dashboard.i18n import label, t
from dashboard.panels import whatif_actions
from dashboard.panels.components import choose, fmt_count, legend, metric_delta, missing_data
from dashboard.panels.whatif_actions import draft_scenario
from dashboard.panels.whatif_panel import PICKER_KINDS, change_form, describe, names_of

actor = guard("planner", "leader", "admin", "coordinator")
base = cache.whatif_baseline()
names = names_of(base)
draft = whatif_actions.prepare()

st.title(t("wi.title"))
st.caption(t("wi.caption"))
feedback.show_flash(state_keys.WHATIF_FLASH, error_key=state_keys.WHATIF_ERROR)
if missing_data(["communities"], key="whatif"):
    st.stop()
missing_data(["staff"], key="whatif-staff")

left, right = st.columns([1, 2.7], gap="medium")
with left:
    st.text_input(t("wi.name"), key=state_keys.WHATIF_NAME)
    kind = st.selectbox(t("wi.kind"), PICKER_KINDS, key=state_keys.WHATIF_KIND, format_func=lambda k: t(f"wi.kind.{k}"),
                        placeholder=choose())
    new = change_form(kind, names)
    if new is not None:
        draft["changes"].append(change_to_dict(new))
        st.rerun()
    st.subheader(t("wi.changes", n=len(draft["changes"])))
    if not draft["changes"]:
        st.caption(t("wi.no_changes"))
    for i, raw in enumerate(draft["changes"]):
        c1, c2 = st.columns([6, 1], vertical_alignment="center")
        c1.markdown(f"{i + 1}. {describe(change_from_dict(raw, 'changes'), names)}")
        c2.button("✖", key=f"wi_rm_{i}", help=t("wi.remove"), on_click=whatif_actions.remove_change, args=(i,))
    b1, b2 = st.columns(2)
    b1.button(t("wi.undo"), key="wi_undo", icon="↩️", disabled=not draft["changes"],
              on_click=whatif_actions.remove_change, args=(-1,))
    b2.button(t("wi.clear"), key="wi_clear", icon="🧹", on_click=whatif_actions.start_new)

scenario: Scenario = draft_scenario(draft, actor)
try:
    res = cache.whatif_result(dumps(scenario))
except FangxianError as exc:
    feedback.show_error(exc, right)
    right.info(t("wi.fix_hint"))
    st.stop()

with right:
    k = st.columns(4)
    for col, key, unit in zip(k, whatif_actions.KPI_KEYS, whatif_actions.KPI_UNITS, strict=True):
        v = res.kpi(key)  # type: ignore[attr-defined]
        col.metric(t(f"wi.kpi.{key}"), fmt_count(v["after"], unit), **metric_delta(v["delta"], unit),
                   delta_description=t("wi.kpi.today", n=fmt_count(v["before"], unit)))
    phases = res.phases  # type: ignore[attr-defined]
    if len(phases):
        st.markdown(f"**{t('wi.phases')}**")
        st.caption(t("wi.phases_caption"))
        st.dataframe(pd.DataFrame({
            t("wi.phase.col"): [t("wi.phase.after", a=int(a)) if pd.isna(b) else t("wi.phase.one", a=int(a)) if a == b
                                else t("wi.phase.span", a=int(a), b=int(b))
                                for a, b in zip(phases["from_day"], phases["to_day"], strict=True)],
            **{t(f"wi.kpi.{k}"): [fmt_count(int(v), u) for v in phases[k]]
               for k, u in zip(whatif_actions.KPI_KEYS, whatif_actions.KPI_UNITS, strict=True)}}),
            hide_index=True, width="stretch")
    metric = st.segmented_control(t("wi.metric"), whatif_maps.PAIR_METRICS, default="gap", key=state_keys.WHATIF_METRIC,
                                  format_func=lambda m: t(f"coverage.metric.{m}")) or "gap"
    legend(whatif_maps.legend_items(metric), t(f"coverage.metric.{metric}"))
    today_deck, scen_deck = whatif_maps.pair_decks(res.baseline.community, res.result.community,  # type: ignore[attr-defined]
                                                   cache.map_geometry(), metric)
    before_t, after_t, change_t = whatif_maps.titles(res.baseline.community, res.result.community,  # type: ignore[attr-defined]
                                                     scenario.name)
    m1, m2 = st.columns(2, gap="small")
    m1.markdown(f"**{before_t}**")
    m1.pydeck_chart(today_deck, height=whatif_maps.PAIR_FRAME.height_px, key="wi_map_today")
    m2.markdown(f"**{after_t}**")
    m2.pydeck_chart(scen_deck, height=whatif_maps.PAIR_FRAME.height_px, key="wi_map_scenario")
    st.markdown(f"**{change_t}**")
    legend(whatif_maps.change_legend(), t("maps15.wi.change_legend"))
    st.pydeck_chart(whatif_maps.change_deck(res.baseline.community, res.result.community,  # type: ignore[attr-defined]
                                            cache.map_geometry()), height=whatif_maps.CHANGE_FRAME.height_px,
                    key="wi_map_change")

    st.subheader(t("wi.top"))
    top = res.top_changes(15)  # type: ignore[attr-defined]
    if top.empty:
        st.info(t("wi.top.none"))
    else:
        people = st.column_config.NumberColumn(format=f"%d {t('unit.people')}")
        st.dataframe(pd.DataFrame({
            t("col.community"): top["name"], t("col.street"): top["street"],
            t("wi.col.risk"): [f"{label('risk', a)} → {label('risk', b)}" if a != b else label("risk", a)
                               for a, b in zip(top["risk_level_before"], top["risk_level_after"], strict=True)],
            t("wi.col.required"): top["required_after"], t("wi.col.available"): top["available_after"],
            t("wi.col.shortage_before"): top["shortage_before"], t("wi.col.shortage_after"): top["shortage_after"],
            t("wi.col.delta"): top["delta_shortage"]}), hide_index=True, width="stretch", column_config={
            c: people for c in (t("wi.col.required"), t("wi.col.available"), t("wi.col.shortage_before"),
                                t("wi.col.shortage_after"), t("wi.col.delta"))})

whatif_actions.render(actor, scenario, res)
