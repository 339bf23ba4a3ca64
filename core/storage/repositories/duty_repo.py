"""Storage of what the front line reports from the field: checkpoints in a scope, shifts at them
(卡点值守), the checkpoint register, and the photos of incidents reported from a phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound

CHECKPOINT_COLUMNS = ["id", "code", "name", "lon", "lat", "grid_id", "grid_code", "grid", "community_id",
                      "community_code", "community", "street_code", "shifts_per_day", "people_per_shift"]
SHIFT_COLUMNS = ["id", "checkpoint_id", "checkpoint", "community", "username", "staff_id", "person", "started_at",
                 "ended_at", "start_distance_m", "end_distance_m", "version"]
ENTRY_COLUMNS = ["id", "checkpoint_id", "shift_id", "at", "kind", "masked", "from_place", "purpose", "temperature",
                 "name", "phone", "plate", "entered_by"]


def checkpoints(session: Session, *, streets: frozenset[str] | None = None, active_only: bool = True,
                ids: list[int] | None = None) -> pd.DataFrame:
    """Checkpoints with their grid, community and street (inside ``streets``, or of ``ids``, when given)."""
    cp, g = orm.Checkpoint, orm.Grid
    stmt = (select(cp.id, cp.code, cp.name, cp.lon, cp.lat, cp.grid_id, g.code, g.name, cp.community_id,
                   orm.Community.code, orm.Community.name, orm.Street.code, cp.shifts_per_day, cp.people_per_shift)
            .join(orm.Community, orm.Community.id == cp.community_id)
            .join(orm.Street, orm.Street.id == orm.Community.street_id)
            .outerjoin(g, g.id == cp.grid_id).order_by(cp.code))
    if active_only:
        stmt = stmt.where(cp.active.is_(True))
    if streets is not None:
        stmt = stmt.where(orm.Street.code.in_(streets))
    if ids is not None:
        stmt = stmt.where(cp.id.in_(ids))
    return pd.DataFrame(session.execute(stmt).all(), columns=CHECKPOINT_COLUMNS)


def checkpoint(session: Session, checkpoint_id: int) -> dict[str, Any] | None:
    df = checkpoints(session, active_only=False, ids=[checkpoint_id])
    return None if not len(df) else df.iloc[0].to_dict()


def open_shift_of(session: Session, username: str) -> Any:
    """The person's shift not yet signed out (row-locked), or None."""
    s = orm.DutyShift
    return session.scalar(select(s).where(s.username == username, s.ended_at.is_(None))
                          .order_by(s.started_at.desc()).with_for_update())


def shift_row(session: Session, shift_id: int) -> Any:
    return session.get(orm.DutyShift, shift_id, with_for_update=True)


def add_shift(session: Session, **fields: Any) -> Any:
    row = orm.DutyShift(**fields)
    session.add(row)
    session.flush()
    return row


def shifts(session: Session, *, since: dt.datetime, open_only: bool = False,
           checkpoint_ids: list[int] | None = None, username: str | None = None) -> pd.DataFrame:
    """Shifts started since ``since`` (and every one still open), newest first, with the post and person."""
    s, cp = orm.DutyShift, orm.Checkpoint
    stmt = (select(s.id, s.checkpoint_id, cp.name, orm.Community.name, s.username, s.staff_id, orm.Staff.name,
                   s.started_at, s.ended_at, s.start_distance_m, s.end_distance_m, s.version)
            .join(cp, cp.id == s.checkpoint_id).join(orm.Community, orm.Community.id == cp.community_id)
            .outerjoin(orm.Staff, orm.Staff.id == s.staff_id)
            .where((s.started_at >= since) | s.ended_at.is_(None)).order_by(s.started_at.desc(), s.id.desc()))
    if open_only:
        stmt = stmt.where(s.ended_at.is_(None))
    if checkpoint_ids is not None:
        stmt = stmt.where(s.checkpoint_id.in_(checkpoint_ids))
    if username is not None:
        stmt = stmt.where(s.username == username)
    return pd.DataFrame(session.execute(stmt).all(), columns=SHIFT_COLUMNS)


def add_entry(session: Session, **fields: Any) -> Any:
    row = orm.GateEntry(**fields)
    session.add(row)
    session.flush()
    return row


def entries(session: Session, *, since: dt.datetime, checkpoint_ids: list[int] | None = None) -> pd.DataFrame:
    e = orm.GateEntry
    stmt = select(*(getattr(e, c) for c in ENTRY_COLUMNS)).where(e.at >= since).order_by(e.at.desc(), e.id.desc())
    if checkpoint_ids is not None:
        stmt = stmt.where(e.checkpoint_id.in_(checkpoint_ids))
    return pd.DataFrame(session.execute(stmt).all(), columns=ENTRY_COLUMNS)


def entry_counts(session: Session, since: dt.datetime) -> pd.DataFrame:
    """Per checkpoint since ``since``: lines of the register, of them vehicles, and people without a mask."""
    e = orm.GateEntry
    stmt = (select(e.checkpoint_id, func.count(), func.sum(case((e.kind == "vehicle", 1), else_=0)),
                   func.sum(case((e.masked.is_(False), 1), else_=0)))
            .where(e.at >= since).group_by(e.checkpoint_id))
    return pd.DataFrame(session.execute(stmt).all(), columns=["checkpoint_id", "entries", "vehicles", "no_mask"])


def purge_entries(session: Session, before: dt.datetime) -> int:
    """Delete the register's lines older than ``before``; how many."""
    result = session.execute(delete(orm.GateEntry).where(orm.GateEntry.at < before))
    return int(getattr(result, "rowcount", 0) or 0)


def add_photo(session: Session, **fields: Any) -> None:
    session.add(orm.IncidentPhoto(**fields))
    session.flush()


def photo(session: Session, incident_id: int) -> dict[str, Any] | None:
    p = orm.IncidentPhoto
    row = session.execute(select(p.mime, p.data, p.sha256, p.width, p.height, p.taken_by, p.at)
                          .where(p.incident_id == incident_id)).mappings().first()
    return dict(row) if row else None


def photo_ids(session: Session, incident_ids: list[int]) -> set[int]:
    return set(session.scalars(select(orm.IncidentPhoto.incident_id)
                               .where(orm.IncidentPhoto.incident_id.in_(incident_ids))))


class DutyRepository(Repository):
    """``uow.duty``: the functions above, bound to the unit of work's session."""

    checkpoints = bound(checkpoints)
    checkpoint = bound(checkpoint)
    open_shift_of = bound(open_shift_of)
    shift_row = bound(shift_row)
    add_shift = bound(add_shift)
    shifts = bound(shifts)
    add_entry = bound(add_entry)
    entries = bound(entries)
    entry_counts = bound(entry_counts)
    purge_entries = bound(purge_entries)
    add_photo = bound(add_photo)
    photo = bound(photo)
    photo_ids = bound(photo_ids)
