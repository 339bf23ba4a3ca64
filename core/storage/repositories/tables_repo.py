"""Read side: whole tables as DataFrames for the vectorised engines and the pages.

Every query is a ``select()``; filters reach SQL only as bound parameters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core.model.vocab import OPEN_INCIDENT_STATUSES
from core.storage import rows as m
from core.storage.db import get_meta
from core.storage.repositories.base import Repository, bound


def frame(session: Session, stmt: Select[Any] | Any) -> pd.DataFrame:
    """Run a select and return a DataFrame with the statement's column names."""
    result = session.execute(stmt)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def district(session: Session) -> dict[str, Any] | None:
    row = session.execute(select(m.District).order_by(m.District.id).limit(1)).scalar_one_or_none()
    if row is None:
        return None
    return {"code": row.code, "name": row.name, "geometry": row.geometry}


def streets(session: Session, *, with_geometry: bool = False) -> pd.DataFrame:
    cols = [m.Street.id, m.Street.code, m.Street.name, m.Street.lon, m.Street.lat]
    if with_geometry:
        cols.append(m.Street.geometry)
    return frame(session, select(*cols).order_by(m.Street.code))


def communities(session: Session, *, with_geometry: bool = False) -> pd.DataFrame:
    """Communities with their street's code and name."""
    cols = [
        m.Community.id, m.Community.code, m.Community.name, m.Community.street_id,
        m.Street.code.label("street_code"), m.Street.name.label("street"),
        m.Community.population, m.Community.households, m.Community.lon, m.Community.lat,
        m.Community.risk_level, m.Community.checkpoints, m.Community.isolated_households,
        m.Community.vulnerable_residents,
    ]
    if with_geometry:
        cols.append(m.Community.geometry)
    stmt = select(*cols).join(m.Street, m.Street.id == m.Community.street_id).order_by(m.Community.code)
    return frame(session, stmt)


def grids(session: Session, *, with_geometry: bool = False) -> pd.DataFrame:
    cols = [m.Grid.id, m.Grid.code, m.Grid.name, m.Grid.community_id, m.Grid.population, m.Grid.households,
            m.Grid.isolated_households, m.Grid.vulnerable_residents, m.Grid.lon, m.Grid.lat]
    if with_geometry:
        cols.append(m.Grid.geometry)
    return frame(session, select(*cols).order_by(m.Grid.code))


def staff(session: Session) -> pd.DataFrame:
    """Every person's current state (no names or phones: use ``staff_people`` where allowed)."""
    stmt = select(
        m.Staff.id, m.Staff.code, m.Staff.kind, m.Staff.volunteer_type, m.Staff.unit_id, m.Staff.movable,
        m.Staff.on_duty, m.Staff.skills, m.Staff.hours_week, m.Staff.community_id, m.Staff.grid_id,
        m.Staff.home_lon, m.Staff.home_lat, m.Staff.home_community_id,
    ).order_by(m.Staff.id)
    return frame(session, stmt)


def staff_counts(session: Session) -> pd.DataFrame:
    """Headcount per community, kind and duty status."""
    stmt = (select(m.Staff.community_id, m.Staff.kind, m.Staff.on_duty, func.count().label("n"))
            .group_by(m.Staff.community_id, m.Staff.kind, m.Staff.on_duty))
    return frame(session, stmt)


def open_incidents(session: Session) -> pd.DataFrame:
    stmt = (select(m.Incident.id, m.Incident.code, m.Incident.community_id, m.Incident.type,
                   m.Incident.severity, m.Incident.status, m.Incident.reported_at, m.Incident.deadline,
                   m.Incident.lon, m.Incident.lat)
            .where(m.Incident.status.in_([s.value for s in OPEN_INCIDENT_STATUSES]))
            .order_by(m.Incident.reported_at))
    return frame(session, stmt)


def incidents_between(session: Session, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    stmt = (select(m.Incident.id, m.Incident.code, m.Incident.community_id, m.Incident.type,
                   m.Incident.severity, m.Incident.status, m.Incident.reported_at, m.Incident.resolved_at,
                   m.Incident.deadline)
            .where(m.Incident.reported_at >= start, m.Incident.reported_at < end)
            .order_by(m.Incident.reported_at))
    return frame(session, stmt)


def community_ref(session: Session, community_id: int) -> dict[str, Any] | None:
    """A community's id, code, name, position and street code (for scope checks), or None."""
    stmt = (select(m.Community.id, m.Community.code, m.Community.name, m.Community.lon, m.Community.lat,
                   m.Street.code.label("street_code"))
            .join(m.Street, m.Street.id == m.Community.street_id).where(m.Community.id == community_id))
    row = session.execute(stmt).mappings().first()
    return dict(row) if row else None


def data_version(session: Session) -> str:
    """A cheap fingerprint that changes with every write (max audit id); caches key on it."""
    last = session.scalar(select(func.max(m.AuditLog.id)))
    return str(last or 0)


def demo_info(session: Session) -> dict[str, str | None]:
    return {"demo": get_meta(session, "demo"), "scale": get_meta(session, "demo_scale"),
            "today": get_meta(session, "demo_today")}


class TablesRepository(Repository):
    """``uow.tables``: the functions above, bound to the unit of work's session."""

    frame = bound(frame)
    district = bound(district)
    streets = bound(streets)
    communities = bound(communities)
    grids = bound(grids)
    staff = bound(staff)
    staff_counts = bound(staff_counts)
    open_incidents = bound(open_incidents)
    incidents_between = bound(incidents_between)
    community_ref = bound(community_ref)
    data_version = bound(data_version)
    demo_info = bound(demo_info)
