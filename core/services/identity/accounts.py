"""Local accounts: sign-in with lockout, re-validation on every run, and the admin's user services.

Every function takes the caller's unit of work. A sign-in attempt is one unit of work of its own: a
failure is counted in it, so ``authenticate`` returns the refusal (``SignIn``) instead of raising it,
and the caller raises it once that unit of work has committed::

    with unit_of_work(url) as uow:
        attempt = authenticate(uow, username, password)
    actor = attempt.accepted()  # raises AuthenticationFailed / AccountLocked / AccountDisabled
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.i18n import translate
from core.model.actor import Actor, require, write_service
from core.model.errors import FangxianError, InvalidInput, NotFound
from core.model.identity_policy import (
    LOCKOUT,
    MAX_FAILED_ATTEMPTS,
    AccountDisabled,
    AccountLocked,
    AuthenticationFailed,
    actor_of,
    check_password,
    check_username,
    join_codes,
    parse_roles,
)
from core.services import clock
from core.services.audit import new_batch_id, record
from core.services.uow import UnitOfWork

_hasher = PasswordHasher()
#: verified against when the user name is unknown, so that the answer takes the same time
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """A salted argon2id hash (argon2-cffi defaults: slow and memory-hard on purpose)."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class SignIn:
    """The outcome of one sign-in attempt: the Actor, or the refusal to raise after the commit."""

    actor: Actor | None
    refusal: FangxianError | None = None

    def accepted(self) -> Actor:
        """The Actor; raises the refusal (call it after the attempt's unit of work has committed)."""
        if self.refusal is not None or self.actor is None:
            raise self.refusal or AuthenticationFailed()
        return self.actor


def _actor_of_row(row: Any) -> Actor:
    return actor_of({"username": row.username, "display_name": row.display_name, "roles": row.roles,
                     "streets": row.streets})


def authenticate(uow: UnitOfWork, username: str, password: str, *, now: dt.datetime | None = None) -> SignIn:
    """Check a user name and password; count failures and lock the account after five for 15 minutes.

    The failure count is written in ``uow``; the refusal is returned, not raised (see the module)."""
    now = now or clock.exact_now()
    row = uow.identity.user_row((username or "").strip())
    if row is None:
        verify_password(None, password)
        return SignIn(None, AuthenticationFailed())
    if row.locked_until is not None and row.locked_until > now:
        minutes = max(1, int((row.locked_until - now).total_seconds() // 60) + 1)
        return SignIn(None, AccountLocked(minutes=minutes))
    if not verify_password(row.password_hash, password):
        row.failed_attempts = (row.failed_attempts or 0) + 1
        if row.failed_attempts >= MAX_FAILED_ATTEMPTS:
            row.locked_until = now + LOCKOUT
            row.failed_attempts = 0
            record(uow, Actor(row.username, row.display_name, frozenset()), "user.lockout", "app_user",
                   row.username, after={"locked_until": row.locked_until.isoformat(timespec="seconds")},
                   reason=translate("identity.lockout_reason", n=MAX_FAILED_ATTEMPTS), batch_id=new_batch_id())
        return SignIn(None, AuthenticationFailed())
    if row.disabled:
        return SignIn(None, AccountDisabled())
    row.failed_attempts = 0
    row.locked_until = None
    row.last_login = now
    if _hasher.check_needs_rehash(row.password_hash or ""):
        row.password_hash = hash_password(password)
    return SignIn(_actor_of_row(row))


def load_actor(uow: UnitOfWork, username: str) -> Actor | None:
    """The account's current Actor, or None when it is missing or disabled (checked on every run)."""
    user = uow.identity.get_user(username)
    if user is None or user["disabled"]:
        return None
    return actor_of(user)


def count_users(uow: UnitOfWork) -> int:
    return int(uow.identity.count_users())


def _public(user: dict[str, Any]) -> dict[str, Any]:
    return {"roles": user["roles"], "streets": user["streets"], "disabled": bool(user["disabled"])}


def _existing(uow: UnitOfWork, username: str) -> Any:
    row = uow.identity.user_row(username)
    if row is None:
        raise NotFound("identity.user_missing", username=username)
    return row


def _roles(roles: Iterable[str]) -> frozenset[str]:
    role_set = parse_roles(roles)
    if not role_set:
        raise InvalidInput("identity.roles_empty")
    return role_set


@write_service("admin")
def add_user(uow: UnitOfWork, actor: Actor, username: str, display_name: str, password: str,
             roles: Iterable[str], streets: Iterable[str] | None = None, reason: str = "") -> None:
    """Create a local account (roles checked against the known roles, password hashed)."""
    check_username(username)
    check_password(password)
    role_set = _roles(roles)
    if uow.identity.get_user(username) is not None:
        raise InvalidInput("identity.user_exists", username=username)
    fields = {"username": username, "display_name": display_name or username, "roles": join_codes(role_set),
              "streets": join_codes(streets), "disabled": False}
    uow.identity.add_user(password_hash=hash_password(password), failed_attempts=0, **fields)
    record(uow, actor, "user.add", "app_user", username, after=_public(fields), reason=reason,
           batch_id=new_batch_id())


@write_service("admin")
def set_password(uow: UnitOfWork, actor: Actor, username: str, password: str, reason: str = "") -> None:
    """Replace a password (and lift a lockout)."""
    check_password(password)
    row = _existing(uow, username)
    row.password_hash = hash_password(password)
    row.failed_attempts = 0
    row.locked_until = None
    if username != actor.username:  # a password reset by an admin ends the account's open sessions
        uow.identity.end_sessions_of(username, clock.exact_now(), "revoked")
    record(uow, actor, "user.passwd", "app_user", username, reason=reason, batch_id=new_batch_id())


def _set_disabled(uow: UnitOfWork, actor: Actor, username: str, disabled: bool, reason: str) -> None:
    row = _existing(uow, username)
    before = row.disabled
    row.disabled = disabled
    if disabled:  # open sessions end now, not on their next run
        uow.identity.end_sessions_of(username, clock.exact_now(), "disabled")
    if not disabled:
        row.failed_attempts = 0
        row.locked_until = None
    record(uow, actor, "user.disable" if disabled else "user.enable", "app_user", username,
           before={"disabled": bool(before)}, after={"disabled": disabled}, reason=reason,
           batch_id=new_batch_id())


@write_service("admin")
def disable_user(uow: UnitOfWork, actor: Actor, username: str, reason: str = "") -> None:
    """Disable an account; its open sessions end on their next run."""
    if username == actor.username:
        raise InvalidInput("identity.cannot_disable_self")
    _set_disabled(uow, actor, username, True, reason)


@write_service("admin")
def enable_user(uow: UnitOfWork, actor: Actor, username: str, reason: str = "") -> None:
    """Enable an account again (and lift a lockout)."""
    _set_disabled(uow, actor, username, False, reason)


@write_service("admin")
def set_roles(uow: UnitOfWork, actor: Actor, username: str, roles: Iterable[str],
              streets: Iterable[str] | None = None, reason: str = "") -> None:
    """Replace an account's roles and street scope (``streets=None``: the whole district)."""
    role_set = _roles(roles)
    row = _existing(uow, username)
    before = {"roles": row.roles, "streets": row.streets}
    row.roles = join_codes(role_set) or ""
    row.streets = join_codes(streets)
    record(uow, actor, "user.set_roles", "app_user", username, before=before,
           after={"roles": row.roles, "streets": row.streets}, reason=reason, batch_id=new_batch_id())


def list_users(uow: UnitOfWork, actor: Actor) -> pd.DataFrame:
    """Every account without its password hash (admins only)."""
    require(actor, "admin")
    return uow.identity.list_users()
