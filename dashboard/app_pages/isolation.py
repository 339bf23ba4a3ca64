"""居家隔离: households (masked per role), today's checks, missing checks, ending soon, enter a check, scan."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.model.errors import FangxianError
from core.services.isolation import (
    ENTRY_ROLES,
    SCAN_ROLES,
    end_household,
    record_check,
    scan_isolation,
)
from dashboard import cache, state_keys
from dashboard.auth import current_actor
from dashboard.feedback import finish_write, show_error
from dashboard.i18n import t
from dashboard.panels.components import choose, fmt_int, missing_data, with_unit
from dashboard.panels.incident_panel import flash

actor = current_actor()
assert actor is not None
view = cache.isolation_view(personal=actor.sees_personal_data)
hh = view.households
st.title(t("iso.title"))
st.caption(t("iso.caption", hour=view.settings.missed_hour, thr=f"{view.settings.fever_threshold:.1f}"))
flash()
if missing_data(["communities"], key="isolation"):
    st.stop()
missing_data(["households"], key="isolation-none")
if not actor.sees_personal_data:
    st.info(t("iso.masked"), icon="🔒")

top = st.columns([3, 1])
streets = dict(zip(hh["street_code"], hh["street"], strict=False))
chosen = top[0].multiselect(t("iso.street"), sorted(streets), format_func=streets.__getitem__,
                            key=state_keys.ISOLATION_STREETS,
                            placeholder=t("inc.filter.all"), select_all=False)
if actor.has(*SCAN_ROLES) and top[1].button(t("iso.scan"), key="iso_scan", type="primary", width="stretch"):
    try:
        with cache.write() as uow:
            res = scan_isolation(uow, actor)
    except FangxianError as exc:
        show_error(exc)
    else:
        finish_write(state_keys.INCIDENT_FLASH, t("iso.scan.done", fever=res.fever, missed=res.missed))


def pick(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["street_code"].isin(chosen)] if chosen and len(df) else df


hh, missing, ending = pick(hh), pick(view.missing), pick(view.ending)
today = pick(view.checks_today) if len(view.checks_today) else view.checks_today
pu = t("unit.people")
k = st.columns(6)  # six figures in a row: a unit the label does not say goes in the label ("今日已监测（户）")
for col, key, n, unit in ((k[0], "households", len(hh), None), (k[1], "members", hh["members"].sum(), None),
                          (k[2], "checked", hh["checked_today"].sum(), "unit.households"),
                          (k[3], "missing", len(missing), "unit.households"), (k[4], "fever", hh["fever"].sum(), "unit.households"),
                          (k[5], "ending", len(ending), "unit.households")):
    col.metric(with_unit(t(f"iso.kpi.{key}"), unit) if unit else t(f"iso.kpi.{key}"), fmt_int(n))


def temperature(values: pd.Series) -> list[str]:
    """A reading as "37.6 ℃", none yet as a dash (a number column would show Streamlit's "None")."""
    return [f"{x:.1f} ℃" if pd.notna(x) else "—" for x in values]


def table(df: pd.DataFrame, extra: dict[str, pd.Series] | None = None) -> None:
    if df.empty:
        st.info(t("iso.none"))
        return
    cols = {t("iso.col.code"): df["code"], t("iso.col.head"): df["head_name"], t("iso.col.phone"): df["phone"],
            t("col.street"): df["street"], t("col.community"): df["community"], t("iso.col.grid"): df["grid"],
            t("iso.col.address"): df["address"], t("iso.col.members"): df["members"],
            t("iso.col.start"): df["start_date"].astype(str), t("iso.col.end"): df["planned_end"].astype(str),
            t("iso.col.days_left"): df["days_left"], **(extra or {})}
    st.dataframe(pd.DataFrame(cols), hide_index=True, width="stretch", height=420, column_config={
        t("iso.col.members"): st.column_config.NumberColumn(format=f"%d {pu}"),
        t("iso.col.days_left"): st.column_config.NumberColumn(format=f"%d {t('iso.unit.days')}"),
        t("iso.col.max_temp"): st.column_config.TextColumn(alignment="right")})


tabs = st.tabs([t("iso.tab.list"), t("iso.tab.today"), t("iso.tab.missing"), t("iso.tab.ending"), t("iso.tab.enter")])
with tabs[0]:
    table(hh, {t("iso.col.max_temp"): temperature(hh["max_temp"]),
               t("iso.col.checked"): [t("inc.yes") if c else t("inc.no") for c in hh["checked_today"]]})
with tabs[1]:
    if len(today):
        st.dataframe(pd.DataFrame({
            t("iso.col.code"): today["code"], t("col.community"): today["community"], t("iso.col.grid"): today["grid"],
            t("iso.col.checked_at"): pd.to_datetime(today["checked_at"]).dt.strftime("%H:%M"),
            t("iso.col.max_temp"): temperature(today["max_temp"]),
            t("iso.col.groceries"): [t("inc.yes") if x else "" for x in today["need_groceries"]],
            t("iso.col.medicine"): [t("inc.yes") if x else "" for x in today["need_medicine"]],
            t("iso.col.other"): today["need_other"], t("iso.col.by"): today["checked_by"]}),
            hide_index=True, width="stretch", height=420,
            column_config={t("iso.col.max_temp"): st.column_config.TextColumn(alignment="right")})
    else:
        st.info(t("iso.none"))
with tabs[2]:
    table(missing)
with tabs[3]:
    table(ending)
    if actor.has(*ENTRY_ROLES) and len(ending):
        with st.form("iso_end"):
            due = dict(zip(ending["id"].astype(int), ending["code"] + " · " + ending["planned_end"].astype(str),
                           strict=True))
            c1, c2 = st.columns([1, 2])
            end_id = c1.selectbox(t("iso.end.household"), list(due), format_func=due.__getitem__, key="iso_end_hh",
                                  placeholder=choose())
            why = c2.text_input(t("iso.end.reason"), value=t("iso.end.default_reason"), key="iso_end_reason")
            if st.form_submit_button(t("iso.end.submit"), key="iso_end_submit"):
                try:
                    ver = int(ending.loc[ending["id"] == end_id, "version"].iat[0])
                    with cache.write() as uow:
                        end_household(uow, actor, int(end_id), expected_version=ver, reason=why)
                except FangxianError as exc:
                    show_error(exc)
                else:
                    finish_write(state_keys.INCIDENT_FLASH, t("iso.end.done", code=due[end_id].split(" · ")[0]))
with tabs[4]:
    if not actor.has(*ENTRY_ROLES) or hh.empty:
        st.info(t("inc.read_only") if hh.size else t("iso.none"))
    else:
        names = dict(zip(hh["id"].astype(int), hh["code"] + " · " + hh["community"] + " · " + hh["address"].astype(str),
                         strict=True))
        hid = st.selectbox(t("iso.enter.household"), list(names), format_func=names.__getitem__, key="iso_hh",
                           placeholder=choose())
        members = int(hh.loc[hh["id"] == hid, "members"].iat[0])
        with st.form("iso_check", clear_on_submit=True):
            st.markdown(f"**{t('iso.enter.temps')}**")
            cols = st.columns(min(members, 5))
            temps = [cols[i % len(cols)].number_input(t("iso.enter.member", n=i + 1), 34.0, 43.0, 36.5, 0.1,
                                                      format="%.1f", key=f"iso_t{i}") for i in range(members)]
            c1, c2, c3 = st.columns(3)
            groceries = c1.checkbox(t("iso.enter.groceries"), key="iso_g")
            medicine = c2.checkbox(t("iso.enter.medicine"), key="iso_m")
            other = c3.text_input(t("iso.enter.other"), key="iso_o", max_chars=200)
            note = st.text_input(t("iso.enter.note"), key="iso_note", max_chars=300)
            if st.form_submit_button(t("iso.enter.submit"), type="primary", key="iso_submit"):
                try:
                    with cache.write() as uow:
                        top_t = record_check(uow, actor, int(hid), temps, need_groceries=groceries,
                                             need_medicine=medicine, need_other=other, note=note)
                except FangxianError as exc:
                    show_error(exc)
                else:
                    msg = t("iso.enter.done", code=names[hid].split(" · ")[0], t=f"{top_t:.1f}")
                    if top_t >= view.settings.fever_threshold:
                        msg += " " + t("iso.enter.fever")
                    finish_write(state_keys.INCIDENT_FLASH, msg)
