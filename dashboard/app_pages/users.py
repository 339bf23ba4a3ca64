"""用户与大屏: an admin manages accounts, roles, street scopes, kiosk tokens and open desk sessions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from core.model.actor import ROLES
from core.model.errors import FangxianError
from core.services.identity import accounts, kiosk, sessions
from dashboard import auth, cache, feedback, state_keys
from dashboard.i18n import label, t

actor = auth.guard("admin")
feedback.show_flash(state_keys.USERS_FLASH)
streets = cache.overview().streets
street_names = dict(zip(streets["code"], streets["name"], strict=True))
desk_roles = [r for r in ROLES if r != "wallscreen"]

st.title(t("users.title"))


def attempt(service: Callable[..., Any], *args: Any, ok: str, **kwargs: Any) -> None:
    """One admin action as one unit of work; on success the message waits for the rerun."""
    try:
        with cache.write() as uow:
            service(uow, actor, *args, **kwargs)
    except FangxianError as exc:
        feedback.show_error(exc)
    else:
        feedback.finish_write(state_keys.USERS_FLASH, ok)


def role_label(code: str | None) -> str:
    return label("role", code)


users = cache.users(actor)
view = users.assign(
    roles=users["roles"].map(lambda r: auth.role_names(frozenset(x for x in str(r or "").split(",") if x))),
    streets=users["streets"].map(lambda s: "、".join(street_names.get(x, x) for x in str(s).split(",") if x)
                                 if isinstance(s, str) and s else t("users.whole_district")),
    disabled=users["disabled"].map(lambda d: t("users.disabled") if d else t("users.active")),
    last_login=users["last_login"].map(lambda v: "—" if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d %H:%M")),
)
cols = [c for c in ("username", "display_name", "roles", "streets", "disabled", "last_login") if c in view]
st.dataframe(view[cols].rename(columns={c: t(f"users.col.{c}") for c in cols}), hide_index=True, width="stretch",
             key="users_table")

tab_add, tab_edit, tab_kiosk, tab_sessions = st.tabs([t("users.tab.add"), t("users.tab.edit"), t("users.tab.kiosk"),
                                                     t("users.tab.sessions")])
with tab_add, st.form("users_add", clear_on_submit=True):
    c1, c2 = st.columns(2)
    username = c1.text_input(t("users.col.username"), key="users_add_name")
    display = c2.text_input(t("users.col.display_name"), key="users_add_display")
    password = c1.text_input(t("users.password"), type="password", key="users_add_pw")
    roles = c2.multiselect(t("users.col.roles"), desk_roles, format_func=role_label, key="users_add_roles",
                           placeholder=t("users.pick_roles"), select_all=False)
    scope = st.multiselect(t("users.col.streets"), list(street_names), format_func=street_names.get,
                           placeholder=t("users.whole_district"), key="users_add_streets", select_all=False)
    if st.form_submit_button(t("users.add"), type="primary"):
        attempt(accounts.add_user, username, display, password, roles, scope or None,
                ok=t("users.added", name=username))

with tab_edit:
    who = st.selectbox(t("users.col.username"), list(users["username"]), key="users_edit_who",
                       placeholder=t("users.pick_account"))
    row = users[users["username"] == who].iloc[0] if who else None
    if row is not None:
        with st.form("users_edit"):
            roles = st.multiselect(t("users.col.roles"), desk_roles, format_func=role_label,
                                   placeholder=t("users.pick_roles"), select_all=False,
                                   default=[r for r in str(row["roles"] or "").split(",") if r in desk_roles],
                                   key="users_edit_roles")
            scope = st.multiselect(t("users.col.streets"), list(street_names), format_func=street_names.get,
                                   default=[s for s in str(row["streets"]).split(",") if s in street_names],
                                   placeholder=t("users.whole_district"), key="users_edit_streets", select_all=False)
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
    tokens = cache.kiosk_tokens(actor)
    token_view = tokens.assign(revoked_at=tokens["revoked_at"].map(lambda v: t("users.active") if pd.isna(v)
                                                                   else t("users.kiosk_revoked_at", when=pd.Timestamp(v).strftime("%Y-%m-%d %H:%M"))))
    st.dataframe(token_view.rename(columns={c: t(f"users.kiosk_col.{c}") for c in token_view.columns}),
                 hide_index=True, width="stretch", key="users_tokens")
    with st.form("users_kiosk", clear_on_submit=True):
        name = st.text_input(t("users.kiosk_name"), key="users_kiosk_name")
        if st.form_submit_button(t("users.kiosk_create"), type="primary"):
            # no rerun here: the secret is shown this once, on this run
            try:
                with cache.write() as uow:
                    new = kiosk.create_kiosk_token(uow, actor, name)
            except FangxianError as exc:
                feedback.show_error(exc)
            else:
                cache.clear()
                st.success(t("users.kiosk_created"))
                st.code(f"/?kiosk={new.token}&embed=true", language=None)
                st.caption(t("users.kiosk_once"))
    if len(tokens):
        pick = st.selectbox(t("users.kiosk_revoke_pick"), list(tokens.iloc[:, 0]), key="users_kiosk_pick",
                            placeholder=t("users.pick_token"))
        if st.button(t("users.kiosk_revoke"), key="users_kiosk_revoke"):
            attempt(kiosk.revoke_kiosk_token, pick, ok=t("users.saved"))

with tab_sessions:
    live = cache.sessions(actor)
    names = dict(zip(users["username"], users["display_name"], strict=False))
    st.caption(t("users.sessions_note"))
    if live.empty:
        st.info(t("users.sessions_none"))
    else:
        shown = live.assign(display_name=live["username"].map(lambda u: names.get(u, u)),
                            lang=live["lang"].map(lambda c: {"zh": "中文", "en": "English"}.get(c, c)))
        cols = ["username", "display_name", "lang", "created_at", "last_seen"]
        st.dataframe(shown[cols].rename(columns={c: t(f"users.session_col.{c}") for c in cols}), hide_index=True,
                     width="stretch", key="users_sessions")
        with st.form("users_revoke", clear_on_submit=True):
            who_s = st.selectbox(t("users.session_pick"), sorted(set(live["username"])),
                                 format_func=lambda u: t("users.account_label", name=names.get(u, u), account=u),
                                 key="users_session_pick", placeholder=t("users.pick_account"))
            why = st.text_input(t("users.session_reason"), key="users_session_reason")
            if st.form_submit_button(t("users.session_revoke"), type="primary"):
                attempt(sessions.revoke_sessions, who_s, why, ok=t("users.session_revoked"))
