"""代买代办 on the phone: the open errands of my grids (take one, mark it delivered, with the time) and a new
errand for any resident (交电费、降压药 …), into the desk's queue with its deadline."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.model.volunteer_rules import ERRAND_KINDS
from core.services import clock, front_line
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

FLASH = "front.err.flash"
RESET = "front.err.reset"
actor = current_actor()
assert actor is not None
phone_page()
with reading() as uow:
    grids = front_line.my_grids(uow, actor)
    todo = front_line.errands_in_my_grids(uow, actor)
st.title(t("front.err.title"))
st.caption(t("front.err.caption"))
flash(FLASH)
if not require_places(actor, grids):
    st.stop()

open_ = todo[~todo["closed"]] if len(todo) else todo
st.subheader(t("front.err.open", n=fmt_int(len(open_))))
if not len(open_):
    st.caption(t("front.err.none"))
now = pd.Timestamp(clock.wall_now())  # the district's clock, as the deadlines
for row in open_.head(40).itertuples():
    with st.container(border=True):
        left_h = (pd.Timestamp(row.deadline) - now).total_seconds() / 3600
        due = t("front.err.overdue") if left_h < 0 else t("front.err.due_in", h=f"{left_h:.1f}")
        st.markdown(f"**{md_escape(row.code)} · {t(f'err.kind.{row.kind}')}** · {due}")
        st.text(str(f"{row.detail}\n{row.resident_name or '—'} · {row.phone or '—'} · {row.address or '—'}"))
        if row.mine:
            action, label = "deliver", t("front.err.deliver")
        elif row.status == "new":
            action, label = "take", t("front.err.take")
        else:
            st.caption(t("front.err.taken_by_other"))
            continue
        if st.button(label, key=f"front_err_{row.id}_{action}", type="primary" if row.mine else "secondary",
                     width="stretch"):
            name = f"err.{row.id}.{action}"
            save(name, lambda uow, r=row, a=action, nm=name: front_line.act_on_my_errand(
                uow, actor, client_id=form_id(nm), errand_id=int(r.id), action=a, expected_version=int(r.version)),
                lambda res, a=action: t(f"front.err.{a}_done", code=res.ref), FLASH)

st.subheader(t("front.err.new"))
if st.session_state.pop(RESET, False):
    for k in ("front_err_detail", "front_err_name", "front_err_phone", "front_err_address"):
        st.session_state[k] = ""
with st.form("front_errand", border=True):
    if len(grids) > 1:
        gi = st.selectbox(t("front.scr.grid"), list(range(len(grids))), format_func=lambda i: grid_label(grids.iloc[i]),
                          key="front_err_grid")
    else:
        gi = 0
    kind = st.radio(t("front.err.kind"), [k for k in ERRAND_KINDS if k != "other"] + ["other"],
                    format_func=lambda k: t(f"err.kind.{k}"), key="front_err_kind")
    detail = st.text_input(t("front.err.detail"), key="front_err_detail", max_chars=100)
    name = st.text_input(t("front.err.resident"), key="front_err_name", max_chars=30)
    phone = st.text_input(t("front.err.phone"), key="front_err_phone", max_chars=20)
    address = st.text_input(t("front.err.address"), key="front_err_address", max_chars=60)
    sent = st.form_submit_button(t("front.save"), type="primary", width="stretch")
if sent:
    def done(res: front_line.Submitted) -> str:
        st.session_state[RESET] = True
        return t("front.err.created", code=res.ref)

    save("errand", lambda uow: front_line.new_errand(
        uow, actor, client_id=form_id("errand"), grid_id=int(grids.iloc[int(gi)]["id"]), kind=str(kind), detail=detail,
        resident_name=name, phone=phone, address=address), done, FLASH)
