"""The identity layer of the app: who is looking at this screen, re-checked on every run.

Sources (``FANGXIAN_AUTH_MODE`` = local | oidc | proxy, default local) plus kiosk tokens in every
mode. Roles come only from a verified identity: the local account in the database, the OIDC
provider's groups, the trusted proxy's headers, or a live kiosk token -- never from a widget or a
query parameter other than the kiosk token. The verified identity is kept under ``SESSION_KEY``
(no widget uses that key, so the browser cannot set it) and re-validated on every run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

import streamlit as st

from core.model.actor import ROLES, Actor
from core.model.identity_policy import (
    SESSION_COOKIE,
    parse_group_mapping,
    split_groups,
    unsign_cookie,
    utcnow,
)
from core.services import identity
from core.services.uow import unit_of_work
from dashboard import state_keys
from dashboard.i18n import LANG_KEY, current_lang, set_lang, t
from dashboard.session_cookie import BEGIN_PATH, END_PATH

SESSION_KEY = state_keys.SESSION  # the verified identity record: {"source", "username" | "token_id", "last_seen"}
ACTOR_KEY = state_keys.ACTOR  # the Actor resolved by the router in this run (pages read it)
FLASH_KEY = state_keys.AUTH_FLASH  # an i18n key shown once on the login page
KIOSK_PARAM = "kiosk"
MODES = ("local", "oidc", "proxy")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def setting(env: str, secret_key: str, default: Any = None) -> Any:
    """A deployment setting: the environment variable ``env``, else secrets ``[fangxian].secret_key``."""
    value = os.environ.get(env)
    if value:
        return value
    try:
        return st.secrets.get("fangxian", {}).get(secret_key, default)
    except Exception:  # no secrets file
        return default


def auth_mode() -> str:
    mode = str(setting("FANGXIAN_AUTH_MODE", "auth_mode", "local")).strip().lower()
    return mode if mode in MODES else "local"


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:
        return False


def group_mapping() -> dict[str, frozenset[str]]:
    """Group -> roles, from ``FANGXIAN_OIDC_ROLES`` or secrets ``[fangxian.oidc_roles]``."""
    return parse_group_mapping(setting("FANGXIAN_OIDC_ROLES", "oidc_roles"))


def new_session(source: str, **fields: Any) -> dict[str, Any]:
    """The record a successful sign-in stores (tests use it to sign in the same way)."""
    return {"source": source, "last_seen": utcnow(), **fields}


def _end(flash: str | None) -> None:
    st.session_state.pop(SESSION_KEY, None)
    if flash:
        st.session_state[FLASH_KEY] = flash


def resolve(url: str) -> Actor | None:
    """Who this run belongs to (None: show the login page). Called by the router on every run."""
    actor = _resolve(url)
    if actor is None:
        st.session_state.pop(ACTOR_KEY, None)
    else:
        st.session_state[ACTOR_KEY] = actor
    return actor


def _resolve(url: str) -> Actor | None:
    token = st.query_params.get(KIOSK_PARAM) or os.environ.get("FANGXIAN_KIOSK_TOKEN")
    if token:
        with unit_of_work(url) as uow:
            actor = identity.kiosk_actor(uow, str(token))
        if actor is None:
            _end("auth.flash.kiosk_invalid")
            return None
        st.session_state[SESSION_KEY] = new_session("kiosk", token_id=int(actor.username.split(":", 1)[1]))
        return actor
    mode = auth_mode()
    rec = st.session_state.get(SESSION_KEY)
    if isinstance(rec, dict):
        if rec.get("source") == "kiosk":
            with unit_of_work(url) as uow:
                actor = identity.kiosk_actor_by_id(uow, int(rec.get("token_id", 0)))
            if actor is None:
                _end("auth.flash.kiosk_invalid")
            return actor
        if rec.get("source") == "local" and mode == "local" and rec.get("session_id"):
            with unit_of_work(url) as uow:
                check = identity.sessions.check_session(uow, int(rec["session_id"]))
            return _live(check)
        _end(None)
    if mode == "local":
        return _cookie_actor(url)
    if mode == "oidc":
        return _oidc_actor(url)
    if mode == "proxy":
        return _proxy_actor(url, dict(st.context.headers))
    return None


_ENDED_FLASH = {"timeout": "auth.flash.expired", "max_age": "auth.flash.expired", "disabled": "auth.flash.disabled",
                "revoked": "auth.flash.revoked"}


def _live(check: identity.sessions.SessionCheck) -> Actor | None:
    """The Actor of a re-checked session; an ended one is forgotten with a word on the login page."""
    if check.actor is None:
        _end(_ENDED_FLASH.get(check.ended or ""))
        return None
    st.session_state[SESSION_KEY] = new_session("local", username=check.actor.username, session_id=check.session_id)
    return check.actor


def _cookie_actor(url: str) -> Actor | None:
    """A reload or a new tab: the signed cookie names a server-side session (re-checked like any run)."""
    raw = st.context.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    with unit_of_work(url) as uow:
        token = unsign_cookie(raw, identity.sessions.session_secret(uow))
        check = identity.sessions.check_token(uow, token) if token else None
    if check is None or check.ended == "unknown":
        return None  # a forged, foreign or forgotten cookie: just the login page
    actor = _live(check)
    if actor is not None and LANG_KEY not in st.session_state:
        set_lang(check.lang)  # the session's language, before the selector is drawn
        st.session_state[state_keys.LANG_SYNCED] = check.lang
    return actor


def redirect(path: str) -> None:
    """Send the browser to ``path`` of this app with a full page load (as ``st.login`` does), at the start of
    the next run: the caller reruns, and a message queued just before a rerun could be dropped."""
    st.session_state[state_keys.PENDING_REDIRECT] = path


def flush_redirect() -> None:
    """Called by the router on every run: deliver a redirect ``redirect`` asked for."""
    path = st.session_state.pop(state_keys.PENDING_REDIRECT, None)
    if not path:
        return
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        msg = ForwardMsg()
        msg.auth_redirect.url = str(path)
        ctx.enqueue(msg)


def remember_language(url: str) -> None:
    """A signed-in desk session keeps its language for the next reload (written when it changes)."""
    rec = st.session_state.get(SESSION_KEY) or {}
    lang = st.session_state.get(LANG_KEY)
    if rec.get("source") != "local" or not rec.get("session_id") or lang == st.session_state.get(state_keys.LANG_SYNCED):
        return
    with unit_of_work(url) as uow:
        identity.sessions.set_language(uow, int(rec["session_id"]), str(lang))
    st.session_state[state_keys.LANG_SYNCED] = lang


def _oidc_actor(url: str) -> Actor | None:
    user = st.user
    if not user.get("is_logged_in", False):  # st.user.is_logged_in raises without [auth]
        return None
    claim = str(setting("FANGXIAN_OIDC_USER_CLAIM", "oidc_user_claim", "preferred_username"))
    username = user.get(claim) or user.get("email") or user.get("sub")
    groups = split_groups(user.get(str(setting("FANGXIAN_OIDC_GROUPS_CLAIM", "oidc_groups_claim", "groups"))))
    with unit_of_work(url) as uow:
        actor = identity.external_actor(uow, str(username or ""), user.get("name"), groups, group_mapping())
    if actor is None:
        st.session_state[FLASH_KEY] = "auth.flash.no_roles"
    return actor


def proxy_actor(url: str, headers: Mapping[str, str]) -> Actor | None:
    """The identity a trusted reverse proxy vouches for. The proxy MUST strip client copies of these
    headers and the app must be reachable only through it (bind 127.0.0.1)."""
    lower = {k.lower(): v for k, v in headers.items()}
    user_h = str(setting("FANGXIAN_PROXY_USER_HEADER", "proxy_user_header", "X-Remote-User")).lower()
    groups_h = str(setting("FANGXIAN_PROXY_GROUPS_HEADER", "proxy_groups_header", "X-Remote-Groups")).lower()
    username = lower.get(user_h, "").strip()
    if not username:
        return None
    with unit_of_work(url) as uow:
        return identity.external_actor(uow, username, None, split_groups(lower.get(groups_h)), group_mapping())


def _proxy_actor(url: str, headers: Mapping[str, str]) -> Actor | None:
    actor = proxy_actor(url, headers)
    if actor is None and headers:
        lower = {k.lower() for k in headers}
        if str(setting("FANGXIAN_PROXY_USER_HEADER", "proxy_user_header", "X-Remote-User")).lower() in lower:
            st.session_state[FLASH_KEY] = "auth.flash.no_roles"
    return actor


def sign_in_local(url: str, username: str, password: str) -> Actor:
    """Check the password (raises AuthenticationFailed / AccountLocked / AccountDisabled) and start a session.
    The attempt is one unit of work (a failure is counted); its refusal is raised once it is committed."""
    with unit_of_work(url) as uow:
        attempt = identity.authenticate(uow, username, password)
    actor = attempt.accepted()
    lang = current_lang()
    with unit_of_work(url) as uow:
        session_id, ticket = identity.sessions.start_session(
            uow, actor, lang, str(st.session_state.pop(state_keys.NEXT_PAGE, "") or ""))
    st.session_state[SESSION_KEY] = new_session("local", username=actor.username, session_id=session_id)
    st.session_state[state_keys.LANG_SYNCED] = lang
    st.session_state.pop(FLASH_KEY, None)
    redirect(f"{BEGIN_PATH}?ticket={ticket}")  # the cookie endpoint: a reload keeps this session
    return actor


def sign_out(url: str) -> None:
    rec = st.session_state.get(SESSION_KEY) or {}
    source = rec.get("source")
    if source == "local" and rec.get("session_id"):
        with unit_of_work(url) as uow:
            identity.sessions.end_session(uow, int(rec["session_id"]))
        redirect(END_PATH)  # drop the cookie too (the session is already over in the database)
    _end("auth.flash.logged_out")
    st.session_state.pop(ACTOR_KEY, None)
    if source is None and auth_mode() == "oidc" and st.user.get("is_logged_in", False):
        st.logout()


def can_sign_out(actor: Actor) -> bool:
    """Kiosks stay signed in (their token is in the URL); proxy users sign out at the proxy."""
    rec = st.session_state.get(SESSION_KEY) or {}
    return rec.get("source") == "local" or (not rec and auth_mode() == "oidc")


def requested_page_title() -> str | None:
    """The title of the page a signed-out visitor asked for (opened after sign-in), if any."""
    from dashboard.navigation import PAGES

    wanted = st.session_state.get(state_keys.NEXT_PAGE)
    spec = next((p for p in PAGES if p.url_path == wanted), None)
    return None if spec is None else t(spec.title_key)


def pop_flash() -> str | None:
    return st.session_state.pop(FLASH_KEY, None)


def current_actor() -> Actor | None:
    """The signed-in Actor of this run (set by the router), or None."""
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else None


def role_names(roles: frozenset[str] | tuple[str, ...]) -> str:
    """The roles' names in the UI language, in the order of ``ROLES``."""
    return t("auth.role_separator").join(t(f"role.{r}") for r in ROLES if r in roles)


def guard(*roles: str) -> Actor:
    """Top of a sensitive page: stop with a message unless the actor holds one of ``roles``."""
    actor = current_actor()
    if actor is None or (roles and not actor.has(*roles)):
        st.error(t("auth.guard.denied", roles=role_names(roles)))
        st.stop()
    assert actor is not None
    return actor


def md_escape(text: str) -> str:
    """Plain text for st.markdown (user-supplied names must not become links, images or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def user_box(actor: Actor) -> None:
    """The sidebar's identity block: name, roles in the UI language, scope, sign-out."""
    st.markdown(f"**{md_escape(actor.display_name)}**")
    st.caption(t("auth.user.roles", roles=role_names(actor.roles)))
    if actor.streets is not None:
        st.caption(t("auth.user.scope", scope=t("auth.scope.streets", n=len(actor.streets))))
    if can_sign_out(actor) and st.button(t("auth.user.logout"), key="fx_logout"):
        from dashboard.context import db_url

        sign_out(db_url())
        st.rerun()
