"""Pieces of the volunteer page: the task list with needed vs assigned, the assign form (conflicts and
fatigue explained, override reason), check-in/out, a new task, the hours view and the registry.
UI only: every write is a core service in the page's unit of work (``cache.write()``), then
``feedback.finish_write``; codes from core (skills, types, weekdays, issues) are put in words here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from core.i18n.volunteers import issue_text, weekdays_text
from core.model.actor import Actor
from core.model.errors import FangxianError
from core.model.volunteer_rules import TASK_TYPES, Issue
from core.services import volunteer_registry, volunteer_tasks
from dashboard import cache, state_keys
from dashboard.builders import charts
from dashboard.builders.volunteer_maps import hours_chart, task_label
from dashboard.feedback import finish_write, show_error, show_flash
from dashboard.i18n import TABLES, current_lang, t
from dashboard.panels.components import choose, choose_many, fmt_int, with_paren

WRITERS = volunteer_tasks.WRITE_ROLES


def flash() -> None:
    """The message the last write of the volunteer or errand page left."""
    show_flash(state_keys.VOLUNTEER_FLASH)


def _done(msg: str) -> None:
    finish_write(state_keys.VOLUNTEER_FLASH, msg)


def issue_line(issues: list[Issue]) -> str:
    """The issues of one person, as one line in the reader's language."""
    return t("punct.clause_sep").join(issue_text(i, current_lang(), TABLES) for i in issues)


def _error(exc: FangxianError) -> None:
    issues = exc.params.get("issues") or []
    if isinstance(exc, volunteer_tasks.NeedsOverride):
        st.warning(t("vol.assign.needs_reason"), icon="⚠️")
    else:
        show_error(exc)
    for issue in issues:  # type: ignore[union-attr]
        st.markdown(f"- {issue_text(issue, current_lang(), TABLES)}")


def _word(vocab: str, code: str) -> str:
    """The label of a vocabulary code, or the code itself when the catalogue has none."""
    key = f"{vocab}.{code}"
    return t(key) if key in TABLES.get(current_lang(), {}) else code


def skills_text(skills: pd.Series) -> pd.Series:
    """"driving,medical" -> 驾驶、医护 in the reader's language: each distinct list of skills written once
    (a few dozen), then mapped onto everyone (no loop, no group-by per person)."""
    text = skills.fillna("").astype(str)
    sep = t("punct.list_sep")  # once, not once a person
    words = {v: sep.join(_word("skill", c) for c in v.split(",") if c) for v in text.unique()}
    return text.map(words).astype(object)


def type_text(kind: pd.Series, volunteer_type: pd.Series) -> pd.Series:
    """A party member, or the volunteer's type (resident, youth …), in words."""
    vtypes = {c: _word("vtype", c) for c in volunteer_type.dropna().unique()}
    return volunteer_type.map(vtypes).where(kind != "party_member", t("kind.party_member"))


def availability_text(days: pd.Series, hour_from: pd.Series, hour_to: pd.Series) -> pd.Series:
    """Weekdays and hours in words (one label per distinct weekday set); "not registered" when none."""
    labels = days.map({d: weekdays_text(str(d), current_lang(), TABLES) for d in days.dropna().unique()}).astype(object)
    hours = (hour_from.fillna(0).astype(int).astype(str).str.zfill(2) + "–"
             + hour_to.fillna(0).astype(int).astype(str).str.zfill(2) + " " + t("vol.unit.hour_of_day"))
    return (labels + " " + hours).where(days.notna(), t("vol.avail.none"))


def _window(df: pd.DataFrame) -> pd.Series:
    return (pd.to_datetime(df["starts_at"]).dt.strftime("%H:%M") + "–"
            + pd.to_datetime(df["ends_at"]).dt.strftime("%H:%M"))


def task_table(tasks: pd.DataFrame) -> None:
    ppl = t("unit.people")
    st.dataframe(pd.DataFrame({
        t("vol.col.code"): tasks["code"], t("vol.col.type"): [task_label(x) for x in tasks["type"]],
        t("vol.col.title"): tasks["title"], t("col.community"): tasks["community"], t("vol.col.window"): _window(tasks),
        t("vol.col.fill"): tasks["fill"] + f" {ppl}", t("vol.col.missing"): tasks["missing"],
        t("vol.col.checked_in"): tasks["checked_in"],
        t("vol.col.state"): [t("vol.state.over") if o else (t("vol.state.short") if m > 0 else t("vol.state.full"))
                             for o, m in zip(tasks["overbooked"], tasks["missing"], strict=True)],
    }), hide_index=True, width="stretch", height=300, column_config={
        t("vol.col.missing"): st.column_config.NumberColumn(format=f"%d {ppl}"),
        t("vol.col.checked_in"): st.column_config.NumberColumn(format=f"%d {ppl}")})


def tasks_tab(actor: Actor, view: Any) -> None:
    tasks = view.tasks
    c = st.columns([2, 2, 1])
    types = c[0].multiselect(t("vol.filter.type"), list(TASK_TYPES), format_func=task_label, key="vol_types",
                             placeholder=t("vol.filter.all"), select_all=False)
    streets = dict(zip(tasks["street_code"], tasks["street"], strict=False))
    chosen = c[1].multiselect(t("col.street"), sorted(streets), format_func=streets.__getitem__, key="vol_streets",
                              placeholder=t("vol.filter.all"), select_all=False)
    only_short = c[2].checkbox(t("vol.filter.short"), key="vol_short")
    keep = pd.Series(True, index=tasks.index)
    if types:
        keep &= tasks["type"].isin(types)
    if chosen:
        keep &= tasks["street_code"].isin(chosen)
    if only_short:
        keep &= tasks["missing"] > 0
    shown = tasks[keep].sort_values(["missing", "starts_at"], ascending=[False, True])
    st.caption(t("vol.tasks.shown", n=fmt_int(len(shown)), seats=fmt_int(shown["missing"].sum())))
    task_table(shown)
    if shown.empty:
        return
    labels = dict(zip(shown["id"].astype(int), shown["code"] + " · " + [task_label(x) for x in shown["type"]] + " · "
                      + shown["title"].astype(str) + " · " + shown["community"].astype(str) + " · " + _window(shown),
                      strict=True))
    tid = st.selectbox(t("vol.task.pick"), list(labels), format_func=labels.__getitem__,
                       key=state_keys.VOLUNTEER_TASK, placeholder=choose())
    task_panel(actor, view, shown[shown["id"] == tid].iloc[0])


def _coverage(community_id: int) -> tuple[str, str]:
    g = cache.gaps().community.set_index("community_id")
    if community_id not in g.index:
        return "—", ""
    row = g.loc[community_id]
    cov = row["checkpoint_shift_coverage"]
    text = "—" if pd.isna(cov) else f"{cov:.0f} %"
    return text, t("vol.cov.detail", staffed=int(row["checkpoint_shifts_staffed"]), shifts=int(row["checkpoint_shifts"]),
                   vols=int(row["volunteers_deployed_counted"]))


def task_panel(actor: Actor, view: Any, task: pd.Series) -> None:
    ppl = t("unit.people")
    m = st.columns(4)
    m[0].metric(t("vol.kpi.fill"), f"{task['fill']} {ppl}")
    m[1].metric(t("vol.col.missing"), f"{int(task['missing'])} {ppl}")
    cov, detail = _coverage(int(task["community_id"]))
    m[2].metric(t("vol.kpi.cp_coverage"), cov, help=detail)
    m[3].metric(t("vol.col.checked_in"), f"{int(task['checked_in'])} {ppl}")
    st.caption(detail)
    on_task = view.assignments[view.assignments["task_id"] == int(task["id"])]
    if len(on_task):
        st.dataframe(pd.DataFrame({
            t("vol.col.person"): on_task["staff_code"] + " " + on_task["staff_name"].astype(str),
            t("vol.col.phone"): on_task["phone"],
            t("vol.col.in"): pd.to_datetime(on_task["checked_in_at"]).dt.strftime("%H:%M").fillna("—"),
            t("vol.col.out"): pd.to_datetime(on_task["checked_out_at"]).dt.strftime("%H:%M").fillna("—"),
            t("vol.col.override"): on_task["override_reason"]}), hide_index=True, width="stretch")
    if not actor.has(*WRITERS):
        st.info(t("vol.read_only"))
        return
    _assign_form(actor, task)
    if len(on_task):
        _clock_form(actor, on_task)


def _assign_form(actor: Actor, task: pd.Series) -> None:
    cand = cache.volunteer_candidates(int(task["id"]), personal=actor.sees_personal_data)
    ok = cand[~cand["blocked"]]
    ok = ok.assign(skills=skills_text(ok["skills"]))
    hrs = t("unit.hours")
    labels = {int(r.staff_id): f"{r.code} {r.staff_name} · {r.community} · {r.skills or t('vol.no_skills')} · "
                               f"{t('vol.that_day')} {r.hours_that_day:.1f} {hrs}" + (" ⚠️" if r.warned else "")
              for r in ok.itertuples()}
    st.markdown(f"**{t('vol.assign.title')}**")
    st.caption(t("vol.assign.caption", ok=fmt_int(len(ok)), blocked=fmt_int(int(cand["blocked"].sum()))))
    picked = st.multiselect(t("vol.assign.pick"), list(labels), format_func=labels.__getitem__,
                            key=state_keys.VOLUNTEER_PICK, placeholder=t("vol.assign.placeholder"), select_all=False)
    warned = ok[ok["staff_id"].isin(picked) & ok["warned"]]
    for issues in warned["issues"]:
        st.warning(issue_line(issues), icon="⚠️")
    reason = st.text_input(t("vol.assign.reason"), key=state_keys.VOLUNTEER_REASON, max_chars=200)
    if st.button(t("vol.assign.submit", n=len(picked)), type="primary", key="vol_assign", disabled=not picked):
        try:
            with cache.write() as uow:
                res = volunteer_tasks.assign_volunteers(uow, actor, int(task["id"]), picked, override_reason=reason)
        except FangxianError as exc:
            _error(exc)
        else:
            st.session_state.pop(state_keys.VOLUNTEER_PICK, None)
            _done(t("vol.assign.done", n=res.assigned, code=res.task_code, fill=res.fill))


def _clock_form(actor: Actor, on_task: pd.DataFrame) -> None:
    with st.expander(t("vol.clock.title"), expanded=False):
        names = dict(zip(on_task["id"].astype(int), on_task["staff_code"] + " " + on_task["staff_name"].astype(str),
                         strict=True))
        ids = st.multiselect(t("vol.clock.pick"), list(names), format_func=names.__getitem__, key="vol_clock_ids",
                             placeholder=choose_many(), select_all=False)
        c = st.columns(2)
        for col, out, key in ((c[0], False, "vol_in"), (c[1], True, "vol_out")):
            if col.button(t("vol.clock.out" if out else "vol.clock.in"), key=key, disabled=not ids, width="stretch"):
                try:
                    with cache.write() as uow:
                        n = (volunteer_tasks.check_out if out else volunteer_tasks.check_in)(uow, actor, ids)
                except FangxianError as exc:
                    _error(exc)
                else:
                    _done(t("vol.clock.done_out" if out else "vol.clock.done_in", n=n))


def new_task_form(actor: Actor, view: Any) -> None:
    if not actor.has(*WRITERS):
        return
    with st.expander(t("vol.new.title"), expanded=False):
        type_ = st.selectbox(t("vol.col.type"), list(TASK_TYPES), format_func=task_label, key="vol_new_type",
                             placeholder=choose())
        cps = cache.active_checkpoints()
        comms = view.communities.sort_values("code")
        with st.form("vol_new_task"):
            if type_ == "checkpoint":
                opts = dict(zip(cps["id"].astype(int), cps["name"] + " · " + cps["community"], strict=True))
                place = st.selectbox(t("vol.new.checkpoint"), list(opts), format_func=opts.__getitem__, key="vol_new_cp",
                                     placeholder=choose())
            else:
                opts = {int(i): with_paren(n, s)
                        for i, n, s in zip(comms["community_id"], comms["name"], comms["street"], strict=True)}
                place = st.selectbox(t("col.community"), list(opts), format_func=opts.__getitem__, key="vol_new_comm",
                                     placeholder=choose())
            c = st.columns(4)
            day = c[0].date_input(t("vol.new.day"), value=view.today, key="vol_new_day")
            start = c[1].time_input(t("vol.new.start"), value=dt.time(min(view.now.hour + 1, 20)), key="vol_new_start")
            hours = c[2].number_input(t("vol.new.hours"), 1.0, 12.0, 4.0, 0.5, key="vol_new_hours")
            needed = c[3].number_input(t("vol.new.needed"), 1, 50, 2, key="vol_new_needed")
            title = st.text_input(t("vol.new.name"), key="vol_new_name", max_chars=60)
            if st.form_submit_button(t("vol.new.submit"), type="primary"):
                starts = dt.datetime.combine(day, start)
                kw = {"checkpoint_id": place} if type_ == "checkpoint" else {"community_id": place}
                try:
                    with cache.write() as uow:
                        made = volunteer_tasks.create_task(uow, actor, type_=type_, starts_at=starts,
                                                           ends_at=starts + dt.timedelta(hours=float(hours)),
                                                           needed=int(needed), title=title, **kw)
                except FangxianError as exc:
                    _error(exc)
                else:
                    _done(t("vol.new.done", code=made.code))


def hours_tab(view: Any) -> None:
    p = view.people
    n = view.norms
    st.caption(t("vol.hours.caption", hours=f"{n.max_hours_per_day:g}", days=f"{n.max_consecutive_days:g}"))
    served = p[p["hours_7d"] > 0]
    if served.empty:
        st.info(t("vol.none"))
        return
    c = st.columns([3, 2])
    c[0].altair_chart(charts.served(hours_chart(served, n.max_hours_per_day)), width="stretch")
    worn = served[served["worn_out"]].sort_values(["hours_today", "streak"], ascending=False)
    hrs = t("unit.hours")
    c[1].markdown(f"**{t('vol.hours.worn', n=len(worn))}**")
    c[1].dataframe(pd.DataFrame({
        t("vol.col.person"): worn["code"] + " " + worn["staff_name"].astype(str), t("col.community"): worn["community"],
        t("vol.col.today_h"): worn["hours_today"].round(1), t("vol.col.week_h"): worn["hours_7d"].round(1),
        t("vol.col.streak"): worn["streak"].astype(int)}), hide_index=True, width="stretch", height=560, column_config={
        t("vol.col.today_h"): st.column_config.NumberColumn(format=f"%.1f {hrs}"),
        t("vol.col.week_h"): st.column_config.NumberColumn(format=f"%.1f {hrs}"),
        t("vol.col.streak"): st.column_config.NumberColumn(format=f"%d {t('vol.unit.days')}")})


def registry_tab(actor: Actor, view: Any) -> None:
    p = view.people
    p = p.assign(skills_text=skills_text(p["skills"]), type_text=type_text(p["kind"], p["volunteer_type"]),
                 availability_text=availability_text(p["days"], p["hour_from"], p["hour_to"]))
    c = st.columns([2, 2, 2])
    kinds = {"volunteer": t("kind.volunteer"), "party_member": t("kind.party_member")}
    kind = c[0].multiselect(t("vol.filter.kind"), list(kinds), format_func=kinds.__getitem__, key="vol_reg_kind",
                            placeholder=t("vol.filter.all"), select_all=False)
    skill = c[1].text_input(t("vol.filter.skill"), key="vol_reg_skill", placeholder=t("vol.filter.skill_hint"))
    comm = c[2].text_input(t("vol.filter.community"), key="vol_reg_comm")
    keep = pd.Series(True, index=p.index)
    if kind:
        keep &= p["kind"].isin(kind)
    if skill.strip():
        keep &= p["skills_text"].str.contains(skill.strip(), regex=False)
    if comm.strip():
        keep &= p["community"].fillna("").str.contains(comm.strip(), regex=False)
    shown = p[keep]
    hrs = t("unit.hours")
    st.caption(t("vol.reg.shown", n=fmt_int(len(shown))))
    st.dataframe(pd.DataFrame({
        t("vol.col.code"): shown["code"], t("vol.col.name"): shown["staff_name"], t("vol.col.phone"): shown["phone"],
        t("vol.col.vtype"): shown["type_text"], t("col.community"): shown["community"], t("col.street"): shown["street"],
        t("vol.col.skills"): shown["skills_text"], t("vol.col.availability"): shown["availability_text"],
        t("vol.col.on_duty"): [t("vol.yes") if x else t("vol.no") for x in shown["on_duty"]],
        t("vol.col.served"): shown["hours_served_21d"].round(1)}), hide_index=True, width="stretch", height=480,
        column_config={t("vol.col.served"): st.column_config.NumberColumn(format=f"%.1f {hrs}")})
    if not actor.has(*volunteer_registry.REGISTRY_ROLES) or shown.empty:
        return
    with st.expander(t("vol.avail.title")):
        opts = dict(zip(shown["staff_id"].astype(int).head(500), (shown["code"] + " " + shown["staff_name"].astype(str)).head(500),
                        strict=True))
        with st.form("vol_avail"):
            sid = st.selectbox(t("vol.col.person"), list(opts), format_func=opts.__getitem__, key="vol_av_sid",
                               placeholder=choose())
            days = st.multiselect(t("vol.avail.days"), list(range(7)), default=list(range(7)),
                                  placeholder=choose_many(), select_all=False,
                                  format_func=lambda d: t(f"vol.wd.{d}"), key="vol_av_days")
            c2 = st.columns(2)
            h0 = c2[0].number_input(t("vol.avail.from"), 0, 23, 8, key="vol_av_from")
            h1 = c2[1].number_input(t("vol.avail.to"), 1, 24, 20, key="vol_av_to")
            if st.form_submit_button(t("vol.avail.submit")):
                try:
                    with cache.write() as uow:
                        volunteer_registry.set_availability(uow, actor, int(sid), "".join(map(str, days)), int(h0),
                                                            int(h1))
                except FangxianError as exc:
                    _error(exc)
                else:
                    _done(t("vol.avail.done", who=opts[int(sid)]))
