"""Storage side of the importer: the stored rows an import is compared with, and bulk upserts.

Reads load whole columns (or chunks of codes) in a few statements, never one SELECT per row;
writes are executemany INSERT ... RETURNING and ORM bulk UPDATE by primary key, which checks
each row's version (a row changed by someone else meanwhile aborts the import).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.model.errors import ConcurrentChange
from core.storage import rows as m
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.tables_repo import frame

CHUNK = 5_000
MODELS: dict[str, type[m.Base]] = {
    "district": m.District, "street": m.Street, "community": m.Community, "unit": m.Unit, "staff": m.Staff,
    "incident": m.Incident, "assignment": m.Assignment, "duty_change": m.DutyChange,
    "community_condition": m.CommunityCondition,
}


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), CHUNK):
        yield values[i:i + CHUNK]


# --- reads -------------------------------------------------------------------------------------


def district(session: Session) -> dict[str, Any] | None:
    row = session.execute(select(m.District.id, m.District.code, m.District.name)
                          .order_by(m.District.id).limit(1)).first()
    return None if row is None else dict(row._mapping)


def streets(session: Session) -> pd.DataFrame:
    return frame(session, select(m.Street.id, m.Street.code, m.Street.name, m.Street.lon, m.Street.lat,
                                 m.Street.geometry).order_by(m.Street.code))


def units(session: Session) -> pd.DataFrame:
    return frame(session, select(m.Unit.id, m.Unit.code, m.Unit.name).order_by(m.Unit.code))


def community_refs(session: Session) -> pd.DataFrame:
    """(id, code, name, street_code, lon, lat) of every community: what references resolve to."""
    return frame(session, select(m.Community.id, m.Community.code, m.Community.name,
                                 m.Street.code.label("street_code"), m.Community.lon, m.Community.lat)
                 .join(m.Street, m.Street.id == m.Community.street_id).order_by(m.Community.code))


def communities(session: Session, *, with_geometry: bool = False) -> pd.DataFrame:
    cols = [m.Community.id, m.Community.code, m.Community.name, m.Street.name.label("street"),
            m.Street.code.label("street_code"), m.Community.population, m.Community.households,
            m.Community.lon, m.Community.lat, m.Community.risk_level, m.Community.checkpoints,
            m.Community.isolated_households, m.Community.vulnerable_residents, m.Community.version]
    if with_geometry:
        cols.append(m.Community.geometry)
    return frame(session, select(*cols).join(m.Street, m.Street.id == m.Community.street_id)
                 .order_by(m.Community.code))


def staff(session: Session, codes: Sequence[str] | None = None) -> pd.DataFrame:
    """Stored staff (all, or those with ``codes``), with unit name and community code."""
    stmt = (select(m.Staff.id, m.Staff.code, m.Staff.name, m.Staff.kind, m.Staff.volunteer_type,
                   m.Unit.name.label("unit"), m.Community.code.label("community_code"), m.Staff.phone,
                   m.Staff.home_lon, m.Staff.home_lat, m.Staff.movable, m.Staff.on_duty, m.Staff.skills,
                   m.Staff.community_id, m.Staff.version)
            .outerjoin(m.Unit, m.Unit.id == m.Staff.unit_id)
            .outerjoin(m.Community, m.Community.id == m.Staff.community_id))
    if codes is None:
        return frame(session, stmt.order_by(m.Staff.code))
    parts = [frame(session, stmt.where(m.Staff.code.in_(list(c)))) for c in _chunks(list(codes))]
    return pd.concat(parts, ignore_index=True) if parts else frame(session, stmt.where(m.Staff.id < 0))


def incidents(session: Session, codes: Sequence[str] | None = None) -> pd.DataFrame:
    stmt = (select(m.Incident.id, m.Incident.code, m.Community.code.label("community_code"), m.Incident.type,
                   m.Incident.severity, m.Incident.status, m.Incident.reported_at, m.Incident.resolved_at,
                   m.Incident.deadline, m.Incident.lon, m.Incident.lat, m.Incident.description,
                   m.Incident.version)
            .join(m.Community, m.Community.id == m.Incident.community_id))
    if codes is None:
        return frame(session, stmt.order_by(m.Incident.reported_at))
    parts = [frame(session, stmt.where(m.Incident.code.in_(list(c)))) for c in _chunks(list(codes))]
    return pd.concat(parts, ignore_index=True) if parts else frame(session, stmt.where(m.Incident.id < 0))


def conditions_on(session: Session, day: dt.date, community_ids: Sequence[int]) -> pd.DataFrame:
    """The condition rows already recorded for ``day`` (so a second import that day updates them)."""
    stmt = select(m.CommunityCondition.id, m.CommunityCondition.community_id).where(
        m.CommunityCondition.valid_from == day)
    parts = [frame(session, stmt.where(m.CommunityCondition.community_id.in_(list(c))))
             for c in _chunks(list(community_ids))]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"id": [], "community_id": []})


def count(session: Session, entity: str) -> int:
    return int(session.scalar(select(func.count()).select_from(MODELS[entity])) or 0)


# --- writes ------------------------------------------------------------------------------------


def insert_rows(session: Session, entity: str, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert ``rows``; returns code → new id (empty for tables without a code)."""
    if not rows:
        return {}
    model = MODELS[entity]
    ids: dict[str, int] = {}
    has_code = "code" in model.__table__.c
    for part in _chunks(rows):
        if has_code:
            stmt = insert(model).returning(model.__table__.c.id, model.__table__.c.code)
            ids.update({code: id_ for id_, code in session.execute(stmt, list(part)).all()})
        else:
            session.execute(insert(model), list(part))
    return ids


def update_rows(session: Session, entity: str, rows: list[dict[str, Any]]) -> None:
    """Bulk UPDATE by primary key; each row carries "id" (and "version" for versioned tables: the
    version read at validation time, bumped by the ORM)."""
    if not rows:
        return
    model = MODELS[entity]
    try:
        for part in _chunks(rows):
            session.execute(update(model), list(part))
    except StaleDataError as exc:
        raise ConcurrentChange("importer.concurrent_change") from exc


def close_assignments(session: Session, staff_ids: Sequence[int], at: dt.datetime) -> None:
    """End the open assignment of each person (they are about to get a new one)."""
    for part in _chunks(list(staff_ids)):
        session.execute(update(m.Assignment)
                        .where(m.Assignment.staff_id.in_(list(part)), m.Assignment.valid_to.is_(None))
                        .values(valid_to=at))


class ImportRepository(Repository):
    """``uow.imports``: the functions above, bound to the unit of work's session."""

    district = bound(district)
    streets = bound(streets)
    units = bound(units)
    community_refs = bound(community_refs)
    communities = bound(communities)
    staff = bound(staff)
    incidents = bound(incidents)
    conditions_on = bound(conditions_on)
    count = bound(count)
    insert_rows = bound(insert_rows)
    update_rows = bound(update_rows)
    close_assignments = bound(close_assignments)
