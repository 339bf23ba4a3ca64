"""The daily briefing: the day's counts it reports (moves, incidents, isolation, errands, alerts,
screening; codes and counts, never a person) and its versions (draft, submitted, signed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.tables_repo import frame
from core.storage.rows import DailyReport

# --- the day's events -------------------------------------------------------------------------


def moves_between(session: Session, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    """Every person moved by a batch made in [start, end): batch id, kind, time, from and to community
    ids, and whether the batch was undone since (no person is named)."""
    stmt = (select(orm.MoveBatch.id.label("batch_id"), orm.MoveBatch.kind, orm.MoveBatch.created_at,
                   orm.MoveBatch.undone_at, orm.MoveItem.from_community_id, orm.MoveItem.to_community_id)
            .join(orm.MoveItem, orm.MoveItem.batch_id == orm.MoveBatch.id)
            .where(orm.MoveBatch.created_at >= start, orm.MoveBatch.created_at < end))
    return frame(session, stmt)


def incidents_reported_between(session: Session, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    stmt = (select(orm.Incident.community_id, orm.Incident.type, orm.Incident.severity)
            .where(orm.Incident.reported_at >= start, orm.Incident.reported_at < end))
    return frame(session, stmt)


def isolation_days(session: Session, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Households whose isolation began or ended in [start, end] (dates), or still ran then."""
    h = orm.IsolatedHousehold
    stmt = (select(h.community_id, h.start_date, h.ended_at, h.status)
            .where(h.start_date <= end, or_(h.ended_at.is_(None), h.ended_at >= dt.datetime.combine(start, dt.time()))))
    return frame(session, stmt)


def errands_touching(session: Session, end: dt.datetime) -> pd.DataFrame:
    """Errands created before ``end``: community, status, deadline and closing time (no resident)."""
    r = orm.ServiceRequest
    stmt = select(r.community_id, r.status, r.created_at, r.deadline, r.closed_at).where(r.created_at < end)
    return frame(session, stmt)


def alerts_touching(session: Session, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    """Alert instances raised or cleared in [start, end): rule, street, first seen, cleared."""
    a = orm.AlertInstance
    stmt = (select(a.rule_code, a.street_code, a.first_seen, a.resolved_at)
            .where(or_(a.first_seen.between(start, end), a.resolved_at.between(start, end))))
    out = frame(session, stmt)
    return out


def screening_until(session: Session, end: dt.datetime) -> pd.DataFrame:
    """Per campaign running at ``end`` and grid: target households and households visited by then."""
    c, t, p = orm.ScreeningCampaign, orm.ScreeningTarget, orm.ScreeningProgress
    visited = (select(p.campaign_id, p.grid_id, func.sum(p.visited).label("visited"))
               .where(p.at < end).group_by(p.campaign_id, p.grid_id).subquery())
    stmt = (select(c.code.label("campaign"), c.name.label("campaign_name"), t.grid_id, orm.Grid.community_id,
                   t.target_households, func.coalesce(visited.c.visited, 0).label("visited"))
            .join(t, t.campaign_id == c.id).join(orm.Grid, orm.Grid.id == t.grid_id)
            .outerjoin(visited, (visited.c.campaign_id == t.campaign_id) & (visited.c.grid_id == t.grid_id))
            .where(c.started_at < end, c.deadline >= end - dt.timedelta(days=1)))
    return frame(session, stmt)


# --- the versions ---------------------------------------------------------------------------------

LIST_COLUMNS = (DailyReport.id, DailyReport.day, DailyReport.scope, DailyReport.version, DailyReport.status,
                DailyReport.created_at, DailyReport.created_by, DailyReport.submitted_at,
                DailyReport.submitted_by, DailyReport.submitted_name, DailyReport.signed_at,
                DailyReport.signed_by, DailyReport.signed_name, DailyReport.pdf_sha256, DailyReport.docx_sha256)


def versions(session: Session, day: dt.date | None = None, scope: str | None = None,
             limit: int = 500) -> pd.DataFrame:
    """The archive (newest first), without the stored files."""
    stmt = select(*LIST_COLUMNS)
    if day is not None:
        stmt = stmt.where(DailyReport.day == day)
    if scope is not None:
        stmt = stmt.where(DailyReport.scope == scope)
    return frame(session, stmt.order_by(DailyReport.day.desc(), DailyReport.scope, DailyReport.version.desc())
                 .limit(limit))


def latest(session: Session, day: dt.date, scope: str, *, lock: bool = False) -> DailyReport | None:
    stmt = (select(DailyReport).where(DailyReport.day == day, DailyReport.scope == scope)
            .order_by(DailyReport.version.desc()).limit(1))
    if lock:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def get(session: Session, report_id: int, *, lock: bool = False) -> DailyReport | None:
    stmt = select(DailyReport).where(DailyReport.id == report_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return session.execute(stmt).scalar_one_or_none()


def add(session: Session, **fields: Any) -> DailyReport:
    row = DailyReport(**fields)
    session.add(row)
    session.flush()
    return row


def set_fields(session: Session, report_id: int, **fields: Any) -> None:
    """Change a report that is not signed (the database refuses a signed one too)."""
    session.execute(update(DailyReport).where(DailyReport.id == report_id, DailyReport.status != "signed")
                    .values(**fields).execution_options(synchronize_session=False))


class ReportsRepository(Repository):
    """``uow.reports``: the functions above, bound to the unit of work's session."""

    moves_between = bound(moves_between)
    incidents_reported_between = bound(incidents_reported_between)
    isolation_days = bound(isolation_days)
    errands_touching = bound(errands_touching)
    alerts_touching = bound(alerts_touching)
    screening_until = bound(screening_until)
    versions = bound(versions)
    latest = bound(latest)
    get = bound(get)
    add = bound(add)
    set_fields = bound(set_fields)
