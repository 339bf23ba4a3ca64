"""日常维护: a community's risk level (today, back-dated, scheduled; cancel a scheduled one), a person
off or back on duty (the off-duty list, overdue returns in red), the grid member of a grid."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from core.model.actor import Actor
from core.model.errors import FangxianError
from core.model.privacy import mask_names
from core.services.desk import (
    DUTY_REASONS,
    DUTY_ROLES,
    GRID_ROLES,
    RISK_LEVELS,
    RISK_ROLES,
    assign_grid_member,
    cancel_risk_change,
    set_duty,
    set_risk_level,
)
from dashboard import cache
from dashboard.auth import current_actor
from dashboard.feedback import finish_write, show_error, show_flash
from dashboard.i18n import t
from dashboard.navigation import PAGES_DIR
from dashboard.panels import field_feed
from dashboard.panels.components import choose, with_paren

FLASH = "desk_flash"
STYLED_ROWS = 200  # the off-duty list is tinted (overdue rows red) up to this many rows
signed_in = current_actor()
assert signed_in is not None
actor: Actor = signed_in  # narrowed once, for the helpers below too
scope = None if actor.streets is None else tuple(sorted(actor.streets))
today = cache.reference_now().date()
st.title(t("desk.title"))
st.caption(t("desk.caption"))
show_flash(FLASH)


def missing(text: str) -> None:
    """Say what is not loaded yet, and where it is loaded."""
    st.info(text)
    if actor.has("clerk", "admin"):
        st.page_link(str(PAGES_DIR / "data_import.py"), label=t("desk.go_import"), icon="📥")
    else:
        st.caption(t("desk.ask_clerk"))


def write(msg: Callable[[Any], str], fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """One user action: the service in one unit of work, then its message (or the error)."""
    try:
        with cache.write() as uow:
            res = fn(uow, actor, *args, **kwargs)
    except FangxianError as exc:
        show_error(exc)
    else:
        finish_write(FLASH, msg(res))


def names(s: pd.Series) -> pd.Series:
    return s if actor.sees_personal_data else mask_names(s)


comms = cache.desk_communities(scope)
if comms.empty:
    missing(t("desk.no_communities"))
    st.stop()
counts = cache.desk_counts()
risk_tab, duty_tab, grid_tab, post_tab = st.tabs([t("desk.tab.risk"), t("desk.tab.duty"), t("desk.tab.grid"),
                                                   t("desk.tab.checkpoints")])
with post_tab:  # before the other tabs: a tab below may stop the script when its data is missing
    field_feed.duty_board(actor)

with risk_tab:
    by_id = comms.set_index("community_id")
    # r["name"], not r.name: on an iterrows row .name is the index (the id), which showed as "大智街道 · 1"
    labels = {int(i): with_paren(f"{r['street']} · {r['name']}", t(f"risk.{r.risk_level}")) for i, r in by_id.iterrows()}
    if actor.has(*RISK_ROLES):
        with st.form("desk_risk"):
            c1, c2, c3 = st.columns([2, 1, 1])
            cid = c1.selectbox(t("desk.risk.community"), list(labels), format_func=labels.__getitem__, key="desk_risk_c",
                               placeholder=choose())
            level = c2.selectbox(t("desk.risk.level"), RISK_LEVELS, format_func=lambda x: t(f"risk.{x}"),
                                 key="desk_risk_level", placeholder=choose())
            day = c3.date_input(t("desk.risk.effective"), value=today, key="desk_risk_day",
                                help=t("desk.risk.effective.help"))
            why = st.text_input(t("desk.reason"), key="desk_risk_reason", max_chars=300, help=t("desk.reason.help"))
            if st.form_submit_button(t("desk.risk.submit"), type="primary", key="desk_risk_submit"):
                write(lambda res: t(f"desk.risk.done.{res.kind}", code=res.code, level=t(f"risk.{res.level}"),
                                    day=str(res.effective)),
                      set_risk_level, int(cid), level, day, why, int(by_id.loc[cid, "version"]))
    else:
        st.info(t("desk.read_only"))
    st.subheader(t("desk.risk.scheduled"))
    sched = cache.desk_scheduled(scope)
    if sched.empty:
        st.info(t("desk.risk.none_scheduled"))
    else:
        st.dataframe(pd.DataFrame({
            t("desk.risk.col.day"): sched["valid_from"].astype(str), t("col.street"): sched["street"],
            t("col.community"): sched["name"], t("desk.risk.col.from"): [t(f"risk.{x}") for x in sched["previous"]],
            t("desk.risk.col.to"): [t(f"risk.{x}") for x in sched["risk_level"]]}), hide_index=True, width="stretch")
        if actor.has(*RISK_ROLES):
            with st.form("desk_cancel"):
                opts = {i: f"{r['valid_from']} · {r['name']} → {t(f'risk.{r.risk_level}')}" for i, r in sched.iterrows()}
                pick = st.selectbox(t("desk.risk.cancel.pick"), list(opts), format_func=opts.__getitem__,
                                    key="desk_cancel_pick", placeholder=choose())
                why = st.text_input(t("desk.reason"), key="desk_cancel_reason", max_chars=300)
                if st.form_submit_button(t("desk.risk.cancel.submit"), key="desk_cancel_submit"):
                    r = sched.loc[pick]
                    write(lambda code: t("desk.risk.cancel.done", code=code, day=str(r["valid_from"])), cancel_risk_change,
                          int(r["community_id"]), pd.Timestamp(r["valid_from"]).date(), why, int(r["version"]))

with duty_tab:
    if counts["staff"] == 0:
        missing(t("desk.duty.no_staff"))
    else:
        if actor.has(*DUTY_ROLES):
            q = st.text_input(t("desk.duty.search"), key="desk_duty_q", placeholder=t("desk.duty.search_hint"))
            people = cache.desk_people(q, scope) if q.strip() else pd.DataFrame()
            if q.strip() and people.empty:
                st.info(t("desk.duty.no_match"))
            elif len(people):
                shown = names(people["name"])
                who = {int(r.staff_id): f"{r.code} {n} · {r.community if isinstance(r.community, str) else '—'} · "
                       f"{t('desk.duty.on') if r.on_duty else t('desk.duty.off')}"
                       for r, n in zip(people.itertuples(index=False), shown, strict=True)}
                sid = st.selectbox(t("desk.duty.person"), list(who), format_func=who.__getitem__, key="desk_duty_person",
                                   placeholder=choose())
                row = people.set_index("staff_id").loc[sid]
                if bool(row["on_duty"]):
                    with st.form("desk_off"):
                        c1, c2 = st.columns(2)
                        reason = c1.selectbox(t("desk.duty.reason"), DUTY_REASONS, placeholder=choose(),
                                              format_func=lambda r: t(f"desk.duty_reason.{r}"), key="desk_off_reason")
                        back = c2.date_input(t("desk.duty.expected_return"), value=None, min_value=today,
                                             key="desk_off_return")
                        note = st.text_input(t("desk.duty.note"), key="desk_off_note", max_chars=200)
                        if st.form_submit_button(t("desk.duty.off_submit"), type="primary", key="desk_off_submit"):
                            write(lambda code: t("desk.duty.off_done", code=code), set_duty, int(sid), False, reason=reason,
                                  expected_return=back, note=note, expected_version=int(row["version"]))
                else:
                    with st.form("desk_on"):
                        why = st.text_input(t("desk.reason"), value=t("desk.duty.back_default"), key="desk_on_reason")
                        if st.form_submit_button(t("desk.duty.on_submit"), type="primary", key="desk_on_submit"):
                            write(lambda code: t("desk.duty.on_done", code=code), set_duty, int(sid), True, reason=why,
                                  expected_version=int(row["version"]))
        else:
            st.info(t("desk.read_only"))
        st.subheader(t("desk.duty.off_list"))
        off = cache.desk_off_duty(scope)
        if off.empty:
            st.info(t("desk.duty.none_off"))
        else:
            late = off["overdue"].astype(bool)
            if late.any():
                st.warning(t("desk.duty.overdue_count", n=int(late.sum())), icon="⏰")
            table = pd.DataFrame({
                t("desk.col.code"): off["code"], t("desk.col.name"): names(off["name"]),
                t("col.community"): off["community"], t("desk.duty.col.reason"):
                    [t(f"desk.duty_reason.{r}") if isinstance(r, str) else "" for r in off["reason"]],
                t("desk.duty.col.since"): pd.to_datetime(off["since"]).dt.strftime("%m-%d %H:%M").fillna(""),
                t("desk.duty.col.return"): off["expected_return"].astype("string").fillna(""),
                t("desk.duty.col.days"): off["days_off"],
                t("desk.duty.col.overdue"): ["⚠️" if x else "" for x in late]})
            # overdue returns first; tinted red while the list is short enough to style (a Styler renders
            # every cell in Python: 0.9 s for the demo's 1,043 people off duty)
            first = np.argsort(~late.to_numpy(bool), kind="stable")
            table, late = table.iloc[first].reset_index(drop=True), late.iloc[first].reset_index(drop=True)
            shown = table.style.apply(
                lambda r: ["background-color: #fde2e1" if late.iat[r.name] else "" for _ in r], axis=1
            ) if len(table) <= STYLED_ROWS else table
            st.dataframe(shown, hide_index=True, width="stretch")
            if actor.has(*DUTY_ROLES):
                with st.form("desk_back"):
                    back_opts = {int(r.staff_id): f"{r.code} {n}" for r, n in
                                 zip(off.itertuples(index=False), names(off["name"]), strict=True)}
                    c1, c2 = st.columns(2)
                    sid = c1.selectbox(t("desk.duty.back_pick"), list(back_opts), format_func=back_opts.__getitem__,
                                       key="desk_back_pick", placeholder=choose())
                    why = c2.text_input(t("desk.reason"), value=t("desk.duty.back_default"), key="desk_back_reason")
                    if st.form_submit_button(t("desk.duty.on_submit"), key="desk_back_submit"):
                        ver = int(off.loc[off["staff_id"] == sid, "version"].iat[0])
                        write(lambda code: t("desk.duty.on_done", code=code), set_duty, int(sid), True,
                              reason=why, expected_version=ver)

with grid_tab:
    if counts["grids"] == 0:
        missing(t("desk.grid.no_grids"))
    else:
        grids = cache.desk_grids(scope)
        members = cache.desk_grid_members(scope)
        vacant = t("desk.grid.vacant")
        if counts["grid_members"] == 0:
            missing(t("desk.grid.no_members"))
        elif actor.has(*GRID_ROLES) and len(grids):
            gl = {int(r.grid_id): f"{r.community} · {r.name} ({r.code}) — "
                  f"{r.member_code if isinstance(r.member_code, str) else vacant}" for r in grids.itertuples(index=False)}
            ml: dict[int, str] = {-1: t("desk.grid.nobody")}
            ml.update({int(r.staff_id): f"{r.code} {n} · {r.grid if isinstance(r.grid, str) else vacant}"
                       for r, n in zip(members.itertuples(index=False), names(members["name"]), strict=True)})
            with st.form("desk_grid"):
                c1, c2 = st.columns(2)
                gid = c1.selectbox(t("desk.grid.grid"), list(gl), format_func=gl.__getitem__, key="desk_grid_pick",
                                   placeholder=choose())
                sid = c2.selectbox(t("desk.grid.member"), list(ml), format_func=ml.__getitem__, key="desk_grid_member",
                                   placeholder=choose())
                why = st.text_input(t("desk.reason"), key="desk_grid_reason", max_chars=300)
                if st.form_submit_button(t("desk.grid.submit"), type="primary", key="desk_grid_submit"):
                    code = str(grids.set_index("grid_id").loc[gid, "code"])
                    write(lambda _: t("desk.grid.done", grid=code), assign_grid_member, int(gid), None if sid == -1 else int(sid),
                          why)
        elif not actor.has(*GRID_ROLES):
            st.info(t("desk.read_only"))
        st.subheader(t("desk.grid.list"))
        st.dataframe(pd.DataFrame({
            t("col.street"): grids["street"], t("col.community"): grids["community"], t("desk.col.grid"): grids["name"],
            t("desk.col.code"): grids["code"], t("desk.grid.member"): grids["member_code"].fillna(vacant) + " " +
            names(grids["member_name"]).fillna("")}), hide_index=True, width="stretch")
