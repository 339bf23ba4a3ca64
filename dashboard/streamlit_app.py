"""The router: page config, identity, language, navigation built from the user's roles."""

from __future__ import annotations

import streamlit as st

from dashboard import cache
from dashboard.context import db_url
from dashboard.i18n import LANG_KEY, t
from dashboard.navigation import PAGES_DIR, visible_pages

st.set_page_config(page_title=t("app.title"), page_icon="🛡️", layout="wide", initial_sidebar_state="expanded")

url = db_url()
cache.ready(url)

with st.sidebar:
    st.selectbox(t("app.language"), options=["zh", "en"], key=LANG_KEY,
                 format_func=lambda c: {"zh": "中文", "en": "English"}[c])

roles = frozenset({"leader"})
sections: dict[str, list[st.Page]] = {}
for spec in visible_pages(roles):
    page = st.Page(str(PAGES_DIR / spec.file), title=t(spec.title_key), icon=spec.icon,
                   url_path=spec.url_path, default=spec.default)
    sections.setdefault(t(spec.section), []).append(page)
st.navigation(sections, position="sidebar").run()
