"""Kiosk tokens: a long random secret that signs a wall screen in as the read-only ``wallscreen``.

Only a SHA-256 of the secret is stored (the secret has 256 bits of entropy, so a slow hash adds
nothing); the secret itself is returned once, at creation.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.i18n import translate
from core.model.actor import Actor, require, write_service
from core.model.errors import InvalidInput, NotFound
from core.model.identity_policy import KIOSK_TOUCH_EVERY
from core.services import clock
from core.services.audit import new_batch_id, record
from core.services.uow import UnitOfWork

TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def wallscreen_actor(token_id: int, name: str) -> Actor:
    return Actor(username=f"kiosk:{token_id}", display_name=name or translate("role.wallscreen"),
                 roles=frozenset({"wallscreen"}))


@dataclass(frozen=True)
class NewToken:
    id: int
    name: str
    token: str  # shown once; never stored


@write_service("admin")
def create_kiosk_token(uow: UnitOfWork, actor: Actor, name: str, reason: str = "") -> NewToken:
    """Create a wall-screen token; the secret is in the result and nowhere else."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("identity.kiosk_name_missing")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    token_id = uow.identity.add_kiosk_token(name=name, token_hash=token_hash(token), created_by=actor.username)
    record(uow, actor, "kiosk.create", "kiosk_token", token_id, after={"name": name}, reason=reason,
           batch_id=new_batch_id())
    return NewToken(token_id, name, token)


@write_service("admin")
def revoke_kiosk_token(uow: UnitOfWork, actor: Actor, token: int | str, reason: str = "") -> int:
    """Revoke a token by id or name (every live token of that name); returns how many were revoked."""
    now = clock.exact_now()
    if isinstance(token, int) or str(token).isdigit():
        row = uow.identity.kiosk_by_id(int(token))
        rows = [row] if row is not None else []
    else:
        rows = uow.identity.kiosk_by_name(str(token))
    if not rows:
        raise NotFound("identity.kiosk_missing", token=str(token))
    live = [r for r in rows if r.revoked_at is None]
    batch = new_batch_id()
    for r in live:
        r.revoked_at = now
        record(uow, actor, "kiosk.revoke", "kiosk_token", r.id, before={"name": r.name, "revoked": False},
               after={"name": r.name, "revoked": True}, reason=reason, batch_id=batch)
    return len(live)


def list_kiosk_tokens(uow: UnitOfWork, actor: Actor) -> pd.DataFrame:
    """Every token (id, name, who made it, when, revoked, last used); never the secret (admins only)."""
    require(actor, "admin")
    return uow.identity.list_kiosk_tokens()


def kiosk_actor(uow: UnitOfWork, token: str) -> Actor | None:
    """The wall-screen Actor for a live token, or None (unknown or revoked)."""
    if not token or len(token) > 200:
        return None
    return _live(uow, lambda: uow.identity.kiosk_by_hash(token_hash(token)))


def kiosk_actor_by_id(uow: UnitOfWork, token_id: int) -> Actor | None:
    """Re-validate a signed-in screen on every run (revocation ends it at once)."""
    return _live(uow, lambda: uow.identity.kiosk_by_id(token_id))


def _live(uow: UnitOfWork, find: Callable[[], Any]) -> Actor | None:
    """The screen's Actor when its token is live; its last use is noted at most every few minutes."""
    now = clock.exact_now()
    row = find()
    if row is None or row.revoked_at is not None:
        return None
    if row.last_used_at is None or now - row.last_used_at > KIOSK_TOUCH_EVERY:
        row.last_used_at = now
    return wallscreen_actor(int(row.id), row.name)
