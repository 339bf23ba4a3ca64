"""卡点值守 on the phone: sign in to a shift at a checkpoint of my places (with the phone's location when the
person allows it: the desk sees how far from the post), the register of 一口罩、二询问、三测温、四登记 during
the shift (a fever raises its incident at once), today's register of the post (names, phones and plates in
full only on the lines I entered), and sign out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.services import checkpoint_duty
from core.services.isolation import load_settings
from dashboard.auth import current_actor, md_escape
from dashboard.i18n import t
from dashboard.panels import place_picker
from dashboard.panels.components import choose, fmt_int
from dashboard.panels.front_panel import flash, form_id, phone_page, reading, save

FLASH = "front.duty.flash"
RESET = "front.duty.reset"
LOC_IN, LOC_OUT = "front_duty_loc_in", "front_duty_loc_out"
FIELDS = ("front_duty_from", "front_duty_purpose", "front_duty_name", "front_duty_phone", "front_duty_plate")
actor = current_actor()
assert actor is not None
phone_page()
with reading() as uow:
    posts = checkpoint_duty.my_checkpoints(uow, actor)
    shift = checkpoint_duty.my_open_shift(uow, actor)
    register = checkpoint_duty.register_of(uow, actor, int(shift["checkpoint_id"])) if shift else None
    threshold = load_settings(uow).fever_threshold
st.title(t("front.duty.title"))
st.caption(t("front.duty.caption"))
flash(FLASH)


def distance(metres: object) -> str:
    if metres is None or pd.isna(metres):  # type: ignore[arg-type]
        return t("front.duty.no_location")
    m = float(metres)  # type: ignore[arg-type]
    where = t("front.duty.at_post") if m <= checkpoint_duty.NEAR_M else t("front.duty.far_from_post")
    return t("front.duty.distance", m=fmt_int(round(m)), where=where)


if shift is None:
    if not len(posts):
        st.warning(t("front.duty.no_posts"), icon="🧭")
        st.stop()
    st.subheader(t("front.duty.sign_in_title"))
    names = {int(r.id): f"{r.name}（{r.community}）" for r in posts.itertuples()}
    cp = st.selectbox(t("front.duty.post"), list(names), format_func=names.__getitem__, key="front_duty_post",
                      placeholder=choose())
    st.caption(t("front.duty.location_hint"))
    here = place_picker.locate_button(LOC_IN)
    if here is not None:
        st.caption(t("front.duty.located", acc=here["accuracy_m"] if here["accuracy_m"] is not None else "—"))
    if st.button(t("front.duty.sign_in"), type="primary", width="stretch", key="front_duty_sign_in"):
        def signed_in(res: object) -> str:
            place_picker.clear(LOC_IN)
            return t("front.duty.signed_in", post=names[int(cp)])

        save("duty.in", lambda uow: checkpoint_duty.sign_in(
            uow, actor, client_id=form_id("duty.in"), checkpoint_id=int(cp),
            lon=here["lon"] if here else None, lat=here["lat"] if here else None), signed_in, FLASH)
    st.stop()

since = pd.Timestamp(shift["started_at"]).strftime("%H:%M")
st.success(t("front.duty.on_shift", post=md_escape(str(shift["checkpoint"])), since=since,
             where=distance(shift["start_distance_m"])), icon="🛡️")
if st.session_state.pop(RESET, False):
    for k in FIELDS:
        st.session_state[k] = ""
    st.session_state["front_duty_temp"] = 36.5
    st.session_state["front_duty_mask"] = True

st.subheader(t("front.duty.register_title"))
kind = st.radio(t("front.duty.kind"), list(checkpoint_duty.KINDS), horizontal=True,
                format_func=lambda k: t(f"front.duty.kind.{k}"), key="front_duty_kind")
with st.form("front_duty_entry", border=True):
    masked = st.checkbox(t("front.duty.step1"), value=True, key="front_duty_mask")
    st.markdown(f"**{t('front.duty.step2')}**")
    from_place = st.text_input(t("front.duty.from"), key="front_duty_from", max_chars=50)
    purpose = st.text_input(t("front.duty.purpose"), key="front_duty_purpose", max_chars=100)
    st.markdown(f"**{t('front.duty.step3')}**")
    temp = st.number_input(t("front.duty.temp", threshold=f"{threshold:.1f}"), min_value=34.0, max_value=43.0,
                           value=36.5, step=0.1, format="%.1f", key="front_duty_temp")
    st.markdown(f"**{t('front.duty.step4')}**")
    plate = ""
    if kind == "vehicle":
        plate = st.text_input(t("front.duty.plate"), key="front_duty_plate", max_chars=10, placeholder="鄂A12345")
    name = st.text_input(t("front.duty.name") if kind == "person" else t("front.duty.driver"), key="front_duty_name",
                         max_chars=30)
    phone = st.text_input(t("front.duty.phone"), key="front_duty_phone", max_chars=20)
    sent = st.form_submit_button(t("front.duty.register"), type="primary", width="stretch")
if sent:
    def registered(res: checkpoint_duty.Registered) -> str:
        st.session_state[RESET] = True
        if res.submitted.repeat:
            return t("front.duty.saved_again")
        return t("front.duty.fever", code=res.incident) if res.fever else t("front.duty.saved")

    save("duty.entry", lambda uow: checkpoint_duty.register_entry(
        uow, actor, client_id=form_id("duty.entry"), shift_id=int(shift["id"]), kind=str(kind), masked=bool(masked),
        from_place=from_place, purpose=purpose, temperature=float(temp),
        name=name, phone=phone, plate=plate), registered, FLASH)

st.subheader(t("front.duty.today", n=fmt_int(len(register) if register is not None else 0)))
if register is None or not len(register):
    st.caption(t("front.duty.none_today"))
else:
    for r in register.head(30).itertuples():
        who = r.plate if r.kind == "vehicle" else r.name
        hot = r.temperature is not None and not pd.isna(r.temperature) and float(r.temperature) >= threshold
        temp_s = "—" if r.temperature is None or pd.isna(r.temperature) else f"{float(r.temperature):.1f} ℃"
        line = (f"{pd.Timestamp(r.at):%H:%M} · {t(f'front.duty.kind.{r.kind}')} · {who or '—'} · {temp_s}"
                f"{' ⚠' if hot else ''} · {t('front.duty.mask_yes') if r.masked else t('front.duty.mask_no')}")
        st.text(line)

st.divider()
st.subheader(t("front.duty.sign_out_title"))
there = place_picker.locate_button(LOC_OUT)
if st.button(t("front.duty.sign_out"), width="stretch", key="front_duty_sign_out"):
    def signed_out(res: object) -> str:
        place_picker.clear(LOC_OUT)
        return t("front.duty.signed_out", post=str(shift["checkpoint"]))

    save("duty.out", lambda uow: checkpoint_duty.sign_out(
        uow, actor, client_id=form_id("duty.out"), shift_id=int(shift["id"]), expected_version=int(shift["version"]),
        lon=there["lon"] if there else None, lat=there["lat"] if there else None), signed_out, FLASH)
