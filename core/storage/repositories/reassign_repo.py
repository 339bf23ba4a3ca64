"""SQL of the reassignment services: locks, the people that may move, batches and their items.

Concurrency: ``lock_for_moves`` takes SQLite's single write lock first thing in the transaction (a
no-op UPDATE makes pysqlite open the transaction and SQLite take the RESERVED lock, like BEGIN
IMMEDIATE; others wait on busy_timeout); on PostgreSQL the touched community rows, then the staff
rows, are locked with SELECT ... FOR UPDATE in id order (no deadlocks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import false, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.model.errors import ConcurrentChange
from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.tables_repo import frame
from core.storage.rows.reassign import MoveBatch, MoveItem


def lock_for_moves(session: Session) -> None:
    """Serialise writers on SQLite before anything is read (no-op on PostgreSQL, which locks rows)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(MoveBatch).where(false()).values(reason=MoveBatch.reason))


def lock_communities(session: Session, ids: Iterable[int]) -> dict[int, orm.Community]:
    stmt = select(orm.Community).where(orm.Community.id.in_(sorted(set(ids)))).order_by(orm.Community.id)
    rows = session.execute(stmt.with_for_update()).scalars().all()
    return {c.id: c for c in rows}


def lock_staff(session: Session, ids: Iterable[int]) -> dict[int, orm.Staff]:
    stmt = select(orm.Staff).where(orm.Staff.id.in_(sorted(set(ids)))).order_by(orm.Staff.id)
    rows = session.execute(stmt.with_for_update().execution_options(populate_existing=True)).scalars().all()
    return {s.id: s for s in rows}


def staff_places(session: Session, ids: Sequence[int]) -> dict[int, int | None]:
    rows = session.execute(select(orm.Staff.id, orm.Staff.community_id).where(orm.Staff.id.in_(list(ids)))).all()
    return {int(r[0]): r[1] for r in rows}


def street_codes(session: Session, community_ids: Iterable[int]) -> dict[int, str]:
    stmt = (select(orm.Community.id, orm.Street.code).join(orm.Street, orm.Street.id == orm.Community.street_id)
            .where(orm.Community.id.in_(list(set(community_ids)))))
    return {int(r[0]): str(r[1]) for r in session.execute(stmt).all()}


def counted_on_duty(session: Session, community_ids: Iterable[int], kinds: Sequence[str]) -> dict[int, int]:
    """Counted on-duty headcount per community, read inside the caller's (locked) transaction."""
    stmt = (select(orm.Staff.community_id, func.count())
            .where(orm.Staff.community_id.in_(list(set(community_ids))), orm.Staff.on_duty.is_(True),
                   orm.Staff.kind.in_(list(kinds)))
            .group_by(orm.Staff.community_id))
    return {int(r[0]): int(r[1]) for r in session.execute(stmt).all() if r[0] is not None}


def bump_versions(session: Session, community_ids: Iterable[int]) -> None:
    """Mark the communities changed (their staffing): a stale view of them is detected by version."""
    session.execute(update(orm.Community).where(orm.Community.id.in_(sorted(set(community_ids))))
                    .values(version=orm.Community.version + 1))


def open_assignments(session: Session, staff_ids: Iterable[int]) -> list[orm.Assignment]:
    stmt = (select(orm.Assignment).where(orm.Assignment.staff_id.in_(list(staff_ids)), orm.Assignment.valid_to.is_(None))
            .order_by(orm.Assignment.id))
    return list(session.execute(stmt).scalars().all())


def flush(session: Session) -> None:
    """Flush; a row changed by someone else since it was read becomes ConcurrentChange."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConcurrentChange("reassign.stale_row") from exc


def close_open_assignments(session: Session, staff_ids: Iterable[int], when: dt.datetime) -> None:
    """End everyone's open assignment at ``when`` (flushed: the new ones may then be opened)."""
    for a in open_assignments(session, staff_ids):
        a.valid_to = when
    flush(session)


def add_assignment(session: Session, *, staff_id: int, community_id: int | None, grid_id: int | None,
                   valid_from: dt.datetime, batch_id: str) -> None:
    session.add(orm.Assignment(staff_id=staff_id, community_id=community_id, grid_id=grid_id, valid_from=valid_from,
                             batch_id=batch_id))


def add_batch(session: Session, *, batch_id: str, actor: str, reason: str, kind: str, created_at: dt.datetime,
              items: Sequence[dict[str, Any]]) -> None:
    """A move batch and its items (``staff_id``, ``from_community_id``, ``from_grid_id``, ``to_community_id``)."""
    session.add(MoveBatch(id=batch_id, actor=actor, reason=reason, kind=kind, created_at=created_at,
                          moves=len(items)))
    session.flush()
    session.add_all([MoveItem(batch_id=batch_id, **item) for item in items])


def get_batch(session: Session, batch_id: str, *, lock: bool = False) -> MoveBatch | None:
    stmt = select(MoveBatch).where(MoveBatch.id == batch_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def batch_items(session: Session, batch_id: str) -> list[MoveItem]:
    return list(session.execute(select(MoveItem).where(MoveItem.batch_id == batch_id).order_by(MoveItem.id))
                .scalars().all())


def later_live_moves(session: Session, batch: MoveBatch, staff_ids: Sequence[int]) -> list[int]:
    """Staff of ``batch`` moved again by a later batch that has not been undone."""
    stmt = (select(MoveItem.staff_id).join(MoveBatch, MoveBatch.id == MoveItem.batch_id)
            .where(MoveItem.staff_id.in_(list(staff_ids)), MoveBatch.id != batch.id,
                   MoveBatch.created_at >= batch.created_at, MoveBatch.undone_at.is_(None)))
    return sorted({int(r[0]) for r in session.execute(stmt).all()})


def recent_batches(session: Session, limit: int = 20) -> pd.DataFrame:
    stmt = (select(MoveBatch.id, MoveBatch.actor, MoveBatch.kind, MoveBatch.reason, MoveBatch.created_at,
                   MoveBatch.moves, MoveBatch.undone_at, MoveBatch.undone_by)
            .order_by(MoveBatch.created_at.desc(), MoveBatch.id.desc()).limit(limit))
    return frame(session, stmt)


def movable_people(session: Session, community_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """On-duty movable people (with names, for the coordinator) and their current version."""
    stmt = (select(orm.Staff.id, orm.Staff.code, orm.Staff.name, orm.Staff.kind, orm.Staff.community_id, orm.Staff.grid_id,
                   orm.Staff.movable, orm.Staff.on_duty, orm.Staff.home_lon, orm.Staff.home_lat,
                   orm.Staff.home_community_id, orm.Staff.skills, orm.Staff.hours_week, orm.Staff.version,
                   orm.Unit.name.label("unit"))
            .outerjoin(orm.Unit, orm.Unit.id == orm.Staff.unit_id)
            .where(orm.Staff.movable.is_(True), orm.Staff.on_duty.is_(True))
            .order_by(orm.Staff.id))
    if community_ids is not None:
        stmt = stmt.where(orm.Staff.community_id.in_(list(community_ids)))
    return frame(session, stmt)


def people(session: Session, staff_ids: Sequence[int]) -> pd.DataFrame:
    stmt = (select(orm.Staff.id, orm.Staff.code, orm.Staff.name, orm.Staff.kind, orm.Staff.community_id, orm.Staff.on_duty,
                   orm.Staff.movable, orm.Staff.version)
            .where(orm.Staff.id.in_(list(staff_ids))).order_by(orm.Staff.id))
    return frame(session, stmt)


def community_versions(session: Session, ids: Iterable[int]) -> dict[int, int]:
    rows = session.execute(select(orm.Community.id, orm.Community.version).where(orm.Community.id.in_(list(set(ids))))).all()
    return {int(r[0]): int(r[1]) for r in rows}


class ReassignRepository(Repository):
    """``uow.reassign``: the functions above, bound to the unit of work's session."""

    lock_for_moves = bound(lock_for_moves)
    lock_communities = bound(lock_communities)
    lock_staff = bound(lock_staff)
    staff_places = bound(staff_places)
    street_codes = bound(street_codes)
    counted_on_duty = bound(counted_on_duty)
    bump_versions = bound(bump_versions)
    open_assignments = bound(open_assignments)
    flush = bound(flush)
    close_open_assignments = bound(close_open_assignments)
    add_assignment = bound(add_assignment)
    add_batch = bound(add_batch)
    get_batch = bound(get_batch)
    batch_items = bound(batch_items)
    later_live_moves = bound(later_live_moves)
    recent_batches = bound(recent_batches)
    movable_people = bound(movable_people)
    people = bound(people)
    community_versions = bound(community_versions)
