"""SQL of screening campaigns: campaigns, targets per grid, progress entries."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.tables_repo import frame
from core.storage.rows.screening import ScreeningCampaign, ScreeningProgress, ScreeningTarget


def campaigns(session: Session) -> pd.DataFrame:
    stmt = select(ScreeningCampaign.id, ScreeningCampaign.code, ScreeningCampaign.name, ScreeningCampaign.started_at,
                  ScreeningCampaign.deadline, ScreeningCampaign.status, ScreeningCampaign.created_by).order_by(
        ScreeningCampaign.started_at.desc(), ScreeningCampaign.id.desc())
    return frame(session, stmt)


def campaign(session: Session, campaign_id: int) -> ScreeningCampaign | None:
    return session.get(ScreeningCampaign, campaign_id)


def targets(session: Session, campaign_id: int) -> pd.DataFrame:
    """Targets with grid, community and street (names, codes, centroids, geometry)."""
    stmt = (select(ScreeningTarget.grid_id, ScreeningTarget.target_households, orm.Grid.code.label("grid_code"),
                   orm.Grid.name.label("grid"), orm.Grid.lon, orm.Grid.lat, orm.Grid.geometry, orm.Grid.community_id,
                   orm.Community.code.label("community_code"), orm.Community.name.label("community"),
                   orm.Street.code.label("street_code"), orm.Street.name.label("street"))
            .join(orm.Grid, orm.Grid.id == ScreeningTarget.grid_id)
            .join(orm.Community, orm.Community.id == orm.Grid.community_id)
            .join(orm.Street, orm.Street.id == orm.Community.street_id)
            .where(ScreeningTarget.campaign_id == campaign_id).order_by(orm.Grid.code))
    return frame(session, stmt)


def progress(session: Session, campaign_id: int) -> pd.DataFrame:
    stmt = (select(ScreeningProgress.grid_id, ScreeningProgress.building, ScreeningProgress.at,
                   ScreeningProgress.visited, ScreeningProgress.at_home, ScreeningProgress.not_home,
                   ScreeningProgress.discrepancies, ScreeningProgress.entered_by)
            .where(ScreeningProgress.campaign_id == campaign_id).order_by(ScreeningProgress.at))
    return frame(session, stmt)


def workload_targets(session: Session, campaign_ids: list[int]) -> pd.DataFrame:
    """What the staffing engine needs of the running campaigns' targets (no names, no geometry)."""
    stmt = (select(ScreeningTarget.campaign_id, ScreeningTarget.grid_id, ScreeningTarget.target_households,
                   orm.Grid.community_id)
            .join(orm.Grid, orm.Grid.id == ScreeningTarget.grid_id)
            .where(ScreeningTarget.campaign_id.in_(campaign_ids)).order_by(orm.Grid.code))
    return frame(session, stmt)


def workload_progress(session: Session, campaign_ids: list[int]) -> pd.DataFrame:
    """The running campaigns' visit counts by grid and time (what the workload needs of the progress)."""
    stmt = (select(ScreeningProgress.campaign_id, ScreeningProgress.grid_id, ScreeningProgress.at,
                   ScreeningProgress.visited, ScreeningProgress.at_home, ScreeningProgress.not_home,
                   ScreeningProgress.discrepancies)
            .where(ScreeningProgress.campaign_id.in_(campaign_ids)).order_by(ScreeningProgress.at))
    return frame(session, stmt)


def grid_households(session: Session, community_ids: list[int] | None = None) -> pd.DataFrame:
    stmt = select(orm.Grid.id.label("grid_id"), orm.Grid.households, orm.Grid.community_id)
    if community_ids is not None:
        stmt = stmt.where(orm.Grid.community_id.in_(community_ids))
    return frame(session, stmt)


def grid_street(session: Session, grid_id: int) -> dict[str, Any] | None:
    stmt = (select(orm.Grid.id, orm.Grid.code, orm.Grid.community_id, orm.Community.code.label("community_code"),
                   orm.Street.code.label("street_code"))
            .join(orm.Community, orm.Community.id == orm.Grid.community_id)
            .join(orm.Street, orm.Street.id == orm.Community.street_id).where(orm.Grid.id == grid_id))
    row = session.execute(stmt).mappings().first()
    return dict(row) if row else None


def target_of(session: Session, campaign_id: int, grid_id: int) -> int | None:
    return session.scalar(select(ScreeningTarget.target_households).where(
        ScreeningTarget.campaign_id == campaign_id, ScreeningTarget.grid_id == grid_id))


def add_campaign(session: Session, **fields: Any) -> ScreeningCampaign:
    row = ScreeningCampaign(**fields)
    session.add(row)
    session.flush()
    return row


def insert_targets(session: Session, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), 10_000):
        session.execute(insert(ScreeningTarget), rows[i:i + 10_000])


def insert_progress(session: Session, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), 10_000):
        session.execute(insert(ScreeningProgress), rows[i:i + 10_000])


class ScreeningRepository(Repository):
    """``uow.screening``: the functions above, bound to the unit of work's session."""

    campaigns = bound(campaigns)
    campaign = bound(campaign)
    targets = bound(targets)
    progress = bound(progress)
    workload_targets = bound(workload_targets)
    workload_progress = bound(workload_progress)
    grid_households = bound(grid_households)
    grid_street = bound(grid_street)
    target_of = bound(target_of)
    add_campaign = bound(add_campaign)
    insert_targets = bound(insert_targets)
    insert_progress = bound(insert_progress)
