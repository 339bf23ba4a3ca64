"""The router: page config, identity, language, navigation built from the user's roles."""

from __future__ import annotations

import time

import streamlit as st

from core.model.errors import FangxianError
from core.services.availability import UNAVAILABLE_ERRORS
from dashboard import auth, cache, routing, state_keys
from dashboard.context import db_url
from dashboard.i18n import LANG_KEY, error_text, set_lang, t
from dashboard.navigation import PAGES, PAGES_DIR, SECTION_ORDER, visible_pages
from dashboard.panels.components import SETUP_ROLES

# "auto": the sidebar open on a desk screen, folded on a phone (the login form must not hide under it)
st.set_page_config(page_title=t("app.title"), page_icon="🛡️", layout="wide", initial_sidebar_state="auto")
# Streamlit's own English under a text box ("Press Enter to apply", "Press Ctrl+Enter to submit form"):
# not in the Chinese UI, and meaningless on a phone's keyboard
st.html("<style>[data-testid='InputInstructions'] {display: none;}</style>")

url = db_url()
try:
    cache.ready(url)
    actor = auth.resolve(url)
except UNAVAILABLE_ERRORS:  # the database did not answer: say so calmly and try again (wall screens run unattended)
    st.warning(t("app.db_unreachable"))
    time.sleep(5)
    st.rerun()
except FangxianError as exc:  # e.g. the audit trail's guard is broken: one line, no traceback, no pages
    st.error(error_text(exc))
    st.stop()

auth.flush_redirect()
asked = routing.requested()
known = {spec.url_path: spec for spec in PAGES}

if LANG_KEY not in st.session_state and st.query_params.get("lang") in ("zh", "en"):
    set_lang(st.query_params["lang"])  # a wall screen's URL may ask for English
with st.sidebar:
    if actor is not None:
        auth.user_box(actor)
    st.selectbox(t("app.language"), options=["zh", "en"], key=LANG_KEY,
                 format_func=lambda c: {"zh": "中文", "en": "English"}[c])
auth.remember_language(url)

if actor is None:
    if asked:  # a deep link while signed out: sign in first, then that page
        if asked in known:
            st.session_state[state_keys.NEXT_PAGE] = asked
        routing.reroute("")
    login = st.Page(str(PAGES_DIR / "login.py"), title=t("page.login"), icon="🔐", url_path="login", default=True)
    st.navigation([login], position="hidden").run()
    st.stop()

if actor.front_line:  # the phone pages: one column (the sidebar folds on a phone by itself: "auto")
    st.set_page_config(layout="centered")
specs = visible_pages(actor.roles)
try:
    empty = cache.setup_status().empty
except UNAVAILABLE_ERRORS:  # an outage mid-session: keep the usual pages, each says the database is down
    empty = False
if empty:  # a district on its first day: those who load data land on 数据准备
    if not actor.has(*SETUP_ROLES):
        st.info(t("setup.empty_contact"), icon="🧰")
        st.stop()
    default = next((s for s in specs if s.file == "setup.py"), specs[0] if specs else None)
else:
    default = next((s for s in specs if s.default), specs[0] if specs else None)
if asked is not None and asked not in {s.url_path for s in specs}:  # never Streamlit's English "Page not found"
    routing.reroute("")
    if asked and "wallscreen" not in actor.roles and default is not None:
        wanted = known.get(asked)
        st.session_state[state_keys.ROUTE_FLASH] = (
            t("route.forbidden", page=t(wanted.title_key), default=t(default.title_key)) if wanted is not None
            else t("route.not_found", path=asked[:60], page=t(default.title_key)))
elif asked and default is not None and asked == default.url_path:
    routing.reroute("")  # the default page answers at "/" too
sections: dict[str, list[st.Page]] = {t(key): [] for key in SECTION_ORDER}
for spec in specs:
    page = st.Page(str(PAGES_DIR / spec.file), title=t(spec.title_key), icon=spec.icon,
                   url_path=spec.url_path, default=spec is default)
    sections[t(spec.section)].append(page)
route_flash = st.session_state.pop(state_keys.ROUTE_FLASH, None)
if route_flash:
    st.info(route_flash, icon="🧭")
st.navigation({k: v for k, v in sections.items() if v}, position="sidebar", expanded=True).run()
