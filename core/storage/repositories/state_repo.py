"""Read side of the staffing state: whole tables (current and dated history) as DataFrames, and the
norm versions. Assembly into a ``StaffingState`` happens in ``core.services.staffing`` (no SQL there).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.storage import rows as m
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.tables_repo import frame


def communities(session: Session) -> pd.DataFrame:
    stmt = (select(m.Community.id.label("community_id"), m.Community.code, m.Community.name,
                   m.Community.street_id, m.Street.code.label("street_code"), m.Street.name.label("street"),
                   m.Community.population, m.Community.households, m.Community.lon, m.Community.lat,
                   m.Community.risk_level, m.Community.checkpoints, m.Community.isolated_households,
                   m.Community.vulnerable_residents)
            .join(m.Street, m.Street.id == m.Community.street_id).order_by(m.Community.id))
    return frame(session, stmt)


def grids(session: Session) -> pd.DataFrame:
    stmt = select(m.Grid.id.label("grid_id"), m.Grid.code, m.Grid.name, m.Grid.community_id, m.Grid.population,
                  m.Grid.households, m.Grid.isolated_households, m.Grid.vulnerable_residents).order_by(m.Grid.id)
    return frame(session, stmt)


def active_checkpoints_per_grid(session: Session) -> pd.DataFrame:
    """Active checkpoint rows counted per (community, grid); grid_id may be null."""
    stmt = (select(m.Checkpoint.community_id, m.Checkpoint.grid_id, func.count().label("n"))
            .where(m.Checkpoint.active.is_(True))
            .group_by(m.Checkpoint.community_id, m.Checkpoint.grid_id))
    return frame(session, stmt)


def staff(session: Session) -> pd.DataFrame:
    """Current state of every person (no names or phones)."""
    stmt = select(m.Staff.id.label("staff_id"), m.Staff.community_id, m.Staff.grid_id, m.Staff.kind,
                  m.Staff.on_duty, m.Staff.movable, m.Staff.volunteer_type, m.Staff.hours_week).order_by(m.Staff.id)
    return frame(session, stmt)


def assignments_started_before(session: Session, end: dt.datetime) -> pd.DataFrame:
    stmt = (select(m.Assignment.staff_id, m.Assignment.community_id, m.Assignment.grid_id,
                   m.Assignment.valid_from, m.Assignment.valid_to)
            .where(m.Assignment.valid_from < end))
    return frame(session, stmt)


def duty_changes_before(session: Session, end: dt.datetime) -> pd.DataFrame:
    stmt = select(m.DutyChange.staff_id, m.DutyChange.at, m.DutyChange.on_duty).where(m.DutyChange.at < end)
    return frame(session, stmt)


def conditions_until(session: Session, day: dt.date) -> pd.DataFrame:
    stmt = (select(m.CommunityCondition.community_id, m.CommunityCondition.valid_from,
                   m.CommunityCondition.risk_level, m.CommunityCondition.checkpoints,
                   m.CommunityCondition.isolated_households, m.CommunityCondition.vulnerable_residents)
            .where(m.CommunityCondition.valid_from <= day))
    return frame(session, stmt)


# --- norm versions ---------------------------------------------------------------------------


def norm_versions(session: Session) -> pd.DataFrame:
    """Every stored version, newest first."""
    stmt = (select(m.NormVersion.id, m.NormVersion.valid_from, m.NormVersion.params, m.NormVersion.author,
                   m.NormVersion.reason, m.NormVersion.created_at)
            .order_by(m.NormVersion.valid_from.desc(), m.NormVersion.id.desc()))
    return frame(session, stmt)


def norm_params_for_day(session: Session, day: dt.date) -> dict[str, Any] | None:
    """The parameters of the version with the latest valid_from <= day (newest id on a tie)."""
    stmt = (select(m.NormVersion.params).where(m.NormVersion.valid_from <= day)
            .order_by(m.NormVersion.valid_from.desc(), m.NormVersion.id.desc()).limit(1))
    params = session.scalar(stmt)
    return dict(params) if params is not None else None


def add_norm_version(session: Session, *, params: dict[str, Any], valid_from: dt.date, author: str,
                     reason: str) -> int:
    row = m.NormVersion(params=params, valid_from=valid_from, author=author, reason=reason)
    session.add(row)
    session.flush()
    return int(row.id)


# --- map geometry and one community's detail -------------------------------------------------


def community_geometry(session: Session) -> pd.DataFrame:
    return frame(session, select(m.Community.id.label("community_id"), m.Community.code, m.Community.geometry)
                 .order_by(m.Community.id))


def grid_geometry(session: Session, community_id: int) -> pd.DataFrame:
    return frame(session, select(m.Grid.id.label("grid_id"), m.Grid.code, m.Grid.lon, m.Grid.lat, m.Grid.geometry)
                 .where(m.Grid.community_id == community_id).order_by(m.Grid.code))


def checkpoints_of(session: Session, community_id: int) -> pd.DataFrame:
    stmt = (select(m.Checkpoint.code, m.Checkpoint.name, m.Grid.name.label("grid"), m.Checkpoint.active,
                   m.Checkpoint.lon, m.Checkpoint.lat)
            .outerjoin(m.Grid, m.Grid.id == m.Checkpoint.grid_id)
            .where(m.Checkpoint.community_id == community_id).order_by(m.Checkpoint.code))
    return frame(session, stmt)


def open_incidents_of(session: Session, community_id: int, statuses: list[str]) -> pd.DataFrame:
    stmt = (select(m.Incident.code, m.Incident.type, m.Incident.severity, m.Incident.status,
                   m.Incident.reported_at, m.Incident.deadline)
            .where(m.Incident.community_id == community_id, m.Incident.status.in_(statuses))
            .order_by(m.Incident.reported_at.desc()))
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
