"""人员调配: pick a short community, choose cadres from surplus communities, preview, confirm, undo."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.model.errors import ConcurrentChange, FangxianError
from core.services import clock
from core.services.reassign import move_staff, undo_batch
from dashboard import cache, feedback, state_keys
from dashboard.auth import guard
from dashboard.builders import coverage_maps, plan_maps
from dashboard.i18n import label, t
from dashboard.panels.components import (
    choose,
    fmt_int,
    fmt_people,
    joined,
    missing_data,
    shift_choice,
)

TARGET_KEY, MAP_SEEN_KEY = state_keys.REASSIGN_TARGET, state_keys.REASSIGN_MAP_SEEN
LINK_SEEN_KEY = state_keys.REASSIGN_LINK_SEEN  # the ?community= a gap-list link brought us, taken once


def clear_form() -> None:
    for k in state_keys.REASSIGN_FORM:
        st.session_state.pop(k, None)


actor = guard("coordinator", "admin")
version = cache.version()
res = cache.gaps()
scope = res.community if actor.streets is None else res.community[res.community["street_code"].isin(actor.streets)]
short = scope[scope["shortage"] > 0].sort_values(["shortage", "code"], ascending=[False, True])

st.title(t("ra.title"))
st.caption(t("ra.caption"))
feedback.show_flash(state_keys.REASSIGN_FLASH, error_key=state_keys.REASSIGN_ERROR)
if missing_data(["communities", "staff"], key="reassign"):
    st.stop()
if short.empty:
    st.info(t("ra.no_short"))
    st.stop()

worst_id = int(short["community_id"].iat[0])
short = short.sort_values("code")  # a stable order: a move must not shift the picked option
ids = short["community_id"].astype(int).tolist()
by_code = dict(zip(short["code"], ids, strict=True))
linked = str(st.query_params.get("community", ""))
if linked in by_code and st.session_state.get(LINK_SEEN_KEY) != linked:
    st.session_state[LINK_SEEN_KEY] = linked
    st.session_state[TARGET_KEY] = by_code[linked]
if TARGET_KEY not in st.session_state or st.session_state[TARGET_KEY] not in ids:
    st.session_state[TARGET_KEY] = by_code.get(linked, worst_id)
left, right = st.columns([1.7, 1], gap="medium")
with right:  # the map comes first in the script so that a click can set the picker below
    st.caption(t("ra.map_hint"))
    ev = st.pydeck_chart(plan_maps.pick_deck(scope, cache.map_geometry(), st.session_state[TARGET_KEY]),
                         height=460, on_select="rerun", selection_mode="single-object", key="ra_map")
    clicked = coverage_maps.selected_code(ev, "communities")
    if clicked and clicked != st.session_state.get(MAP_SEEN_KEY):
        st.session_state[MAP_SEEN_KEY] = clicked
        if clicked in by_code:
            st.session_state[TARGET_KEY] = by_code[clicked]
row = short.set_index("community_id")
with left:
    # labels must not change when a move changes the gap: the browser sends the label back
    target = st.selectbox(t("ra.target"), ids, key=TARGET_KEY, placeholder=choose(), format_func=lambda i: t(
        "ra.target_fmt", name=row.loc[i, "name"], street=row.loc[i, "street"], code=row.loc[i, "code"]))
    m1, m2, m3, m4 = st.columns([1, 1, 1, 1.4], vertical_alignment="bottom")
    m1.metric(t("ra.col.required"), fmt_people(row.loc[target, "required"]))
    m2.metric(t("ra.col.available"), fmt_people(row.loc[target, "available"]))
    m3.metric(t("ra.col.shortage"), fmt_people(row.loc[target, "shortage"]))
    include_party = m4.toggle(t("ra.include_party"), value=False, key="ra_party")
    st.subheader(t("ra.candidates"))
    cand = cache.reassign_candidates(int(target), include_party,
                                     None if actor.streets is None else tuple(sorted(actor.streets)))
    if cand.empty:
        st.info(t("ra.no_candidates"))
        st.stop()
    km, ppl = st.column_config.NumberColumn(format=f"%.2f {t('unit.km')}"), f"%d {t('unit.people')}"
    view = pd.DataFrame({
        t("ra.col.name"): cand["name"], t("ra.col.code"): cand["staff_code"],
        t("ra.col.kind"): [label("kind", k) for k in cand["kind"]], t("ra.col.unit"): cand["unit"].fillna("—"),
        t("ra.col.from"): cand["from_community"], t("ra.col.from_surplus"): cand["from_surplus"],
        t("ra.col.home_km"): cand["home_km"], t("ra.col.post_km"): cand["post_km"],
        t("ra.col.skills"): [joined(t(f"skill.{x}") for x in s.split(",") if x) or "—" for s in cand["skills"]],
        t("ra.col.hours"): cand["hours_week"],
    })
    ev_c = st.dataframe(view, hide_index=True, width="stretch", height=380, on_select="rerun",
                        selection_mode="multi-row", key=f"ra_cand_{target}_{version}", column_config={
                            t("ra.col.home_km"): km, t("ra.col.post_km"): km,
                            t("ra.col.from_surplus"): st.column_config.NumberColumn(format=ppl),
                            t("ra.col.hours"): st.column_config.NumberColumn(format=f"%.1f {t('unit.hours')}")})
    picked = cand.iloc[list(ev_c.selection.rows)]
    st.caption(t("ra.selected", n=len(picked)))

def gap_txt(g: int) -> str:
    return t("gaps.short_n", n=int(g)) if g > 0 else t("gaps.surplus_n", n=int(-g)) if g < 0 else t("gaps.legend.balanced")


if len(picked):
    ids_ = picked["staff_id"].astype(int).tolist()
    pv = cache.move_preview(tuple(ids_), int(target))
    st.subheader(t("ra.preview"))
    st.dataframe(pd.DataFrame({
        t("ra.col.role"): [t(f"ra.role.{r}") for r in pv["role"]], t("col.community"): pv["name"],
        t("col.street"): pv["street"], t("ra.col.required"): pv["required"], t("ra.col.before"): pv["available_before"],
        t("ra.col.after"): pv["available_after"], t("ra.col.gap_before"): [gap_txt(g) for g in pv["gap_before"]],
        t("ra.col.gap_after"): [gap_txt(g) for g in pv["gap_after"]]}), hide_index=True, width="stretch",
        column_config={c: st.column_config.NumberColumn(format=ppl) for c in (
            t("ra.col.required"), t("ra.col.before"), t("ra.col.after"))})
    reason = st.text_input(t("ra.reason"), key="ra_reason", placeholder=t("ra.reason_ph"))
    origin_short = bool(((pv["role"] == "from") & (pv["gap_after"] > 0)).any())
    override = st.text_input(t("ra.override"), key="ra_override") if origin_short else ""
    away = picked[(picked["kind"] == "party_member") & picked["home_community_id"].notna()
                  & (picked["home_community_id"] != target)]
    party = st.text_input(t("ra.party_reason"), key="ra_party_reason") if len(away) else ""
    shifts = shift_choice(cache.roster_held(tuple(ids_)), "ra_shifts")
    if st.button(t("ra.confirm"), type="primary", key="ra_confirm", disabled=not reason.strip()):
        try:
            with cache.write() as uow:
                r = move_staff(uow, actor, ids_, int(target), reason, override_shortage_reason=override or None,
                               expected_versions=dict(zip(picked["staff_id"].astype(int), picked["version"].astype(int),
                                                          strict=False)),
                               expected_community_versions=dict(zip(pv["community_id"].astype(int),
                                                                    pv["version"].astype(int), strict=False)),
                               party_home_reason=party or None, shifts=shifts)
        except ConcurrentChange as exc:  # the view was stale: refreshed, with the reason shown
            feedback.error_later(state_keys.REASSIGN_ERROR, exc)
            clear_form()
            cache.clear()
            st.rerun()
        except FangxianError as exc:
            feedback.show_error(exc)
            st.stop()
        else:
            clear_form()
            done = t("ra.done", n=fmt_int(r.moved), name=row.loc[target, "name"], when=f"{clock.wall_now():%H:%M}")
            if r.released_shifts:
                done += " " + t("ra.shifts_released", n=fmt_int(r.released_shifts))
            feedback.finish_write(state_keys.REASSIGN_FLASH, done)

st.subheader(t("ra.batches"))
batches = cache.move_batches()
if batches.empty:
    st.caption(t("ra.no_batches"))
    st.stop()
st.dataframe(pd.DataFrame({
    t("ra.col.when"): pd.to_datetime(batches["created_at"]).dt.strftime("%m-%d %H:%M"), t("ra.col.actor"): batches["actor"],
    t("ra.col.type"): [t(f"ra.kind.{k}") for k in batches["kind"]], t("ra.col.moves"): batches["moves"],
    t("ra.col.reason"): batches["reason"],
    t("ra.col.status"): [t("ra.status.undone") if pd.notna(u) else t("ra.status.live") for u in batches["undone_at"]]}),
    hide_index=True, width="stretch", column_config={t("ra.col.moves"): st.column_config.NumberColumn(format=ppl)})
live = batches[batches["undone_at"].isna()]
if len(live):
    info = live.set_index("id")
    u1, u2, u3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    pick = u1.selectbox(t("ra.undo_pick"), list(info.index), key="ra_undo_pick", placeholder=choose(), format_func=lambda b: t(
        "ra.batch_fmt", when=pd.Timestamp(info.loc[b, "created_at"]).strftime("%m-%d %H:%M"), actor=info.loc[b, "actor"],
        kind=t(f"ra.kind.{info.loc[b, 'kind']}"), n=int(info.loc[b, "moves"]), reason=info.loc[b, "reason"]))
    why = u2.text_input(t("ra.undo_reason"), key="ra_undo_reason")
    if u3.button(t("ra.undo"), key="ra_undo", disabled=not why.strip()):
        try:
            with cache.write() as uow:
                undo_batch(uow, actor, str(pick), why)
        except FangxianError as exc:
            feedback.error_later(state_keys.REASSIGN_ERROR, exc)
            clear_form()
            cache.clear()
            st.rerun()
        else:
            clear_form()
            feedback.finish_write(state_keys.REASSIGN_FLASH, t(
                "ra.undone", when=pd.Timestamp(info.loc[pick, "created_at"]).strftime("%m-%d %H:%M"),
                n=int(info.loc[pick, "moves"])))
