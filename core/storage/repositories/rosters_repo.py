"""Storage of duty rosters: shift patterns, roster entries, and the people a call-out may ask."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound

ENTRY_COLUMNS = ["id", "checkpoint_id", "place", "staff_id", "code", "name", "kind", "shift", "starts_at", "ends_at",
                 "override_reason", "on_duty", "back"]


def pattern(session: Session, checkpoint_id: int) -> Any:
    return session.scalar(select(orm.ShiftPattern).where(orm.ShiftPattern.checkpoint_id == checkpoint_id))


def patterns(session: Session, checkpoint_ids: list[int]) -> pd.DataFrame:
    p = orm.ShiftPattern
    rows = session.execute(select(p.checkpoint_id, p.slots, p.people_per_shift)
                           .where(p.checkpoint_id.in_(checkpoint_ids))).all()
    return pd.DataFrame(rows, columns=["checkpoint_id", "slots", "people_per_shift"])


def add_pattern(session: Session, **fields: Any) -> None:
    session.add(orm.ShiftPattern(**fields))
    session.flush()


def entries(session: Session, *, since: dt.datetime, until: dt.datetime, checkpoint_ids: list[int] | None = None,
            staff_ids: list[int] | None = None) -> pd.DataFrame:
    """Roster entries whose shift overlaps [since, until), with the post's name and the person: whether they
    are on duty now and, if not, the day they are expected back (``back``, from their latest duty change)."""
    e, s, cp = orm.RosterEntry, orm.Staff, orm.Checkpoint
    last = (select(orm.DutyChange.staff_id, func.max(orm.DutyChange.id).label("last_id"))
            .group_by(orm.DutyChange.staff_id).subquery())
    dc = aliased(orm.DutyChange)
    stmt = (select(e.id, e.checkpoint_id, cp.name, e.staff_id, s.code, s.name, s.kind, e.shift, e.starts_at, e.ends_at,
                   e.override_reason, s.on_duty, dc.expected_return)
            .join(s, s.id == e.staff_id).join(cp, cp.id == e.checkpoint_id)
            .outerjoin(last, last.c.staff_id == s.id).outerjoin(dc, dc.id == last.c.last_id)
            .where(e.starts_at < until, e.ends_at > since).order_by(e.starts_at, e.id))
    if checkpoint_ids is not None:
        stmt = stmt.where(e.checkpoint_id.in_(checkpoint_ids))
    if staff_ids is not None:
        stmt = stmt.where(e.staff_id.in_(staff_ids))
    return pd.DataFrame(session.execute(stmt).all(), columns=ENTRY_COLUMNS)


def rostered_ids(session: Session, since: dt.datetime, until: dt.datetime) -> set[int]:
    """Posts that keep a roster in [since, until): their own shift pattern, or anyone on a shift starting then."""
    e = orm.RosterEntry
    own = session.scalars(select(orm.ShiftPattern.checkpoint_id)).all()
    staffed = session.scalars(select(e.checkpoint_id).where(e.starts_at >= since, e.starts_at < until).distinct()).all()
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
    row = session.execute(select(s.id, s.code, s.name, s.kind, s.on_duty, s.community_id, s.home_lon, s.home_lat)
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


def has_entry(session: Session, checkpoint_id: int, staff_id: int, starts_at: dt.datetime) -> bool:
    e = orm.RosterEntry
    return session.scalar(select(e.id).where(e.checkpoint_id == checkpoint_id, e.staff_id == staff_id,
                                             e.starts_at == starts_at)) is not None


def exceptions(session: Session, checkpoint_ids: list[int], first: dt.date, last: dt.date) -> pd.DataFrame:
    x = orm.ShiftException
    rows = session.execute(select(x.checkpoint_id, x.day, x.people_per_shift, x.reason)
                           .where(x.checkpoint_id.in_(checkpoint_ids), x.day >= first, x.day <= last)).all()
    return pd.DataFrame(rows, columns=["checkpoint_id", "day", "people_per_shift", "reason"])


def exception_row(session: Session, checkpoint_id: int, day: dt.date) -> Any:
    x = orm.ShiftException
    return session.scalar(select(x).where(x.checkpoint_id == checkpoint_id, x.day == day).with_for_update())


def add_exception(session: Session, **fields: Any) -> None:
    session.add(orm.ShiftException(**fields))
    session.flush()


class RosterRepository(Repository):
    """``uow.rosters``: the functions above, bound to the unit of work's session."""

    pattern = bound(pattern)
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
