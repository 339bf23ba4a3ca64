"""数据准备: what the district has loaded, kind by kind in the order to load it, each with what it
unlocks, its template, a link to import it and the last import's summary; on the demo database, the
confirmed way out of the demo."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core.model.errors import FangxianError
from dashboard import auth, cache, feedback
from dashboard.builders.setup_view import (
    counts_text,
    kind_label,
    kind_unlocks,
    last_text,
    progress_text,
    template_button,
)
from dashboard.context import db_url
from dashboard.i18n import t
from dashboard.navigation import PAGES_DIR
from dashboard.panels.components import IMPORT_KIND_PARAM

TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"
DONE_KEY = "setup_flash"

actor = auth.guard("clerk", "admin")
status = cache.setup_status()

st.title(t("setup.title"))
st.caption(t("setup.caption"))
if st.session_state.pop(DONE_KEY, False):
    st.success(t("setup.demo.done"))


def drop_demo_box() -> None:
    """The demo's notice and, for an admin, the confirmed drop (the lead's core service)."""
    st.warning(t("setup.demo.notice"), icon="🧪")
    if not actor.has("admin"):
        st.caption(t("setup.demo.admin_only"))
        return
    try:
        from core.demo.drop import DEMO_USERNAMES, FirstAdmin, drop_demo
    except ImportError:  # not in this build yet: say how to do it on the server
        st.caption(t("setup.demo.unavailable"))
        return
    with st.expander(t("setup.demo.drop"), icon="🗑️"):
        first = None
        if actor.username in DEMO_USERNAMES:  # the demo accounts go with the demo: name the first real admin
            st.caption(t("setup.demo.first_admin"))
            c1, c2, c3 = st.columns(3)
            user = c1.text_input(t("setup.demo.username"), key="setup_admin_user")
            name = c2.text_input(t("setup.demo.display_name"), key="setup_admin_name")
            password = c3.text_input(t("setup.demo.password"), type="password", key="setup_admin_password")
            first = FirstAdmin(user.strip(), name.strip() or user.strip(), password) if user.strip() else None
        sure = st.checkbox(t("setup.demo.confirm"), key="setup_drop_confirm")
        needs_admin = actor.username in DEMO_USERNAMES and first is None
        if st.button(t("setup.demo.drop"), key="setup_drop", type="primary", disabled=not sure or needs_admin):
            try:
                drop_demo(db_url(), actor, first)
            except FangxianError as exc:
                feedback.show_error(exc)
                return
            cache.clear()
            if first is not None:  # the signed-in demo account is gone: continue as the new admin
                auth.sign_in_local(db_url(), first.username, first.password)
            st.session_state[DONE_KEY] = True
            st.rerun()


if status.demo:
    drop_demo_box()

st.markdown(f"**{progress_text(status)}**")
for n, item in enumerate(status.items, start=1):
    with st.container(border=True, key=f"setup-kind-{item.kind}"):
        head, actions = st.columns([3, 1.2], vertical_alignment="center")
        with head:
            mark = t(f"setup.state.{item.state}")
            colour = {"done": "green", "partial": "orange", "missing": "red"}[item.state]
            st.markdown(f"##### {n}. {kind_label(item.kind)} :{colour}[{mark}] {counts_text(item)}")
            st.caption(f"{kind_unlocks(item.kind, first=True)} · {last_text(item)}")
        with actions:
            a1, a2 = st.columns(2)
            template = TEMPLATES / item.template
            if template.is_file():
                label, file_name = template_button(item.kind, item.template)
                a1.download_button(label, template.read_bytes(), file_name=file_name, key=f"setup_template_{item.kind}",
                                   width="stretch")
            a2.page_link(str(PAGES_DIR / "data_import.py"), label=t("setup.go_import"), icon="📥",
                         query_params={IMPORT_KIND_PARAM: item.kind}, width="stretch")
