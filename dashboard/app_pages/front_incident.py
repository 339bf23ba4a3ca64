"""上报事件 on the phone: what happened, where (a place tapped on the map of my grids, or the phone's own
location when the person allows it; without either, the grid's centre), how serious, and a photo if there
is one (re-encoded on the server without the camera's metadata). One transaction with the form's device
id; the desk's incident page and the wall see it on their next refresh."""

from __future__ import annotations

import streamlit as st

from core.model.vocab import IncidentType, Severity
from core.services import checkpoint_duty, field_reports, front_line
from dashboard.auth import current_actor
from dashboard.i18n import label, t
from dashboard.panels import place_picker
from dashboard.panels.components import choose, file_uploader
from dashboard.panels.front_panel import (
    flash,
    form_id,
    grid_label,
    phone_page,
    reading,
    require_places,
    save,
)

FLASH = "front.inc.flash"
RESET = "front.inc.reset"
PICK = "front_inc_pick"
FIELDS = ("front_inc_desc", "front_inc_place")
actor = current_actor()
assert actor is not None
phone_page()
with reading() as uow:
    grids = front_line.my_grids(uow, actor)
    shapes = front_line.grid_shapes(uow, actor, [int(x) for x in grids["id"]]) if len(grids) else None
    posts = checkpoint_duty.my_checkpoints(uow, actor) if len(grids) else None
st.title(t("front.inc.title"))
st.caption(t("front.inc.caption"))
flash(FLASH)
if not require_places(actor, grids) or shapes is None:
    st.stop()
if st.session_state.pop(RESET, False):  # the last report was saved: a new form, a new place
    for k in FIELDS:
        st.session_state[k] = ""
    st.session_state.pop("front_inc_photo", None)
    place_picker.clear(PICK)

if len(grids) > 1:
    gi = st.selectbox(t("front.scr.grid"), list(range(len(grids))), format_func=lambda i: grid_label(grids.iloc[i]), placeholder=choose(),
                      key="front_inc_grid")
else:
    gi = 0
grid = grids.iloc[int(gi)]
st.markdown(f"**{t('front.inc.where')}**")
st.caption(t("front.inc.where_hint"))
point = place_picker.place_picker(PICK, shapes[shapes["id"] == int(grid["id"])],
                                  posts[posts["grid_id"] == int(grid["id"])] if posts is not None else None)
st.caption(t("front.pick.legend"))
if point is None:
    st.caption(t("front.inc.no_point"))
elif point["source"] == "device":
    acc = point["accuracy_m"]
    st.caption(t("front.inc.point_device", acc=acc if acc is not None else "—"))
else:
    st.caption(t("front.inc.point_map"))

with st.form("front_inc", border=True):
    kind = st.selectbox(t("front.inc.type"), [x.value for x in IncidentType], format_func=lambda x: label("itype", x),
                        key="front_inc_type", placeholder=choose())
    sev = st.radio(t("front.inc.severity"), [s.value for s in Severity], index=1, horizontal=True,
                   format_func=lambda s: label("severity", s), key="front_inc_sev")
    desc = st.text_area(t("front.inc.desc"), key="front_inc_desc", max_chars=field_reports.MAX_TEXT, height=110)
    place = st.text_input(t("front.inc.place"), key="front_inc_place", max_chars=100,
                          placeholder=t("front.inc.place_hint"))
    photo = file_uploader(t("front.inc.photo"), ["jpg", "jpeg", "png", "webp"], key="front_inc_photo",
                          limit_mb=field_reports.MAX_PHOTO_BYTES // (1024 * 1024), font_px=16)
    st.caption(t("front.inc.photo_hint"))
    sent = st.form_submit_button(t("front.inc.send"), type="primary", width="stretch")
if sent:
    def done(res: front_line.Submitted) -> str:
        st.session_state[RESET] = True
        if res.repeat:
            return t("front.inc.saved_again")
        # whether the photo arrived (a photo still uploading when the form was sent is not in it)
        return t("front.inc.saved", code=res.ref) + t("front.inc.with_photo" if data else "front.inc.without_photo")

    data = photo.getvalue() if photo is not None else None
    save("incident", lambda uow: field_reports.report_from_field(
        uow, actor, client_id=form_id("incident"), grid_id=int(grid["id"]), type_=str(kind), severity=str(sev),
        description=desc, place=place, lon=point["lon"] if point else None, lat=point["lat"] if point else None,
        located=point["source"] if point else "grid", photo=data), done, FLASH)
