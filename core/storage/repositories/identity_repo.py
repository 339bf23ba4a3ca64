"""Storage of accounts and kiosk tokens. Plain dicts in and out; the rules live in core/identity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import false, func, select, update
from sqlalchemy.orm import Session

from core.storage.repositories.base import Repository, bound
from core.storage.rows import Community, Grid, Staff, Street
from core.storage.rows.auth import AppUser, AuthSession, KioskToken

USER_FIELDS = ("id", "username", "display_name", "roles", "streets", "communities", "grids", "staff_id", "disabled",
               "failed_attempts", "locked_until", "last_login", "created_at")


def user_dict(row: AppUser) -> dict[str, Any]:
    out = {f: getattr(row, f) for f in USER_FIELDS}
    out["password_hash"] = row.password_hash
    return out


def get_user(session: Session, username: str) -> dict[str, Any] | None:
    row = session.scalar(select(AppUser).where(AppUser.username == username))
    return None if row is None else user_dict(row)


def user_row(session: Session, username: str) -> AppUser | None:
    """The row itself, locked, for a service that changes it in its own transaction (a sign-in counts
    failures: a read-modify-write that must not interleave). PostgreSQL locks the row; SQLite ignores
    FOR UPDATE, so its one write lock is taken first (a no-op UPDATE, like BEGIN IMMEDIATE), before the
    row is read — concurrent attempts then queue on busy_timeout instead of counting from the same value."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(AppUser).where(false()).values(username=AppUser.username))
    stmt = select(AppUser).where(AppUser.username == username).with_for_update()
    return session.scalar(stmt.execution_options(populate_existing=True))


def add_user(session: Session, **fields: Any) -> None:
    session.add(AppUser(**fields))
    session.flush()


def count_users(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AppUser)) or 0)


def list_users(session: Session) -> pd.DataFrame:
    cols = [getattr(AppUser, f) for f in USER_FIELDS]
    result = session.execute(select(*cols).order_by(AppUser.username))
    return pd.DataFrame(result.all(), columns=list(USER_FIELDS))


def street_codes(session: Session) -> list[str]:
    return list(session.scalars(select(Street.code).order_by(Street.code)))


def add_kiosk_token(session: Session, *, name: str, token_hash: str, created_by: str) -> int:
    row = KioskToken(name=name, token_hash=token_hash, created_by=created_by)
    session.add(row)
    session.flush()
    return int(row.id)


def kiosk_by_hash(session: Session, token_hash: str) -> KioskToken | None:
    return session.scalar(select(KioskToken).where(KioskToken.token_hash == token_hash))


def kiosk_by_id(session: Session, token_id: int) -> KioskToken | None:
    return session.get(KioskToken, token_id)


def kiosk_by_name(session: Session, name: str) -> list[KioskToken]:
    return list(session.scalars(select(KioskToken).where(KioskToken.name == name).order_by(KioskToken.id)))


def list_kiosk_tokens(session: Session) -> pd.DataFrame:
    cols = ["id", "name", "created_by", "created_at", "revoked_at", "last_used_at"]
    result = session.execute(select(*[getattr(KioskToken, c) for c in cols]).order_by(KioskToken.id))
    return pd.DataFrame(result.all(), columns=cols)


def touch_kiosk(session: Session, token_id: int, when: dt.datetime) -> None:
    row = session.get(KioskToken, token_id)
    if row is not None:
        row.last_used_at = when


def accounts_except(session: Session, usernames: frozenset[str],
                    token_creator: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every account but ``usernames`` and every kiosk token not created by ``token_creator``, as
    plain rows (ids left out), to be put back by ``restore_accounts`` after the tables are rebuilt."""
    def plain(row: Any, table: Any) -> dict[str, Any]:
        return {c.name: getattr(row, c.name) for c in table.columns if c.name != "id"}

    users = [plain(u, AppUser.__table__) for u in session.scalars(select(AppUser)) if u.username not in usernames]
    tokens = [plain(k, KioskToken.__table__) for k in session.scalars(select(KioskToken))
              if k.created_by != token_creator]
    return users, tokens


def restore_accounts(session: Session, users: list[dict[str, Any]], tokens: list[dict[str, Any]]) -> None:
    session.add_all([AppUser(**u) for u in users] + [KioskToken(**k) for k in tokens])
    session.flush()


def add_session(session: Session, **fields: Any) -> int:
    row = AuthSession(**fields)
    session.add(row)
    session.flush()
    return int(row.id)


def session_by_ticket(session: Session, ticket_hash: str) -> AuthSession | None:
    return session.scalar(select(AuthSession).where(AuthSession.ticket_hash == ticket_hash))


def session_by_token(session: Session, token_hash: str) -> AuthSession | None:
    return session.scalar(select(AuthSession).where(AuthSession.token_hash == token_hash))


def session_by_id(session: Session, session_id: int) -> AuthSession | None:
    return session.get(AuthSession, session_id)


def end_sessions_of(session: Session, username: str, when: dt.datetime, reason: str) -> int:
    """End every live session of ``username``; returns how many."""
    rows = list(session.scalars(select(AuthSession).where(AuthSession.username == username,
                                                          AuthSession.ended_at.is_(None))))
    for row in rows:
        row.ended_at, row.end_reason, row.ticket_hash = when, reason, None
    return len(rows)


def live_sessions(session: Session) -> pd.DataFrame:
    cols = ["id", "username", "lang", "created_at", "last_seen"]
    stmt = (select(*[getattr(AuthSession, c) for c in cols]).where(AuthSession.ended_at.is_(None))
            .order_by(AuthSession.last_seen.desc()))
    return pd.DataFrame(session.execute(stmt).all(), columns=cols)


def places_of(session: Session, *, staff_id: int | None = None, communities: frozenset[str] | None = None,
              grids: frozenset[str] | None = None) -> dict[str, frozenset[str]]:
    """The street, community and grid codes of a front-line account's places: its staff record's current
    grid and community, or the communities / grids named on the account (unknown codes match nothing)."""
    rows: list[Any] = []
    base = (select(Street.code.label("street"), Community.code.label("community"), Grid.code.label("grid"))
            .select_from(Community).join(Street, Street.id == Community.street_id))
    if grids is not None:
        rows = list(session.execute(base.join(Grid, Grid.community_id == Community.id).where(Grid.code.in_(grids))))
    elif communities is not None:
        rows = list(session.execute(base.outerjoin(Grid, Grid.id == -1).where(Community.code.in_(communities))))
    elif staff_id is not None:
        rows = list(session.execute(
            base.join(Staff, Staff.community_id == Community.id).outerjoin(Grid, Grid.id == Staff.grid_id)
            .where(Staff.id == staff_id)))
    return {"streets": frozenset(r.street for r in rows), "communities": frozenset(r.community for r in rows),
            "grids": frozenset(r.grid for r in rows if r.grid is not None)}


def grid_member_with_households(session: Session) -> int | None:
    """The first grid member (by id) whose grid has two or more households in home isolation and a
    checkpoint (the demo's grid-member account: every phone page has work); without such a grid, the first
    with two households."""
    from core.storage.rows import Checkpoint, IsolatedHousehold

    busy = (select(IsolatedHousehold.grid_id).where(IsolatedHousehold.status == "active")
            .group_by(IsolatedHousehold.grid_id).having(func.count() >= 2))
    posts = select(Checkpoint.grid_id).where(Checkpoint.active.is_(True), Checkpoint.grid_id.is_not(None))
    first = select(Staff.id).where(Staff.kind == "grid_member", Staff.grid_id.in_(busy)).order_by(Staff.id).limit(1)
    found = session.scalar(first.where(Staff.grid_id.in_(posts)))
    return found if found is not None else session.scalar(first)


def staff_id_by_code(session: Session, code: str) -> int | None:
    found = session.scalar(select(Staff.id).where(Staff.code == code))
    return None if found is None else int(found)


def staff_for_accounts(session: Session, kinds: tuple[str, ...]) -> pd.DataFrame:
    """Staff of ``kinds`` placed in a community (id, code, name, kind, phone), with the user name of the
    account already tied to them (None when they have none)."""
    stmt = (select(Staff.id, Staff.code, Staff.name, Staff.kind, Staff.phone, AppUser.username)
            .outerjoin(AppUser, AppUser.staff_id == Staff.id)
            .where(Staff.kind.in_(kinds), Staff.community_id.is_not(None)).order_by(Staff.code))
    return pd.DataFrame(session.execute(stmt).all(), columns=["id", "code", "name", "kind", "phone", "username"])


class IdentityRepository(Repository):
    """``uow.identity``: the functions above, bound to the unit of work's session."""

    get_user = bound(get_user)
    places_of = bound(places_of)
    staff_for_accounts = bound(staff_for_accounts)
    staff_id_by_code = bound(staff_id_by_code)
    user_row = bound(user_row)
    add_user = bound(add_user)
    count_users = bound(count_users)
    list_users = bound(list_users)
    street_codes = bound(street_codes)
    add_kiosk_token = bound(add_kiosk_token)
    kiosk_by_hash = bound(kiosk_by_hash)
    kiosk_by_id = bound(kiosk_by_id)
    kiosk_by_name = bound(kiosk_by_name)
    list_kiosk_tokens = bound(list_kiosk_tokens)
    touch_kiosk = bound(touch_kiosk)
    accounts_except = bound(accounts_except)
    restore_accounts = bound(restore_accounts)
    add_session = bound(add_session)
    session_by_ticket = bound(session_by_ticket)
    session_by_token = bound(session_by_token)
    session_by_id = bound(session_by_id)
    end_sessions_of = bound(end_sessions_of)
    live_sessions = bound(live_sessions)
