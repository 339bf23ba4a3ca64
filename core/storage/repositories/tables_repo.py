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
from core.storage import rows as orm
from core.storage.data_version import current as data_version_of
from core.storage.db import get_meta
from core.storage.fast_frame import fast_frame
from core.storage.repositories.base import Repository, bound


def frame(session: Session, stmt: Select[Any] | Any) -> pd.DataFrame:
    """Run a select and return a DataFrame with the statement's column names (straight from the cursor,
    column by column: ``core.storage.fast_frame``; the plain row-by-row path for what it does not take)."""
    fast = fast_frame(session, stmt)
    if fast is not None:
        return fast
    return plain_frame(session, stmt)


def plain_frame(session: Session, stmt: Select[Any] | Any) -> pd.DataFrame:
    """The row-by-row path: every row through SQLAlchemy's result processing."""
    result = session.execute(stmt)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def district(session: Session) -> dict[str, Any] | None:
    row = session.execute(select(orm.District).order_by(orm.District.id).limit(1)).scalar_one_or_none()
    if row is None:
        return None
    return {"code": row.code, "name": row.name, "geometry": row.geometry}


def streets(session: Session, *, with_geometry: bool = False) -> pd.DataFrame:
    cols = [orm.Street.id, orm.Street.code, orm.Street.name, orm.Street.lon, orm.Street.lat]
    if with_geometry:
        cols.append(orm.Street.geometry)
    return frame(session, select(*cols).order_by(orm.Street.code))


def communities(session: Session, *, with_geometry: bool = False) -> pd.DataFrame:
    """Communities with their street's code and name."""
    cols = [
        orm.Community.id, orm.Community.code, orm.Community.name, orm.Community.street_id,
        orm.Street.code.label("street_code"), orm.Street.name.label("street"),
        orm.Community.population, orm.Community.households, orm.Community.lon, orm.Community.lat,
        orm.Community.risk_level, orm.Community.checkpoints, orm.Community.isolated_households,
        orm.Community.vulnerable_residents,
    ]
    if with_geometry:
        cols.append(orm.Community.geometry)
    stmt = select(*cols).join(orm.Street, orm.Street.id == orm.Community.street_id).order_by(orm.Community.code)
    return frame(session, stmt)


def grids(session: Session, *, with_geometry: bool = False) -> pd.DataFrame:
    cols = [orm.Grid.id, orm.Grid.code, orm.Grid.name, orm.Grid.community_id, orm.Grid.population, orm.Grid.households,
            orm.Grid.isolated_households, orm.Grid.vulnerable_residents, orm.Grid.lon, orm.Grid.lat]
    if with_geometry:
        cols.append(orm.Grid.geometry)
    return frame(session, select(*cols).order_by(orm.Grid.code))


def staff(session: Session) -> pd.DataFrame:
    """Every person's current state (no names or phones: use ``staff_people`` where allowed)."""
    stmt = select(
        orm.Staff.id, orm.Staff.code, orm.Staff.kind, orm.Staff.volunteer_type, orm.Staff.unit_id, orm.Staff.movable,
        orm.Staff.on_duty, orm.Staff.skills, orm.Staff.hours_week, orm.Staff.community_id, orm.Staff.grid_id,
        orm.Staff.home_lon, orm.Staff.home_lat, orm.Staff.home_community_id,
    ).order_by(orm.Staff.id)
    return frame(session, stmt)


def staff_counts(session: Session) -> pd.DataFrame:
    """Headcount per community, kind and duty status."""
    stmt = (select(orm.Staff.community_id, orm.Staff.kind, orm.Staff.on_duty, func.count().label("n"))
            .group_by(orm.Staff.community_id, orm.Staff.kind, orm.Staff.on_duty))
    return frame(session, stmt)


def open_incidents(session: Session) -> pd.DataFrame:
    stmt = (select(orm.Incident.id, orm.Incident.code, orm.Incident.community_id, orm.Incident.type,
                   orm.Incident.severity, orm.Incident.status, orm.Incident.reported_at, orm.Incident.deadline,
                   orm.Incident.lon, orm.Incident.lat)
            .where(orm.Incident.status.in_([s.value for s in OPEN_INCIDENT_STATUSES]))
            .order_by(orm.Incident.reported_at))
    return frame(session, stmt)


def incidents_between(session: Session, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    stmt = (select(orm.Incident.id, orm.Incident.code, orm.Incident.community_id, orm.Incident.type,
                   orm.Incident.severity, orm.Incident.status, orm.Incident.reported_at, orm.Incident.resolved_at,
                   orm.Incident.deadline)
            .where(orm.Incident.reported_at >= start, orm.Incident.reported_at < end)
            .order_by(orm.Incident.reported_at))
    return frame(session, stmt)


def community_ref(session: Session, community_id: int) -> dict[str, Any] | None:
    """A community's id, code, name, position and street code (for scope checks), or None."""
    stmt = (select(orm.Community.id, orm.Community.code, orm.Community.name, orm.Community.lon, orm.Community.lat,
                   orm.Street.code.label("street_code"))
            .join(orm.Street, orm.Street.id == orm.Community.street_id).where(orm.Community.id == community_id))
    row = session.execute(stmt).mappings().first()
    return dict(row) if row else None


def data_version(session: Session) -> str:
    """A cheap fingerprint that changes with every committed write, in commit order; caches key on it
    (``core.storage.data_version``)."""
    return data_version_of(session)


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
