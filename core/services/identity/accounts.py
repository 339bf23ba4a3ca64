"""Local accounts: sign-in with lockout, re-validation on every run, and the admin's user services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.model.actor import Actor, require, write_service
from core.model.errors import InvalidInput, NotFound
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
    utcnow,
)
from core.services.audit import new_batch_id, record
from core.storage.db import session_scope
from core.storage.repositories import identity_repo as repo

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


def authenticate(url: str | None, username: str, password: str, *, now: dt.datetime | None = None) -> Actor:
    """Check a user name and password; count failures and lock the account after five for 15 minutes."""
    now = now or utcnow()
    with session_scope(url) as s:
        row = repo.user_row(s, (username or "").strip())
        if row is None:
            verify_password(None, password)
            raise AuthenticationFailed("用户名或密码错误")
        if row.locked_until is not None and row.locked_until > now:
            minutes = max(1, int((row.locked_until - now).total_seconds() // 60) + 1)
            raise AccountLocked(f"账号已锁定，请 {minutes} 分钟后再试", minutes=minutes)
        ok = verify_password(row.password_hash, password)
        if not ok:
            row.failed_attempts = (row.failed_attempts or 0) + 1
            if row.failed_attempts >= MAX_FAILED_ATTEMPTS:
                row.locked_until = now + LOCKOUT
                row.failed_attempts = 0
                record(s, Actor(row.username, row.display_name, frozenset()), "user.lockout", "app_user",
                       row.username, after={"locked_until": row.locked_until.isoformat(timespec="seconds")},
                       reason=f"连续 {MAX_FAILED_ATTEMPTS} 次密码错误", batch_id=new_batch_id())
        elif row.disabled:
            raise AccountDisabled("账号已停用，请联系系统管理员")
        else:
            row.failed_attempts = 0
            row.locked_until = None
            row.last_login = now
            if _hasher.check_needs_rehash(row.password_hash or ""):
                row.password_hash = hash_password(password)
            return actor_of(repo.user_dict(row))
    # the failure count is committed above; only then is the failure reported
    raise AuthenticationFailed("用户名或密码错误")


def load_actor(url: str | None, username: str) -> Actor | None:
    """The account's current Actor, or None when it is missing or disabled (checked on every run)."""
    with session_scope(url) as s:
        user = repo.get_user(s, username)
    if user is None or user["disabled"]:
        return None
    return actor_of(user)


def count_users(url: str | None) -> int:
    with session_scope(url) as s:
        return repo.count_users(s)


def _public(user: dict[str, Any]) -> dict[str, Any]:
    return {"roles": user["roles"], "streets": user["streets"], "disabled": bool(user["disabled"])}


def _existing(s: Any, username: str) -> Any:
    row = repo.user_row(s, username)
    if row is None:
        raise NotFound(f"没有用户 {username}", username=username)
    return row


@write_service("admin")
def add_user(actor: Actor, url: str | None, username: str, display_name: str, password: str,
             roles: Iterable[str], streets: Iterable[str] | None = None, reason: str = "") -> None:
    """Create a local account (roles checked against the known roles, password hashed)."""
    check_username(username)
    check_password(password)
    role_set = parse_roles(roles)
    if not role_set:
        raise InvalidInput("至少指定一个角色")
    with session_scope(url) as s:
        if repo.get_user(s, username) is not None:
            raise InvalidInput(f"用户 {username} 已存在", username=username)
        fields = {"username": username, "display_name": display_name or username, "roles": join_codes(role_set),
                  "streets": join_codes(streets), "disabled": False}
        repo.add_user(s, password_hash=hash_password(password), failed_attempts=0, **fields)
        record(s, actor, "user.add", "app_user", username, after=_public(fields), reason=reason,
               batch_id=new_batch_id())


@write_service("admin")
def set_password(actor: Actor, url: str | None, username: str, password: str, reason: str = "") -> None:
    """Replace a password (and lift a lockout)."""
    check_password(password)
    with session_scope(url) as s:
        row = _existing(s, username)
        row.password_hash = hash_password(password)
        row.failed_attempts = 0
        row.locked_until = None
        record(s, actor, "user.passwd", "app_user", username, reason=reason, batch_id=new_batch_id())


def _set_disabled(actor: Actor, url: str | None, username: str, disabled: bool, reason: str) -> None:
    with session_scope(url) as s:
        row = _existing(s, username)
        before = row.disabled
        row.disabled = disabled
        if not disabled:
            row.failed_attempts = 0
            row.locked_until = None
        record(s, actor, "user.disable" if disabled else "user.enable", "app_user", username,
               before={"disabled": bool(before)}, after={"disabled": disabled}, reason=reason,
               batch_id=new_batch_id())


@write_service("admin")
def disable_user(actor: Actor, url: str | None, username: str, reason: str = "") -> None:
    """Disable an account; its open sessions end on their next run."""
    if username == actor.username:
        raise InvalidInput("不能停用自己的账号")
    _set_disabled(actor, url, username, True, reason)


@write_service("admin")
def enable_user(actor: Actor, url: str | None, username: str, reason: str = "") -> None:
    """Enable an account again (and lift a lockout)."""
    _set_disabled(actor, url, username, False, reason)


@write_service("admin")
def set_roles(actor: Actor, url: str | None, username: str, roles: Iterable[str],
              streets: Iterable[str] | None = None, reason: str = "") -> None:
    """Replace an account's roles and street scope (``streets=None``: the whole district)."""
    role_set = parse_roles(roles)
    if not role_set:
        raise InvalidInput("至少指定一个角色")
    with session_scope(url) as s:
        row = _existing(s, username)
        before = {"roles": row.roles, "streets": row.streets}
        row.roles = join_codes(role_set) or ""
        row.streets = join_codes(streets)
        record(s, actor, "user.set_roles", "app_user", username, before=before,
               after={"roles": row.roles, "streets": row.streets}, reason=reason, batch_id=new_batch_id())


def list_users(actor: Actor, url: str | None) -> pd.DataFrame:
    """Every account without its password hash (admins only)."""
    require(actor, "admin")
    with session_scope(url) as s:
        return repo.list_users(s)
