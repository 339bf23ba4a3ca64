"""代买代办: the residents' errands queue — ages, deadlines, overdue highlighted; register, assign,
start, complete, cancel; escalate what is overdue as incidents (they reach the wall screen)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.model.errors import FangxianError
from core.model.volunteer_rules import (
    ERRAND_KINDS,
    ERRAND_STATUSES,
    ERRAND_TRANSITIONS,
    OPEN_ERRAND_STATUSES,
)
from core.services import errands as errand_service
from dashboard import cache, state_keys
from dashboard.auth import current_actor
from dashboard.feedback import finish_write, show_error
from dashboard.i18n import t
from dashboard.panels.components import choose, fmt_int, joined, missing_data
from dashboard.panels.volunteer_panel import flash, skills_text

actor = current_actor()
assert actor is not None
df = cache.errand_queue(personal=actor.sees_personal_data)
now = pd.Timestamp(cache.reference_now())
st.title(t("err.title"))
st.caption(t("err.caption"))
flash()
if missing_data(["communities"], key="errands"):
    st.stop()
missing_data(["households", "vulnerable"], key="errands-more")
if not actor.sees_personal_data:
    st.info(t("vol.masked"), icon="🔒")


def done(msg: str) -> None:
    finish_write(state_keys.VOLUNTEER_FLASH, msg)


cnt = errand_service.counts(df, now.to_pydatetime())
pcs = t("err.unit")
m = st.columns([1, 1, 1, 1, 1, 1.2])
m[0].metric(t("err.kpi.open"), f"{fmt_int(cnt['open'])} {pcs}")
m[1].metric(t("err.kpi.overdue"), f"{fmt_int(cnt['overdue'])} {pcs}")
m[2].metric(t("err.kpi.due_soon"), f"{fmt_int(cnt['due_soon'])} {pcs}")
m[3].metric(t("err.kpi.new"), f"{fmt_int(cnt['new'])} {pcs}")
m[4].metric(t("err.kpi.done_today"), f"{fmt_int(cnt['done_today'])} {pcs}")
if actor.has(*errand_service.ESCALATE_ROLES) and m[5].button(t("err.escalate"), key="err_escalate", width="stretch"):
    try:
        with cache.write() as uow:
            res = errand_service.escalate_overdue(uow, actor)
    except FangxianError as exc:
        show_error(exc)
    else:
        done(t("err.escalated", n=res.errands, codes=joined(res.incident_codes) or "—"))

f = st.columns([2, 2, 2, 1])
statuses = f[0].multiselect(t("err.filter.status"), list(ERRAND_STATUSES), default=list(OPEN_ERRAND_STATUSES),
                            format_func=lambda s: t(f"err.status.{s}"), key="err_status", placeholder=t("vol.filter.all"),
                            select_all=False)
kinds = f[1].multiselect(t("err.filter.kind"), list(ERRAND_KINDS), format_func=lambda k: t(f"err.kind.{k}"),
                         key="err_kinds", placeholder=t("vol.filter.all"), select_all=False)
streets = dict(zip(df["street_code"], df["street"], strict=False))
chosen = f[2].multiselect(t("col.street"), sorted(streets), format_func=streets.__getitem__, key="err_streets",
                          placeholder=t("vol.filter.all"), select_all=False)
only_late = f[3].checkbox(t("err.filter.overdue"), key="err_late")
keep = pd.Series(True, index=df.index)
for col, values in (("status", statuses), ("kind", kinds), ("street_code", chosen)):
    if values:
        keep &= df[col].isin(values)
if only_late:
    keep &= df["overdue"]
q = df[keep].sort_values(["overdue", "left_h"], ascending=[False, True]).reset_index(drop=True)
hrs = t("unit.hours")
left = [t("err.late", h=f"{-x:.1f}") if o else (f"{x:.1f} {hrs}" if op else "—")
        for x, o, op in zip(q["left_h"], q["overdue"], q["open"], strict=True)]
table = pd.DataFrame({
    t("err.col.code"): q["code"], t("err.col.kind"): [t(f"err.kind.{k}") for k in q["kind"]],
    t("err.col.status"): [t(f"err.status.{s}") for s in q["status"]], t("col.community"): q["community"],
    t("err.col.resident"): q["resident_name"], t("err.col.phone"): q["phone"], t("err.col.address"): q["address"],
    t("err.col.detail"): q["detail"], t("err.col.assignee"): (q["assignee_code"].fillna("") + " " +
                                                             q["staff_name"].fillna("")).str.strip(),
    t("err.col.age"): q["age_h"], t("err.col.left"): left, t("err.col.incident"): q["incident_code"].fillna("")})
late_rows = q["overdue"].to_numpy()
styled = table.style.apply(lambda r: ["background-color:#fee2e2;color:#991b1b;font-weight:600" if late_rows[r.name]
                                      else "" for _ in r], axis=1)
st.caption(t("err.shown", n=fmt_int(len(q)), late=fmt_int(int(q["overdue"].sum()))))
st.dataframe(styled, hide_index=True, width="stretch", height=430,
             column_config={t("err.col.age"): st.column_config.NumberColumn(format=f"%.1f {hrs}")})

act, new = st.columns(2)
with act:
    st.subheader(t("err.handle"))
    open_q = q[q["open"]]
    if not actor.has(*errand_service.HANDLE_ROLES) or open_q.empty:
        st.info(t("vol.read_only") if not open_q.empty else t("vol.none"))
    else:
        names = dict(zip(open_q["id"].astype(int), open_q["code"] + " · " + [t(f"err.kind.{k}") for k in open_q["kind"]]
                         + " · " + open_q["community"], strict=True))
        eid = st.selectbox(t("err.pick"), list(names), format_func=names.__getitem__, key="err_pick", placeholder=choose())
        row = open_q[open_q["id"] == eid].iloc[0]
        allowed = [a for (a, s) in ERRAND_TRANSITIONS if s == row["status"]]
        with st.form("err_act"):
            action = st.radio(t("err.action"), allowed, format_func=lambda a: t(f"err.action.{a}"), horizontal=True,
                              key=f"err_action_{row['status']}")
            vols = cache.volunteer_view(personal=actor.sees_personal_data).people
            local = vols[(vols["community_id"] == row["community_id"]) & vols["on_duty"].astype(bool)]
            options = dict(zip(local["staff_id"].astype(int), local["code"] + " " + local["staff_name"].astype(str)
                               + " · " + skills_text(local["skills"]), strict=True))
            who = st.selectbox(t("err.assignee"), list(options), format_func=options.__getitem__, key="err_who",
                               index=None, placeholder=t("err.assignee.hint"))
            note = st.text_input(t("err.note"), key="err_note", max_chars=200)
            if st.form_submit_button(t("err.submit"), type="primary"):
                try:
                    with cache.write() as uow:
                        errand_service.act_on_errand(uow, actor, int(eid), action, expected_version=int(row["version"]),
                                                     staff_id=who if action == "assign" else None, note=note)
                except FangxianError as exc:
                    show_error(exc)
                else:
                    done(t("err.acted", code=row["code"], action=t(f"err.action.{action}")))
with new:
    st.subheader(t("err.new"))
    if not actor.has(*errand_service.CREATE_ROLES):
        st.info(t("vol.read_only"))
    else:
        iso = cache.isolation_view(personal=actor.sees_personal_data).households
        hh = dict(zip(iso["id"].astype(int), iso["code"] + " · " + iso["community"] + " · " + iso["head_name"].astype(str),
                      strict=True))
        with st.form("err_new", clear_on_submit=True):
            kind = st.selectbox(t("err.col.kind"), list(ERRAND_KINDS), format_func=lambda k: t(f"err.kind.{k}"),
                                key="err_new_kind", placeholder=choose())
            hid = st.selectbox(t("err.household"), list(hh), format_func=hh.__getitem__, key="err_new_hh",
                               placeholder=choose())
            detail = st.text_area(t("err.new.detail"), key="err_new_detail", max_chars=300, height=80)
            hours = st.number_input(t("err.deadline_h"), 0.5, 168.0, value=None, step=0.5, key="err_new_hours",
                                    placeholder=t("err.deadline_default"))
            if st.form_submit_button(t("err.create"), type="primary"):
                try:
                    with cache.write() as uow:
                        made = errand_service.create_errand(uow, actor, kind=kind, detail=detail,
                                                            household_id=int(hid), deadline_hours=hours)
                except FangxianError as exc:
                    show_error(exc)
                else:
                    done(t("err.created", code=made.code, deadline=made.deadline.strftime("%m-%d %H:%M")))
