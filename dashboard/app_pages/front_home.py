"""我的网格: a grid member's (or community worker's) home on the phone — today's work in their own grids."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.services import checkpoint_duty, front_line
from dashboard.auth import can_sign_out, current_actor, md_escape, sign_out
from dashboard.context import db_url
from dashboard.i18n import t
from dashboard.navigation import PAGES_DIR
from dashboard.panels.components import fmt_int, joined
from dashboard.panels.front_panel import grid_label, phone_page, reading, require_places

actor = current_actor()
assert actor is not None
phone_page()
with reading() as uow:
    grids = front_line.my_grids(uow, actor)
    camp = front_line.campaign_in_my_grids(uow, actor) if len(grids) else None
    iso = front_line.isolation_today(uow, actor, [int(x) for x in grids["id"]]) if len(grids) else None
    todo = front_line.errands_in_my_grids(uow, actor) if len(grids) else None
    shift = checkpoint_duty.my_open_shift(uow, actor)
st.title(t("front.hello", name=md_escape(actor.display_name)))
if not require_places(actor, grids):
    st.stop()
st.caption(md_escape(t("front.places", places=joined(grid_label(r) for _, r in grids.head(6).iterrows()))))
st.subheader(t("front.today"))
if camp is None:
    st.info(t("front.no_campaign"), icon="🚪")
else:
    st.metric(t("front.kpi.screened"), f"{fmt_int(camp.grids['visited'].sum())} / {fmt_int(camp.grids['target'].sum())}")
    st.metric(t("front.kpi.to_call"), fmt_int(len(camp.follow_up)))
st.page_link(str(PAGES_DIR / "front_screening.py"), label=t("front.go_screening"), width="stretch")
if iso is not None and len(iso):
    left = int((~iso["checked_today"].astype(bool)).sum())
    st.metric(t("front.kpi.iso_left"), fmt_int(left))  # no help icon: nothing on a phone may need hover
    st.caption(t("front.kpi.iso_done", n=fmt_int(len(iso) - left), total=fmt_int(len(iso))))
else:
    st.caption(t("front.iso.none"))
st.page_link(str(PAGES_DIR / "front_isolation.py"), label=t("front.go_isolation"), width="stretch")
st.metric(t("front.kpi.errands"), fmt_int(int((~todo["closed"]).sum()) if todo is not None and len(todo) else 0))
st.page_link(str(PAGES_DIR / "front_errands.py"), label=t("front.go_errands"), width="stretch")
if shift is not None:
    st.success(t("front.kpi.on_shift", post=md_escape(str(shift["checkpoint"])),
                 since=pd.Timestamp(shift["started_at"]).strftime("%H:%M")), icon="🛡️")
else:
    st.caption(t("front.kpi.off_shift"))
st.page_link(str(PAGES_DIR / "front_checkpoint.py"), label=t("front.go_checkpoint"), width="stretch")
st.page_link(str(PAGES_DIR / "front_incident.py"), label=t("front.go_incident"), width="stretch")
st.divider()
if can_sign_out(actor) and st.button(t("auth.user.logout"), key="front_logout", width="stretch"):
    sign_out(db_url())  # on the phone the sidebar is folded away: the way out is here too
    st.rerun()
