"""居家隔离检查 on the phone: today's households of the account's grids, unchecked first; each person's
temperature, the errands needed (买菜、买药、代缴费用、陪同就医 -> the errands queue with their deadlines) and
a note; a fever is reported as an incident at once. One transaction a check, with the form's device id."""

from __future__ import annotations

import streamlit as st

from core.services import front_line
from core.services.isolation import load_settings
from dashboard.auth import current_actor, md_escape
from dashboard.i18n import t
from dashboard.panels.components import joined
from dashboard.panels.front_panel import flash, form_id, phone_page, reading, require_places, save

FLASH = "front.iso.flash"
RESET = "front.iso.reset"
actor = current_actor()
assert actor is not None
phone_page()
with reading() as uow:
    grids = front_line.my_grids(uow, actor)
    today = front_line.isolation_today(uow, actor, [int(x) for x in grids["id"]]) if len(grids) else None
    threshold = load_settings(uow).fever_threshold
st.title(t("front.iso.title"))
st.caption(t("front.iso.caption", threshold=f"{threshold:.1f}"))
flash(FLASH)
if not require_places(actor, grids):
    st.stop()
if today is None or not len(today):
    st.info(t("front.iso.none"), icon="🏠")
    st.stop()

saved = st.session_state.pop(RESET, None)  # a check was saved: its form starts empty again
if saved is not None:
    for k in [k for k in st.session_state if str(k).startswith(f"front_iso_{saved}_")]:
        del st.session_state[k]
for row in today.itertuples():
    state = t("front.iso.checked") if row.checked_today else t("front.iso.unchecked")
    title = f"{'✅' if row.checked_today else '⏳'} " + md_escape(t(
        "front.iso.household", code=row.code, address=row.address or "—", members=int(row.members))) + f" · {state}"
    with st.expander(title, expanded=not row.checked_today and row.Index == 0):
        with st.form(f"front_iso_{row.id}", border=False):
            temps = [st.number_input(t("front.iso.temp_of", i=i + 1), min_value=34.0, max_value=43.0, value=36.5,
                                     step=0.1, format="%.1f", key=f"front_iso_{row.id}_t{i}")
                     for i in range(max(1, min(int(row.members), 8)))]
            st.markdown(f"**{t('front.iso.needs')}**")
            needs = [n for n in front_line.NEEDS if st.checkbox(t(f"front.need.{n}"), key=f"front_iso_{row.id}_{n}")]
            note = st.text_input(t("front.iso.note"), key=f"front_iso_{row.id}_note", max_chars=100)
            sent = st.form_submit_button(t("front.save"), type="primary", width="stretch")
        if sent:
            name = f"iso.{row.id}"

            def done(res: front_line.CheckDone, code: str = str(row.code), hid: int = int(row.id)) -> str:
                st.session_state[RESET] = hid
                if res.submitted.repeat:
                    return t("front.iso.saved_again")
                parts = [t("front.iso.saved", code=code, temp=f"{res.max_temp:.1f}")]
                if res.errands:
                    parts.append(t("front.iso.saved_errands", codes=joined(res.errands)))
                if res.incidents:
                    parts.append(t("front.iso.saved_fever", codes=joined(res.incidents)))
                return " ".join(parts)

            save(name, lambda uow, hid=int(row.id), ts=list(temps), ns=list(needs), nt=note, nm=name:
                 front_line.check_household(uow, actor, client_id=form_id(nm), household_id=hid,
                                            temperatures=ts, needs=ns, note=nt), done, FLASH)
