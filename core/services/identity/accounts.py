"""Local accounts: sign-in with lockout, re-validation on every run, and the admin's user services.

Every function takes the caller's unit of work. A sign-in attempt is one unit of work of its own: a
failure is counted in it, so ``authenticate`` returns the refusal (``SignIn``) instead of raising it,
and the caller raises it once that unit of work has committed::

    with unit_of_work(url) as uow:
        attempt = authenticate(uow, username, password)
    actor = attempt.accepted()  # raises AuthenticationFailed / AccountLocked / AccountDisabled
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.i18n import translate
from core.model.actor import FRONT_LINE_ROLES, Actor, require, write_service
from core.model.errors import FangxianError, InvalidInput, NotFound
from core.model.identity_policy import (
    LOCKOUT,
    MAX_FAILED_ATTEMPTS,
    USERNAME_RE,
    AccountDisabled,
    AccountLocked,
    AuthenticationFailed,
    actor_of,
    check_password,
    check_username,
    join_codes,
    parse_roles,
    split_codes,
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


def _actor_of_row(uow: UnitOfWork, row: Any) -> Actor:
    return scoped(uow, actor_of({"username": row.username, "display_name": row.display_name, "roles": row.roles,
                                 "streets": row.streets, "communities": row.communities, "grids": row.grids}),
                  row.staff_id)


def scoped(uow: UnitOfWork, actor: Actor, staff_id: int | None) -> Actor:
    """A front-line account's places made concrete: the grids or communities named on the account, or its
    staff record's current grid (网格员) or community (社区工作人员); its streets are those places' streets.
    An account with front-line roles and no place reaches nothing (empty scope), never the district."""
    if not actor.roles & FRONT_LINE_ROLES:
        return actor
    places = uow.identity.places_of(staff_id=staff_id, communities=actor.communities, grids=actor.grids)
    grid_scoped = "grid_member" in actor.roles and "community_staff" not in actor.roles
    grids = actor.grids if actor.grids is not None else (places["grids"] if grid_scoped else None)
    return dataclasses.replace(actor, streets=places["streets"], communities=places["communities"],
                               grids=frozenset(grids) if grids is not None else None)


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
    return SignIn(_actor_of_row(uow, row))


def load_actor(uow: UnitOfWork, username: str) -> Actor | None:
    """The account's current Actor, or None when it is missing or disabled (checked on every run)."""
    user = uow.identity.get_user(username)
    if user is None or user["disabled"]:
        return None
    return scoped(uow, actor_of(user), user["staff_id"])


def count_users(uow: UnitOfWork) -> int:
    return int(uow.identity.count_users())


def _public(user: dict[str, Any]) -> dict[str, Any]:
    out = {"roles": user["roles"], "streets": user["streets"], "disabled": bool(user["disabled"])}
    out.update({k: user[k] for k in ("communities", "grids", "staff_id") if user.get(k) is not None})
    return out


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
             roles: Iterable[str], streets: Iterable[str] | None = None, reason: str = "", *,
             communities: Iterable[str] | None = None, grids: Iterable[str] | None = None,
             staff_id: int | None = None, batch_id: str | None = None) -> None:
    """Create a local account (roles checked against the known roles, password hashed). A front-line
    account (网格员, 社区工作人员) needs its places: grids, communities, or the staff record it belongs to."""
    check_username(username)
    check_password(password)
    role_set = _roles(roles)
    if uow.identity.get_user(username) is not None:
        raise InvalidInput("identity.user_exists", username=username)
    if role_set & FRONT_LINE_ROLES and communities is None and grids is None and staff_id is None:
        raise InvalidInput("identity.front_line_place_missing", username=username)
    fields = {"username": username, "display_name": display_name or username, "roles": join_codes(role_set),
              "streets": join_codes(streets), "communities": join_codes(communities), "grids": join_codes(grids),
              "staff_id": staff_id, "disabled": False}
    if role_set & FRONT_LINE_ROLES:  # the named places must exist
        places = uow.identity.places_of(staff_id=staff_id, communities=split_codes(join_codes(communities)),
                                        grids=split_codes(join_codes(grids)))
        if not places["communities"]:
            raise InvalidInput("identity.front_line_place_unknown", username=username)
    uow.identity.add_user(password_hash=hash_password(password), failed_attempts=0, **fields)
    record(uow, actor, "user.add", "app_user", username, after=_public(fields), reason=reason,
           batch_id=batch_id or new_batch_id())


#: the staff kinds that get front-line accounts from the roster, and the role each gets
ROSTER_ROLES = {"grid_member": "grid_member", "community_worker": "community_staff"}


@write_service("admin")
def issue_front_line_accounts(uow: UnitOfWork, actor: Actor, kinds: Iterable[str] = ("grid_member",), *,
                              reason: str = "") -> list[dict[str, str]]:
    """An account for every placed staff member of ``kinds`` (grid_member -> 网格员, community_worker ->
    社区工作人员) who has none: user name = staff code, a random first password, tied to the staff record
    (the scope follows the person's grid or community). Returns user name, name and password of each new
    account, once: the passwords are not stored anywhere else. One audited batch."""
    wanted = tuple(k for k in kinds if k in ROSTER_ROLES)
    if not wanted:
        raise InvalidInput("identity.roster_kinds_unknown", kinds=list(kinds))
    staff = uow.identity.staff_for_accounts(wanted)
    batch = new_batch_id()
    issued: list[dict[str, str]] = []
    for row in staff[staff["username"].isna()].itertuples():
        username = str(row.code).lower()
        if not USERNAME_RE.match(username) or uow.identity.get_user(username) is not None:
            continue  # a code that cannot be a user name, or a name already taken: left to the admin
        password = secrets.token_urlsafe(9)
        add_user(uow, actor, username, str(row.name), password, [ROSTER_ROLES[str(row.kind)]], reason=reason,
                 staff_id=int(row.id), batch_id=batch)
        issued.append({"username": username, "name": str(row.name), "password": password})
    return issued


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
