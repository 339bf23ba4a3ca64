"""Read side of the staffing state: whole tables (current and dated history) as DataFrames, and the
norm versions. Assembly into a ``StaffingState`` happens in ``core.services.staffing`` (no SQL there).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.tables_repo import frame


def communities(session: Session) -> pd.DataFrame:
    stmt = (select(orm.Community.id.label("community_id"), orm.Community.code, orm.Community.name,
                   orm.Community.street_id, orm.Street.code.label("street_code"), orm.Street.name.label("street"),
                   orm.Community.population, orm.Community.households, orm.Community.lon, orm.Community.lat,
                   orm.Community.risk_level, orm.Community.checkpoints, orm.Community.isolated_households,
                   orm.Community.vulnerable_residents)
            .join(orm.Street, orm.Street.id == orm.Community.street_id).order_by(orm.Community.id))
    return frame(session, stmt)


def grids(session: Session) -> pd.DataFrame:
    stmt = select(orm.Grid.id.label("grid_id"), orm.Grid.code, orm.Grid.name, orm.Grid.community_id, orm.Grid.population,
                  orm.Grid.households, orm.Grid.isolated_households, orm.Grid.vulnerable_residents).order_by(orm.Grid.id)
    return frame(session, stmt)


def active_checkpoints_per_grid(session: Session) -> pd.DataFrame:
    """Active checkpoint rows counted per (community, grid); grid_id may be null."""
    stmt = (select(orm.Checkpoint.community_id, orm.Checkpoint.grid_id, func.count().label("n"))
            .where(orm.Checkpoint.active.is_(True))
            .group_by(orm.Checkpoint.community_id, orm.Checkpoint.grid_id))
    return frame(session, stmt)


def staff(session: Session) -> pd.DataFrame:
    """Current state of every person (no names or phones)."""
    stmt = select(orm.Staff.id.label("staff_id"), orm.Staff.community_id, orm.Staff.grid_id, orm.Staff.kind,
                  orm.Staff.on_duty, orm.Staff.movable, orm.Staff.volunteer_type, orm.Staff.hours_week).order_by(orm.Staff.id)
    return frame(session, stmt)


def assignments_started_before(session: Session, end: dt.datetime) -> pd.DataFrame:
    stmt = (select(orm.Assignment.staff_id, orm.Assignment.community_id, orm.Assignment.grid_id,
                   orm.Assignment.valid_from, orm.Assignment.valid_to)
            .where(orm.Assignment.valid_from < end))
    return frame(session, stmt)


def duty_changes_before(session: Session, end: dt.datetime) -> pd.DataFrame:
    stmt = select(orm.DutyChange.staff_id, orm.DutyChange.at, orm.DutyChange.on_duty).where(orm.DutyChange.at < end)
    return frame(session, stmt)


def conditions_until(session: Session, day: dt.date) -> pd.DataFrame:
    stmt = (select(orm.CommunityCondition.community_id, orm.CommunityCondition.valid_from,
                   orm.CommunityCondition.risk_level, orm.CommunityCondition.checkpoints,
                   orm.CommunityCondition.isolated_households, orm.CommunityCondition.vulnerable_residents)
            .where(orm.CommunityCondition.valid_from <= day))
    return frame(session, stmt)


# --- norm versions ---------------------------------------------------------------------------


def norm_versions(session: Session) -> pd.DataFrame:
    """Every stored version, newest first."""
    stmt = (select(orm.NormVersion.id, orm.NormVersion.valid_from, orm.NormVersion.params, orm.NormVersion.author,
                   orm.NormVersion.reason, orm.NormVersion.created_at)
            .order_by(orm.NormVersion.valid_from.desc(), orm.NormVersion.id.desc()))
    return frame(session, stmt)


def norm_params_for_day(session: Session, day: dt.date) -> dict[str, Any] | None:
    """The parameters of the version with the latest valid_from <= day (newest id on a tie)."""
    stmt = (select(orm.NormVersion.params).where(orm.NormVersion.valid_from <= day)
            .order_by(orm.NormVersion.valid_from.desc(), orm.NormVersion.id.desc()).limit(1))
    params = session.scalar(stmt)
    return dict(params) if params is not None else None


def add_norm_version(session: Session, *, params: dict[str, Any], valid_from: dt.date, author: str,
                     reason: str) -> int:
    row = orm.NormVersion(params=params, valid_from=valid_from, author=author, reason=reason)
    session.add(row)
    session.flush()
    return int(row.id)


# --- map geometry and one community's detail -------------------------------------------------


def community_geometry(session: Session) -> pd.DataFrame:
    return frame(session, select(orm.Community.id.label("community_id"), orm.Community.code, orm.Community.geometry)
                 .order_by(orm.Community.id))


def grid_geometry(session: Session, community_id: int) -> pd.DataFrame:
    return frame(session, select(orm.Grid.id.label("grid_id"), orm.Grid.code, orm.Grid.lon, orm.Grid.lat, orm.Grid.geometry)
                 .where(orm.Grid.community_id == community_id).order_by(orm.Grid.code))


def checkpoints_of(session: Session, community_id: int) -> pd.DataFrame:
    stmt = (select(orm.Checkpoint.code, orm.Checkpoint.name, orm.Grid.name.label("grid"), orm.Checkpoint.active,
                   orm.Checkpoint.lon, orm.Checkpoint.lat)
            .outerjoin(orm.Grid, orm.Grid.id == orm.Checkpoint.grid_id)
            .where(orm.Checkpoint.community_id == community_id).order_by(orm.Checkpoint.code))
    return frame(session, stmt)


def open_incidents_of(session: Session, community_id: int, statuses: list[str]) -> pd.DataFrame:
    stmt = (select(orm.Incident.code, orm.Incident.type, orm.Incident.severity, orm.Incident.status,
                   orm.Incident.reported_at, orm.Incident.deadline)
            .where(orm.Incident.community_id == community_id, orm.Incident.status.in_(statuses))
            .order_by(orm.Incident.reported_at.desc()))
    return frame(session, stmt)


class StateRepository(Repository):
    """``uow.state``: the functions above, bound to the unit of work's session."""

    communities = bound(communities)
    grids = bound(grids)
    active_checkpoints_per_grid = bound(active_checkpoints_per_grid)
    staff = bound(staff)
    assignments_started_before = bound(assignments_started_before)
    duty_changes_before = bound(duty_changes_before)
    conditions_until = bound(conditions_until)
    norm_versions = bound(norm_versions)
    norm_params_for_day = bound(norm_params_for_day)
    add_norm_version = bound(add_norm_version)
    community_geometry = bound(community_geometry)
    grid_geometry = bound(grid_geometry)
    checkpoints_of = bound(checkpoints_of)
    open_incidents_of = bound(open_incidents_of)
