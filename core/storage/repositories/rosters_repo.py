"""Storage of duty rosters: shift patterns, roster entries, and the people a call-out may ask.

A post is a checkpoint or a grid's duty (网格值守); functions keyed by post take ``kind`` ("checkpoint" or
"grid"), whose id column (``checkpoint_id`` / ``grid_id``) they read and name their result's key after."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import func, null, or_, select
from sqlalchemy.orm import Session, aliased

from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.duty_repo import CHECKPOINT_COLUMNS

POST_KINDS = ("checkpoint", "grid")
ENTRY_COLUMNS = ["id", "checkpoint_id", "grid_id", "place", "staff_id", "code", "name", "kind", "shift", "starts_at", "ends_at",
                 "override_reason", "on_duty", "back"]


def key(model: Any, kind: str) -> Any:
    """The post column of a roster table for ``kind``."""
    if kind not in POST_KINDS:
        raise ValueError(kind)
    return getattr(model, f"{kind}_id")


def pattern(session: Session, post_id: int, kind: str = "checkpoint") -> Any:
    return session.scalar(select(orm.ShiftPattern).where(key(orm.ShiftPattern, kind) == post_id))


def patterns(session: Session, post_ids: list[int], kind: str = "checkpoint") -> pd.DataFrame:
    p = orm.ShiftPattern
    col = key(p, kind)
    rows = session.execute(select(col, p.slots, p.people_per_shift, p.skill).where(col.in_(post_ids))).all()
    return pd.DataFrame(rows, columns=[f"{kind}_id", "slots", "people_per_shift", "skill"])


def grid_posts(session: Session, *, streets: frozenset[str] | None = None, ids: list[int] | None = None) -> pd.DataFrame:
    """Grids as duty posts, in the columns of ``duty_repo.checkpoints`` (a grid is its own grid; its shifts a
    day and people per shift come from its pattern or the norms)."""
    g, c = orm.Grid, orm.Community
    stmt = (select(g.id, g.code, g.name, g.lon, g.lat, g.id, g.code, g.name, g.community_id, c.code, c.name,
                   orm.Street.code, null(), null())
            .join(c, c.id == g.community_id).join(orm.Street, orm.Street.id == c.street_id).order_by(g.code))
    if streets is not None:
        stmt = stmt.where(orm.Street.code.in_(streets))
    if ids is not None:
        stmt = stmt.where(g.id.in_(ids))
    return pd.DataFrame(session.execute(stmt).all(), columns=CHECKPOINT_COLUMNS)


def add_pattern(session: Session, **fields: Any) -> None:
    session.add(orm.ShiftPattern(**fields))
    session.flush()


def entries(session: Session, *, since: dt.datetime, until: dt.datetime, checkpoint_ids: list[int] | None = None,
            staff_ids: list[int] | None = None, grid_ids: list[int] | None = None) -> pd.DataFrame:
    """Roster entries whose shift overlaps [since, until), with the post's name (``place``: the checkpoint's
    or the grid's) and the person: whether they are on duty now and, if not, the day they are expected back
    (``back``, from their latest duty change). ``checkpoint_ids`` / ``grid_ids``: only those posts' entries
    (either given: only that kind; both: both)."""
    e, s, cp, g = orm.RosterEntry, orm.Staff, orm.Checkpoint, orm.Grid
    last = (select(orm.DutyChange.staff_id, func.max(orm.DutyChange.id).label("last_id"))
            .group_by(orm.DutyChange.staff_id).subquery())
    dc = aliased(orm.DutyChange)
    stmt = (select(e.id, e.checkpoint_id, e.grid_id, func.coalesce(cp.name, g.name), e.staff_id, s.code, s.name,
                   s.kind, e.shift, e.starts_at, e.ends_at, e.override_reason, s.on_duty, dc.expected_return)
            .join(s, s.id == e.staff_id).outerjoin(cp, cp.id == e.checkpoint_id).outerjoin(g, g.id == e.grid_id)
            .outerjoin(last, last.c.staff_id == s.id).outerjoin(dc, dc.id == last.c.last_id)
            .where(e.starts_at < until, e.ends_at > since).order_by(e.starts_at, e.id))
    posts = []
    if checkpoint_ids is not None:
        posts.append(e.checkpoint_id.in_(checkpoint_ids))
    if grid_ids is not None:
        posts.append(e.grid_id.in_(grid_ids))
    if posts:
        stmt = stmt.where(or_(*posts))
    if staff_ids is not None:
        stmt = stmt.where(e.staff_id.in_(staff_ids))
    out = pd.DataFrame(session.execute(stmt).all(), columns=ENTRY_COLUMNS)
    for col in ("checkpoint_id", "grid_id"):
        out[col] = out[col].astype("Int64")
    return out


def rostered_ids(session: Session, since: dt.datetime, until: dt.datetime, kind: str = "checkpoint") -> set[int]:
    """Posts that keep a roster in [since, until): their own shift pattern, or anyone on a shift starting then."""
    e = orm.RosterEntry
    own = session.scalars(select(key(orm.ShiftPattern, kind)).where(key(orm.ShiftPattern, kind).is_not(None))).all()
    staffed = session.scalars(select(key(e, kind)).where(e.starts_at >= since, e.starts_at < until,
                                                         key(e, kind).is_not(None)).distinct()).all()
    return {int(x) for x in (*own, *staffed)}


def worked(session: Session, *, since: dt.datetime, until: dt.datetime, now: dt.datetime,
           staff_ids: list[int] | None = None) -> pd.DataFrame:
    """Shifts signed in and out on the phone (卡点值守) overlapping [since, until), for the fatigue rules: a
    shift still open runs to ``now``."""
    d, cp = orm.DutyShift, orm.Checkpoint
    stmt = (select(d.staff_id, d.started_at, d.ended_at, cp.name).join(cp, cp.id == d.checkpoint_id)
            .where(d.staff_id.is_not(None), d.started_at < until,
                   (d.ended_at.is_(None) & (d.started_at < now)) | (d.ended_at > since)))
    if staff_ids is not None:
        stmt = stmt.where(d.staff_id.in_(staff_ids))
    out = pd.DataFrame(session.execute(stmt).all(), columns=["staff_id", "starts_at", "ends_at", "place"])
    out["ends_at"] = pd.to_datetime(out["ends_at"]).fillna(pd.Timestamp(now))
    out["starts_at"] = pd.to_datetime(out["starts_at"])
    return out


def add_entry(session: Session, **fields: Any) -> Any:
    row = orm.RosterEntry(**fields)
    session.add(row)
    session.flush()
    return row


def entry_row(session: Session, entry_id: int) -> Any:
    return session.get(orm.RosterEntry, entry_id, with_for_update=True)


def delete_entry(session: Session, row: Any) -> None:
    session.delete(row)
    session.flush()


def lock_person(session: Session, staff_id: int) -> dict[str, Any] | None:
    """The person (row-locked, so two coordinators cannot give them clashing shifts at once)."""
    s = orm.Staff
    row = session.execute(select(s.id, s.code, s.name, s.kind, s.on_duty, s.community_id, s.home_lon, s.home_lat,
                                 s.skills)
                          .where(s.id == staff_id).with_for_update()).mappings().first()
    return dict(row) if row else None


def people_near(session: Session, street_code: str) -> pd.DataFrame:
    """On-duty staff of every kind placed in the street's communities, with home and community position."""
    s, c = orm.Staff, orm.Community
    stmt = (select(s.id, s.code, s.name, s.kind, s.skills, s.community_id, c.name, s.home_lon, s.home_lat, c.lon, c.lat)
            .join(c, c.id == s.community_id).join(orm.Street, orm.Street.id == c.street_id)
            .where(orm.Street.code == street_code, s.on_duty.is_(True)))
    return pd.DataFrame(session.execute(stmt).all(),
                        columns=["staff_id", "code", "name", "kind", "skills", "community_id", "community", "home_lon",
                                 "home_lat", "community_lon", "community_lat"])


def people(session: Session, staff_ids: list[int]) -> pd.DataFrame:
    """Who they are and where they are placed (code, name, kind, community, street)."""
    s, c = orm.Staff, orm.Community
    stmt = (select(s.id, s.code, s.name, s.kind, c.name, orm.Street.code).outerjoin(c, c.id == s.community_id)
            .outerjoin(orm.Street, orm.Street.id == c.street_id).where(s.id.in_(staff_ids)))
    return pd.DataFrame(session.execute(stmt).all(),
                        columns=["staff_id", "code", "name", "kind", "community", "street_code"])


def staff_ids_by_code(session: Session, codes: list[str]) -> dict[str, int]:
    rows = session.execute(select(orm.Staff.code, orm.Staff.id).where(orm.Staff.code.in_(codes))).all()
    return {str(c): int(i) for c, i in rows}


def has_entry(session: Session, post_id: int, staff_id: int, starts_at: dt.datetime, kind: str = "checkpoint") -> bool:
    e = orm.RosterEntry
    return session.scalar(select(e.id).where(key(e, kind) == post_id, e.staff_id == staff_id,
                                             e.starts_at == starts_at)) is not None


def exceptions(session: Session, post_ids: list[int], first: dt.date, last: dt.date,
               kind: str = "checkpoint") -> pd.DataFrame:
    x = orm.ShiftException
    col = key(x, kind)
    rows = session.execute(select(col, x.day, x.people_per_shift, x.reason)
                           .where(col.in_(post_ids), x.day >= first, x.day <= last)).all()
    return pd.DataFrame(rows, columns=[f"{kind}_id", "day", "people_per_shift", "reason"])


def exception_row(session: Session, post_id: int, day: dt.date, kind: str = "checkpoint") -> Any:
    x = orm.ShiftException
    return session.scalar(select(x).where(key(x, kind) == post_id, x.day == day).with_for_update())


def add_exception(session: Session, **fields: Any) -> None:
    session.add(orm.ShiftException(**fields))
    session.flush()


class RosterRepository(Repository):
    """``uow.rosters``: the functions above, bound to the unit of work's session."""

    pattern = bound(pattern)
    grid_posts = bound(grid_posts)
    patterns = bound(patterns)
    add_pattern = bound(add_pattern)
    entries = bound(entries)
    rostered_ids = bound(rostered_ids)
    worked = bound(worked)
    people = bound(people)
    staff_ids_by_code = bound(staff_ids_by_code)
    has_entry = bound(has_entry)
    exceptions = bound(exceptions)
    exception_row = bound(exception_row)
    add_exception = bound(add_exception)
    add_entry = bound(add_entry)
    entry_row = bound(entry_row)
    delete_entry = bound(delete_entry)
    lock_person = bound(lock_person)
    people_near = bound(people_near)
