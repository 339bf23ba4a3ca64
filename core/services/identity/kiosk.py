"""Kiosk tokens: a long random secret that signs a wall screen in as the read-only ``wallscreen``.

Only a SHA-256 of the secret is stored (the secret has 256 bits of entropy, so a slow hash adds
nothing); the secret itself is returned once, at creation.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import pandas as pd

from core.model.actor import Actor, require, write_service
from core.model.errors import InvalidInput, NotFound
from core.model.identity_policy import KIOSK_TOUCH_EVERY, utcnow
from core.services.audit import new_batch_id, record
from core.storage.db import session_scope
from core.storage.repositories import identity_repo as repo

TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def wallscreen_actor(token_id: int, name: str) -> Actor:
    return Actor(username=f"kiosk:{token_id}", display_name=name or "大屏", roles=frozenset({"wallscreen"}))


@dataclass(frozen=True)
class NewToken:
    id: int
    name: str
    token: str  # shown once; never stored


@write_service("admin")
def create_kiosk_token(actor: Actor, url: str | None, name: str, reason: str = "") -> NewToken:
    """Create a wall-screen token; the secret is in the result and nowhere else."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("请给大屏令牌起一个名字（如：指挥中心大屏）")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with session_scope(url) as s:
        token_id = repo.add_kiosk_token(s, name=name, token_hash=token_hash(token), created_by=actor.username)
        record(s, actor, "kiosk.create", "kiosk_token", token_id, after={"name": name}, reason=reason,
               batch_id=new_batch_id())
    return NewToken(token_id, name, token)


@write_service("admin")
def revoke_kiosk_token(actor: Actor, url: str | None, token: int | str, reason: str = "") -> int:
    """Revoke a token by id or name (every live token of that name); returns how many were revoked."""
    now = utcnow()
    with session_scope(url) as s:
        if isinstance(token, int) or str(token).isdigit():
            row = repo.kiosk_by_id(s, int(token))
            rows = [row] if row is not None else []
        else:
            rows = repo.kiosk_by_name(s, str(token))
        live = [r for r in rows if r.revoked_at is None]
        if not rows:
            raise NotFound(f"没有大屏令牌 {token}", token=str(token))
        batch = new_batch_id()
        for r in live:
            r.revoked_at = now
            record(s, actor, "kiosk.revoke", "kiosk_token", r.id, before={"name": r.name, "revoked": False},
                   after={"name": r.name, "revoked": True}, reason=reason, batch_id=batch)
        return len(live)


def list_kiosk_tokens(actor: Actor, url: str | None) -> pd.DataFrame:
    """Every token (id, name, who made it, when, revoked, last used); never the secret."""
    require(actor, "admin")
    with session_scope(url) as s:
        return repo.list_kiosk_tokens(s)


def kiosk_actor(url: str | None, token: str) -> Actor | None:
    """The wall-screen Actor for a live token, or None (unknown or revoked)."""
    if not token or len(token) > 200:
        return None
    return _check(url, lambda s: repo.kiosk_by_hash(s, token_hash(token)))


def kiosk_actor_by_id(url: str | None, token_id: int) -> Actor | None:
    """Re-validate a signed-in screen on every run (revocation ends it at once)."""
    return _check(url, lambda s: repo.kiosk_by_id(s, token_id))


def _check(url: str | None, find) -> Actor | None:  # type: ignore[no-untyped-def]
    now = utcnow()
    with session_scope(url) as s:
        row = find(s)
        if row is None or row.revoked_at is not None:
            return None
        if row.last_used_at is None or now - row.last_used_at > KIOSK_TOUCH_EVERY:
            row.last_used_at = now
        return wallscreen_actor(int(row.id), row.name)
