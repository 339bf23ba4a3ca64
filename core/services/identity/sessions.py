"""Desk sessions that survive a reload and a new tab (local accounts).

A successful sign-in starts a server-side session row with a one-time **ticket**; the browser is sent
to the app's cookie endpoint (``dashboard/server.py``), which redeems the ticket for a random session
token and sets it as a signed, HttpOnly, SameSite=Strict cookie. Every script run re-checks the row:
ended (signed out, disabled, revoked), idle longer than the timeout or older than the maximum age ends
the session. Only SHA-256 hashes of tickets and tokens are stored.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.model.actor import Actor, require, write_service
from core.model.identity_policy import (
    SESSION_TOUCH_EVERY,
    TICKET_TTL,
    safe_next_path,
    session_expired,
    session_max_age,
    session_token_hash,
)
from core.services import clock
from core.services.audit import new_batch_id, record
from core.services.identity.accounts import load_actor
from core.services.uow import UnitOfWork

SECRET_META_KEY = "auth.session_secret"
TOKEN_BYTES = 32
LANGS = ("zh", "en")


@dataclass(frozen=True)
class SessionCheck:
    """The outcome of re-checking a session: ``actor`` when it is live, else why it ended."""

    actor: Actor | None
    session_id: int | None = None
    lang: str = "zh"
    next_path: str = ""
    ended: str | None = None  # signed_out | timeout | max_age | disabled | revoked | unknown


def session_secret(uow: UnitOfWork) -> str:
    """The key that signs session cookies: ``FANGXIAN_SESSION_SECRET``, else one generated on first use and
    kept in the database (so every app process of the district signs alike)."""
    env = os.environ.get("FANGXIAN_SESSION_SECRET", "").strip()
    if env:
        return env
    stored = uow.meta.get(SECRET_META_KEY)
    if stored:
        return stored
    value = secrets.token_urlsafe(32)
    uow.meta.set(SECRET_META_KEY, value)
    return value


def start_session(uow: UnitOfWork, actor: Actor, lang: str, next_path: str = "") -> tuple[int, str]:
    """A new session for a signed-in account; returns (session id, one-time ticket for the cookie endpoint)."""
    ticket = secrets.token_urlsafe(TOKEN_BYTES)
    now = clock.exact_now()
    session_id = uow.identity.add_session(
        username=actor.username, ticket_hash=session_token_hash(ticket), ticket_expires=now + TICKET_TTL,
        lang=lang if lang in LANGS else "zh", next_path=safe_next_path(next_path), created_at=now, last_seen=now,
    )
    return session_id, ticket


def redeem_ticket(uow: UnitOfWork, ticket: str) -> tuple[str, str] | None:
    """The session token for a live ticket (used once), with the page to return to; None otherwise."""
    if not ticket or len(ticket) > 200:
        return None
    row = uow.identity.session_by_ticket(session_token_hash(ticket))
    if row is None:
        return None
    row.ticket_hash = None  # once, whatever happens next
    now = clock.exact_now()
    if row.ended_at is not None or row.ticket_expires is None or row.ticket_expires < now:
        return None
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row.token_hash = session_token_hash(token)
    row.ticket_expires = None
    row.last_seen = now
    return token, row.next_path or ""


def check_token(uow: UnitOfWork, token: str | None) -> SessionCheck:
    """Re-check the session a cookie names (see ``check_session``)."""
    if not token or len(token) > 200:
        return SessionCheck(None, ended="unknown")
    row = uow.identity.session_by_token(session_token_hash(token))
    return _check(uow, row)


def check_session(uow: UnitOfWork, session_id: int) -> SessionCheck:
    """Re-check a session on every run: live (its Actor, last seen noted now and then) or ended, and why."""
    return _check(uow, uow.identity.session_by_id(session_id))


def _check(uow: UnitOfWork, row: Any) -> SessionCheck:
    if row is None:
        return SessionCheck(None, ended="unknown")
    sid, lang = int(row.id), str(row.lang or "zh")
    if row.ended_at is not None:
        return SessionCheck(None, sid, lang, ended=str(row.end_reason or "signed_out"))
    now = clock.exact_now()
    reason = None
    if session_expired(row.last_seen, now):
        reason = "timeout"
    elif now - row.created_at > session_max_age():
        reason = "max_age"
    actor = None if reason else load_actor(uow, str(row.username))
    if reason is None and actor is None:
        reason = "disabled"
    if reason is not None:
        row.ended_at, row.end_reason, row.ticket_hash = now, reason, None
        return SessionCheck(None, sid, lang, ended=reason)
    if now - row.last_seen > SESSION_TOUCH_EVERY:
        row.last_seen = now
    return SessionCheck(actor, sid, lang, str(row.next_path or ""))


def end_session(uow: UnitOfWork, session_id: int, reason: str = "signed_out") -> None:
    """Sign out: the row ends at once, so the cookie is worthless even before the browser drops it."""
    row = uow.identity.session_by_id(session_id)
    if row is not None and row.ended_at is None:
        row.ended_at, row.end_reason, row.ticket_hash = clock.exact_now(), reason, None


def set_language(uow: UnitOfWork, session_id: int, lang: str) -> None:
    """Remember the session's language (a reload or a new tab opens in it)."""
    row = uow.identity.session_by_id(session_id)
    if row is not None and lang in LANGS:
        row.lang = lang


def end_user_sessions(uow: UnitOfWork, username: str, reason: str) -> int:
    return uow.identity.end_sessions_of(username, clock.exact_now(), reason)


@write_service("admin")
def revoke_sessions(uow: UnitOfWork, actor: Actor, username: str, reason: str = "") -> int:
    """End every open session of an account (a lost laptop, a person who left); audited."""
    n = end_user_sessions(uow, username, "revoked")
    record(uow, actor, "session.revoke", "app_user", username, after={"sessions_ended": n}, reason=reason,
           batch_id=new_batch_id())
    return n


def list_sessions(uow: UnitOfWork, actor: Actor) -> pd.DataFrame:
    """Open sessions (account, language, started, last seen) for the admin's users page."""
    require(actor, "admin")
    live = uow.identity.live_sessions()
    now = clock.exact_now()  # idle past the timeout: over, even before its next run says so
    return live[[not session_expired(seen, now) for seen in live["last_seen"]]].reset_index(drop=True)


__all__ = ["SessionCheck", "check_session", "check_token", "end_session", "end_user_sessions", "list_sessions",
           "redeem_ticket", "revoke_sessions", "session_secret", "set_language", "start_session"]
