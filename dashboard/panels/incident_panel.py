"""Pieces of the incident page: the table frame, the selected incident's panel (history and the
actions its status allows), the report form and the deadline-rule editor. UI only: every write is a
core service in the page's unit of work (``cache.write()``), then ``feedback.finish_write``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from core.model.actor import Actor
from core.model.errors import FangxianError
from core.model.incident_rules import ANY_TYPE, REPORT_ROLES, TRANSITION_ROLES, allowed_actions
from core.model.vocab import IncidentType, Severity
from core.services import incidents as incident_service
from dashboard import cache, state_keys
from dashboard.feedback import finish_write, show_error, show_flash
from dashboard.i18n import label, t
from dashboard.panels.components import choose, with_paren


def flash() -> None:
    """The message the last write of the incident, isolation or screening page left."""
    show_flash(state_keys.INCIDENT_FLASH)


def _done(msg: str) -> None:
    finish_write(state_keys.INCIDENT_FLASH, msg)


def table_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The listing with Chinese headers and words (also what the CSV export holds)."""
    return pd.DataFrame({
        t("inc.col.code"): df["code"], t("inc.col.status"): [label("status", s) for s in df["status"]],
        t("inc.col.type"): [label("itype", x) for x in df["type"]],
        t("inc.col.severity"): [label("severity", s) for s in df["severity"]],
        t("col.street"): df["street"], t("col.community"): df["community"], t("inc.col.place"): df["place"],
        t("inc.col.reported_at"): pd.to_datetime(df["reported_at"]).dt.strftime("%m-%d %H:%M"),
        t("inc.col.deadline"): pd.to_datetime(df["deadline"]).dt.strftime("%m-%d %H:%M"),
        t("inc.col.age"): [f"{a:.1f} {t('unit.hours')}" for a in df["age_h"]],
        t("inc.col.overdue"): [t("inc.yes") if o else "" for o in df["overdue"]],
        t("inc.col.assignee"): df["assignee"],
        t("inc.col.source"): [t(f"inc.source.{s}") for s in df["source"]],
        t("inc.col.description"): df["description"],
    })


def detail(actor: Actor, row: pd.Series) -> None:
    st.subheader(t("inc.detail", code=row["code"]))
    st.markdown(f"**{label('itype', row['type'])}** · {label('severity', row['severity'])} · "
                f"{label('status', row['status'])} · {t('inc.in_street', community=row['community'], street=row['street'])}")
    st.caption(str(row["description"]))
    if row.get("source") == "phone":
        pic = cache.incident_photo(int(row["id"]))
        if pic is not None:
            st.image(bytes(pic["data"]), caption=t("inc.photo", w=pic["width"], h=pic["height"]), width=480)
    hist = cache.incident_history(int(row["id"]))
    if len(hist):
        st.markdown(f"**{t('inc.history')}**")
        st.dataframe(pd.DataFrame({
            t("inc.col.at"): pd.to_datetime(hist["at"]).dt.strftime("%m-%d %H:%M"), t("inc.col.actor"): hist["actor"],
            t("inc.col.action"): [t(f"inc.action.{a}") for a in hist["action"]],
            t("inc.col.status"): [label("status", s) for s in hist["to_status"]],
            t("inc.col.assignee"): hist["assignee"].fillna(""), t("inc.col.note"): hist["note"].fillna(""),
        }), hide_index=True, width="stretch")
    actions = allowed_actions(str(row["status"]))
    if not actions:
        st.info(t("inc.no_actions"))
        return
    if not actor.has(*TRANSITION_ROLES) or not actor.in_scope(row["street_code"]):
        st.info(t("inc.read_only"))
        return
    _actions_form(actor, row, actions)


def _actions_form(actor: Actor, row: pd.Series, actions: list[str]) -> None:
    key = f"inc_act_{int(row['id'])}"
    with st.form(key):
        st.markdown(f"**{t('inc.actions')}**")
        sev = team = None
        person: Any = None
        if "triage" in actions:
            sev = st.selectbox(t("inc.new_severity"), [s.value for s in Severity],
                               index=[s.value for s in Severity].index(row["severity"]), placeholder=choose(),
                               format_func=lambda s: label("severity", s), key=f"{key}_sev")
        if "dispatch" in actions:
            people = cache.dispatch_options(int(row["community_id"]))
            opts = [None, *people["id"].astype(int).tolist()]
            names = {int(i): with_paren(n, label("kind", k))
                     for i, n, k in zip(people["id"], people["name"], people["kind"], strict=True)}
            c1, c2 = st.columns(2)
            person = c1.selectbox(t("inc.assignee_staff"), opts, key=f"{key}_person", placeholder=choose(),
                                  format_func=lambda i: t("inc.assignee_none") if i is None else names[i])
            team = c2.text_input(t("inc.assignee_team"), key=f"{key}_team", max_chars=100)
        note = st.text_input(t("inc.note"), key=f"{key}_note", max_chars=500)
        cols = st.columns(len(actions))
        pressed = [a for a, c in zip(actions, cols, strict=True)
                   if c.form_submit_button(t(f"inc.action.{a}"), key=f"{key}_{a}", width="stretch",
                                           type="primary" if a in ("dispatch", "resolve") else "secondary")]
    if pressed:
        action = pressed[0]
        try:
            with cache.write() as uow:
                incident_service.transition(uow, actor, int(row["id"]), action, expected_version=int(row["version"]),
                                            note=note or "", assignee_staff_id=person if action == "dispatch" else None,
                                            assignee_team=team if action == "dispatch" else None,
                                            severity=sev if action == "triage" else None)
        except FangxianError as exc:
            show_error(exc)
            return
        _done(t("inc.done", action=t(f"inc.action.{action}"), code=row["code"]))


def report_form(actor: Actor) -> None:
    if not actor.has(*REPORT_ROLES):
        return
    comms = cache.overview().communities
    comms = comms[[actor.in_scope(s) for s in comms["street_code"]]]
    with st.expander(t("inc.report"), icon="📝"), st.form("inc_report", clear_on_submit=True):
        c1, c2, c3 = st.columns(3)
        names = {int(i): with_paren(n, s) for i, n, s in zip(comms["id"], comms["name"], comms["street"], strict=True)}
        cid = c1.selectbox(t("inc.report.community"), list(names), format_func=names.__getitem__, key="inc_r_comm",
                           placeholder=choose())
        type_ = c2.selectbox(t("inc.filter.type"), [x.value for x in IncidentType], key="inc_r_type",
                             format_func=lambda x: label("itype", x), placeholder=choose())
        sev = c3.selectbox(t("inc.filter.severity"), [s.value for s in Severity], key="inc_r_sev",
                           format_func=lambda s: label("severity", s), placeholder=choose())
        place = st.text_input(t("inc.report.place"), key="inc_r_place", max_chars=200)
        desc = st.text_area(t("inc.report.description"), key="inc_r_desc", max_chars=500, height=80)
        if st.form_submit_button(t("inc.report.submit"), type="primary", key="inc_r_submit"):
            try:
                with cache.write() as uow:
                    rep = incident_service.report_incident(uow, actor, community_id=int(cid), type_=type_,
                                                           severity=sev, description=desc, place=place)
            except FangxianError as exc:
                show_error(exc)
                return
            _done(t("inc.report.done", code=rep.code, deadline=f"{rep.deadline:%m-%d %H:%M}"))


def rules_editor(actor: Actor) -> None:
    if not actor.has("admin"):
        return
    rules = cache.deadline_rules()
    with st.expander(t("inc.rules"), icon="⏱️"):
        st.caption(t("inc.rules.caption"))
        st.dataframe(pd.DataFrame({
            t("inc.col.type"): [t("inc.rules.any") if x == ANY_TYPE else label("itype", x) for x in rules["type"]],
            t("inc.col.severity"): [label("severity", s) for s in rules["severity"]],
            t("inc.col.hours"): rules["hours"],
        }), hide_index=True, column_config={t("inc.col.hours"): st.column_config.NumberColumn(
            format=f"%.1f {t('unit.hours')}")})
        with st.form("inc_rule"):
            c1, c2, c3 = st.columns(3)
            type_ = c1.selectbox(t("inc.col.type"), [ANY_TYPE, *[x.value for x in IncidentType]], key="inc_rule_type",
                                 placeholder=choose(),
                                 format_func=lambda x: t("inc.rules.any") if x == ANY_TYPE else label("itype", x))
            sev = c2.selectbox(t("inc.col.severity"), [s.value for s in Severity], key="inc_rule_sev",
                               format_func=lambda s: label("severity", s), placeholder=choose())
            hours = c3.number_input(t("inc.with_unit", label=t("inc.col.hours"), unit=t("unit.hours")), 0.25, 336.0, 24.0, 0.5,
                                    key="inc_rule_hours")
            if st.form_submit_button(t("inc.rules.save"), key="inc_rule_save"):
                try:
                    with cache.write() as uow:
                        incident_service.set_deadline_rule(uow, actor, type_, sev, float(hours))
                except FangxianError as exc:
                    show_error(exc)
                    return
                _done(t("inc.rules.saved"))


def today_counts(df: pd.DataFrame, now: dt.datetime) -> tuple[int, int]:
    day = pd.Timestamp(now.date())
    rep = pd.to_datetime(df["reported_at"])
    res = pd.to_datetime(df["resolved_at"])
    return int((rep >= day).sum()), int((res >= day).sum())
