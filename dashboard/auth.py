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
from core.model.identity_policy import parse_group_mapping, session_expired, split_groups, utcnow
from core.services import identity
from core.services.uow import unit_of_work
from dashboard import state_keys
from dashboard.i18n import t

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
        if rec.get("source") == "local" and mode == "local":
            now = utcnow()
            if session_expired(rec["last_seen"], now):
                _end("auth.flash.expired")
                return None
            with unit_of_work(url) as uow:
                actor = identity.load_actor(uow, str(rec.get("username", "")))
            if actor is None:
                _end("auth.flash.disabled")
                return None
            rec["last_seen"] = now
            return actor
        _end(None)
    if mode == "oidc":
        return _oidc_actor(url)
    if mode == "proxy":
        return _proxy_actor(url, dict(st.context.headers))
    return None


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
    st.session_state[SESSION_KEY] = new_session("local", username=actor.username)
    st.session_state.pop(FLASH_KEY, None)
    return actor


def sign_out() -> None:
    source = (st.session_state.get(SESSION_KEY) or {}).get("source")
    _end("auth.flash.logged_out")
    st.session_state.pop(ACTOR_KEY, None)
    if source is None and auth_mode() == "oidc" and st.user.get("is_logged_in", False):
        st.logout()


def can_sign_out(actor: Actor) -> bool:
    """Kiosks stay signed in (their token is in the URL); proxy users sign out at the proxy."""
    rec = st.session_state.get(SESSION_KEY) or {}
    return rec.get("source") == "local" or (not rec and auth_mode() == "oidc")


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
        sign_out()
        st.rerun()
