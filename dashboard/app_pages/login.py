"""登录: the only page before sign-in (local form, OIDC button or proxy notice; demo accounts in demo mode)."""

from __future__ import annotations

import streamlit as st

from core.demo import accounts as demo_accounts
from core.model.errors import FangxianError
from dashboard import auth, cache, feedback
from dashboard.context import db_url
from dashboard.i18n import t

url = db_url()
mode = auth.auth_mode()

left, mid, right = st.columns([1, 1.4, 1])
with mid:
    st.title(t("auth.login.title"))
    flash = auth.pop_flash() or ("auth.flash.logged_out" if st.query_params.get("signed_out") == "1" else None)
    if flash:
        st.warning(t(flash))
    wanted = auth.requested_page_title()
    if wanted:
        st.caption(t("route.after_login", page=wanted))

    if mode == "local":
        with st.form("fx_login"):
            username = st.text_input(t("auth.login.username"), key="login_username")
            password = st.text_input(t("auth.login.password"), type="password", key="login_password")
            submitted = st.form_submit_button(t("auth.login.submit"), type="primary", width="stretch")
        if submitted:
            if not username or not password:
                st.error(t("auth.login.empty"))
            else:
                try:
                    auth.sign_in_local(url, username, password)
                except FangxianError as exc:
                    feedback.show_error(exc)
                else:
                    st.rerun()
        if cache.user_count() == 0:
            st.info(t("auth.login.no_users", cmd="fangxian user add <用户名> --role admin"))
    elif mode == "oidc":
        if auth.oidc_configured():
            provider = auth.setting("FANGXIAN_OIDC_PROVIDER", "oidc_provider")
            if st.button(t("auth.login.oidc_button"), type="primary", width="stretch"):
                st.login(provider) if provider else st.login()
        else:
            st.error(t("auth.login.oidc_missing"))
    else:
        st.info(t("auth.login.proxy_missing"))

    demo = demo_accounts.demo_logins(url)
    if demo:
        st.subheader(t("auth.demo.title"))
        st.caption(t("auth.demo.note", password=demo_accounts.DEMO_PASSWORD, token=demo_accounts.DEMO_KIOSK_TOKEN))
        st.dataframe(
            {t("auth.demo.col.username"): [a.username for a in demo],
             t("auth.demo.col.name"): [a.display_name for a in demo],
             t("auth.demo.col.roles"): [auth.role_names(a.roles) for a in demo],
             t("auth.demo.col.scope"): [t("auth.scope.streets", n=2) if a.two_streets else t("auth.scope.all")
                                        for a in demo]},
            hide_index=True, width="stretch", key="fx_demo_accounts",
        )
