"""入户排查（数电灯）on the phone: one door at a time in the account's grids; the dark doors to call back;
what was entered lately. Each save is one transaction with the form's device id (a resubmission writes once)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.services import front_line
from dashboard.auth import current_actor, md_escape
from dashboard.i18n import t
from dashboard.panels.components import fmt_int
from dashboard.panels.front_panel import (
    flash,
    form_id,
    grid_label,
    phone_page,
    reading,
    require_places,
    save,
)

FLASH = "front.scr.flash"
RESET = "front.scr.reset"
NEXT_DOOR = ("front_scr_room", "front_scr_person", "front_scr_phone", "front_scr_note")
actor = current_actor()
assert actor is not None
phone_page()
st.title(t("front.scr.title"))
st.caption(t("front.scr.caption"))
flash(FLASH)
with reading() as uow:
    grids = front_line.my_grids(uow, actor)
    camp = front_line.campaign_in_my_grids(uow, actor) if len(grids) else None
    added = front_line.roster_additions(uow, actor, [int(x) for x in camp.grids["id"]]) if camp else None
if not require_places(actor, grids):
    st.stop()
if camp is None or not len(camp.grids):
    st.info(t("front.no_campaign"), icon="🚪")
    st.stop()
st.caption(md_escape(t("front.scr.campaign_is", name=camp.campaign["name"])))
g = camp.grids
if len(g) > 1:
    pick = st.selectbox(t("front.scr.grid"), list(range(len(g))), format_func=lambda i: grid_label(g.iloc[i]),
                        key="front_scr_grid")
else:
    pick = 0
grid = g.iloc[int(pick)]
st.progress(min(1.0, int(grid["visited"]) / max(1, int(grid["target"]))),
            text=t("front.scr.progress", grid=grid["name"], visited=fmt_int(grid["visited"]), target=fmt_int(grid["target"])))


def outcome_text(code: str) -> str:
    return t(f"front.outcome.{code}")


if st.session_state.pop(RESET, False):  # the door was saved: the next door of the same building and unit
    for k in NEXT_DOOR:
        st.session_state[k] = ""
    st.session_state["front_scr_took"] = False
    st.session_state["front_scr_outcome"] = front_line.OUTCOMES[0]
with st.form("front_visit", clear_on_submit=False, border=True):
    building = st.text_input(t("front.scr.building"), key="front_scr_building", max_chars=30)
    unit = st.text_input(t("front.scr.unit"), key="front_scr_unit", max_chars=10)
    room = st.text_input(t("front.scr.room"), key="front_scr_room", max_chars=10)
    outcome = st.radio(t("front.scr.outcome"), list(front_line.OUTCOMES), format_func=outcome_text, key="front_scr_outcome")
    took = st.checkbox(t("front.scr.temp_taken"), key="front_scr_took")
    temp = st.number_input(t("front.scr.temperature"), min_value=34.0, max_value=43.0, value=36.5, step=0.1,
                           format="%.1f", key="front_scr_temp")
    person = st.text_input(t("front.scr.person"), key="front_scr_person", max_chars=30)
    phone = st.text_input(t("front.scr.phone"), key="front_scr_phone", max_chars=20)
    note = st.text_input(t("front.scr.note"), key="front_scr_note", max_chars=100)
    sent = st.form_submit_button(t("front.save"), type="primary", width="stretch")
if sent:
    door = front_line.door_label(building.strip(), unit.strip(), room.strip())

    def done(res: front_line.Submitted) -> str:
        st.session_state[RESET] = True
        if res.repeat:
            return t("front.scr.saved_again", door=door)
        return t("front.scr.saved", door=door, outcome=outcome_text(str(outcome)))

    save("visit", lambda uow: front_line.record_visit(
        uow, actor, client_id=form_id("visit"), campaign_id=int(camp.campaign["id"]), grid_id=int(grid["id"]),
        building=building, unit=unit, room=room, outcome=str(outcome), temperature=float(temp) if took else None,
        note=note, person_name=person, person_phone=phone), done, FLASH)

calls = camp.follow_up[camp.follow_up["grid_id"] == int(grid["id"])]
st.subheader(t("front.scr.to_call", n=fmt_int(len(calls))))
if not len(calls):
    st.caption(t("front.scr.none_to_call"))
for row in calls.head(30).itertuples():
    door = front_line.door_label(row.building, row.unit, row.room)
    with st.container(border=True):
        st.markdown(f"**{md_escape(door)}**")
        a, b = st.columns(2)
        for col, code, label in ((a, "away_reached", "front.scr.reached"), (b, "away_unreached", "front.scr.unreached")):
            if col.button(t(label), key=f"front_call_{row.id}_{code}", width="stretch"):
                save(f"call.{row.id}", lambda uow, r=row, c=code: front_line.follow_up_visit(
                    uow, actor, client_id=form_id(f"call.{r.id}"), visit_id=int(r.id), outcome=c,
                    expected_version=int(r.version)),
                    lambda _res, d=door, c=code: t("front.scr.called", door=d, outcome=outcome_text(c)), FLASH)

mine = camp.visits[camp.visits["grid_id"] == int(grid["id"])]
with st.expander(t("front.scr.recent", n=fmt_int(len(mine)))):
    for row in mine.head(20).itertuples():
        temp_txt = f" · {row.temperature:.1f} ℃" if pd.notna(row.temperature) else ""
        st.text(str(f"{front_line.door_label(row.building, row.unit, row.room)} · {outcome_text(row.outcome)}{temp_txt}"))
if added is not None and len(added):
    here = added[added["grid_id"] == int(grid["id"])]
    with st.expander(t("front.scr.added", n=fmt_int(len(here)))):
        for row in here.head(20).itertuples():
            st.text(str(f"{row.name} · {row.phone or '—'}"))
