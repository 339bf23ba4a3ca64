"""用户与大屏: an admin manages accounts, roles, street scopes and kiosk tokens."""

from __future__ import annotations

import streamlit as st

from core.model.actor import ROLE_ZH, ROLES
from core.model.errors import FangxianError
from core.services.identity import accounts, kiosk
from dashboard import auth, cache
from dashboard.context import db_url
from dashboard.i18n import error_text, t

actor = auth.guard("admin")
url = db_url()
streets = cache.overview().streets
street_names = dict(zip(streets["code"], streets["name"], strict=True))
desk_roles = [r for r in ROLES if r != "wallscreen"]

st.title(t("users.title"))


def attempt(fn, *args, ok: str, **kwargs) -> object:  # type: ignore[no-untyped-def]
    try:
        out = fn(actor, url, *args, **kwargs)
    except FangxianError as exc:
        st.error(error_text(exc))
        return None
    cache.clear()
    st.success(ok)
    return out


users = accounts.list_users(actor, url)
view = users.assign(
    roles=users["roles"].map(lambda r: "、".join(ROLE_ZH.get(x, x) for x in str(r or "").split(",") if x)),
    streets=users["streets"].map(lambda s: "、".join(street_names.get(x, x) for x in str(s).split(",") if x)
                                 if isinstance(s, str) and s else t("users.whole_district")),
    disabled=users["disabled"].map(lambda d: t("users.disabled") if d else t("users.active")),
)
cols = [c for c in ("username", "display_name", "roles", "streets", "disabled", "last_login") if c in view]
st.dataframe(view[cols].rename(columns={c: t(f"users.col.{c}") for c in cols}), hide_index=True, width="stretch",
             key="users_table")

tab_add, tab_edit, tab_kiosk = st.tabs([t("users.tab.add"), t("users.tab.edit"), t("users.tab.kiosk")])
with tab_add, st.form("users_add", clear_on_submit=True):
    c1, c2 = st.columns(2)
    username = c1.text_input(t("users.col.username"), key="users_add_name")
    display = c2.text_input(t("users.col.display_name"), key="users_add_display")
    password = c1.text_input(t("users.password"), type="password", key="users_add_pw")
    roles = c2.multiselect(t("users.col.roles"), desk_roles, format_func=ROLE_ZH.get, key="users_add_roles")
    scope = st.multiselect(t("users.col.streets"), list(street_names), format_func=street_names.get,
                           placeholder=t("users.whole_district"), key="users_add_streets")
    if st.form_submit_button(t("users.add"), type="primary"):
        attempt(accounts.add_user, username, display, password, roles, scope or None,
                ok=t("users.added", name=username))

with tab_edit:
    who = st.selectbox(t("users.col.username"), list(users["username"]), key="users_edit_who")
    row = users[users["username"] == who].iloc[0] if who else None
    if row is not None:
        with st.form("users_edit"):
            roles = st.multiselect(t("users.col.roles"), desk_roles, format_func=ROLE_ZH.get,
                                   default=[r for r in str(row["roles"] or "").split(",") if r in desk_roles],
                                   key="users_edit_roles")
            scope = st.multiselect(t("users.col.streets"), list(street_names), format_func=street_names.get,
                                   default=[s for s in str(row["streets"]).split(",") if s in street_names],
                                   placeholder=t("users.whole_district"), key="users_edit_streets")
            reason = st.text_input(t("users.reason"), key="users_edit_reason")
            if st.form_submit_button(t("users.save_roles"), type="primary"):
                attempt(accounts.set_roles, who, roles, scope or None, reason, ok=t("users.saved"))
        c1, c2 = st.columns(2)
        with c1.form("users_pw", clear_on_submit=True):
            pw = st.text_input(t("users.new_password"), type="password", key="users_pw")
            if st.form_submit_button(t("users.set_password")):
                attempt(accounts.set_password, who, pw, ok=t("users.saved"))
        if bool(row["disabled"]):
            if c2.button(t("users.enable"), key="users_enable"):
                attempt(accounts.enable_user, who, ok=t("users.saved"))
        elif c2.button(t("users.disable"), key="users_disable"):
            attempt(accounts.disable_user, who, ok=t("users.saved"))

with tab_kiosk:
    tokens = kiosk.list_kiosk_tokens(actor, url)
    st.dataframe(tokens, hide_index=True, width="stretch", key="users_tokens")
    with st.form("users_kiosk", clear_on_submit=True):
        name = st.text_input(t("users.kiosk_name"), key="users_kiosk_name")
        if st.form_submit_button(t("users.kiosk_create"), type="primary"):
            new = attempt(kiosk.create_kiosk_token, name, ok=t("users.kiosk_created"))
            if new is not None:
                st.code(f"/?kiosk={getattr(new, 'token', '')}&embed=true", language=None)
                st.caption(t("users.kiosk_once"))
    if len(tokens):
        pick = st.selectbox(t("users.kiosk_revoke_pick"), list(tokens.iloc[:, 0]), key="users_kiosk_pick")
        if st.button(t("users.kiosk_revoke"), key="users_kiosk_revoke"):
            attempt(kiosk.revoke_kiosk_token, pick, ok=t("users.saved"))
