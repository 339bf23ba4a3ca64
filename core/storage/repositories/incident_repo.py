"""SQL of the incident services: the incident row and its detail, events, deadline rules, listings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import false, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.model.errors import ConcurrentChange
from core.storage import rows as m
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.tables_repo import frame
from core.storage.rows.incident_details import IncidentDeadlineRule, IncidentDetail, IncidentEvent


def serialise_writers(session: Session) -> None:
    """On SQLite take the write lock first (like BEGIN IMMEDIATE) so read-then-write cannot interleave."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(IncidentDeadlineRule).where(false()).values(hours=IncidentDeadlineRule.hours))


def lock_incident(session: Session, incident_id: int) -> m.Incident | None:
    stmt = (select(m.Incident).where(m.Incident.id == incident_id).with_for_update()
            .execution_options(populate_existing=True))
    return session.execute(stmt).scalar_one_or_none()


def detail(session: Session, incident_id: int) -> IncidentDetail | None:
    return session.get(IncidentDetail, incident_id)


def ensure_detail(session: Session, incident_id: int) -> IncidentDetail:
    row = session.get(IncidentDetail, incident_id)
    if row is None:
        row = IncidentDetail(incident_id=incident_id, place="", reported_by="", source="import")
        session.add(row)
    return row


def grid_ref(session: Session, grid_id: int) -> dict[str, Any] | None:
    row = session.execute(select(m.Grid.id, m.Grid.community_id, m.Grid.lon, m.Grid.lat, m.Grid.name)
                          .where(m.Grid.id == grid_id)).mappings().first()
    return dict(row) if row else None


def staff_ref(session: Session, staff_id: int) -> dict[str, Any] | None:
    row = session.execute(select(m.Staff.id, m.Staff.code, m.Staff.name, m.Staff.on_duty, m.Staff.community_id)
                          .where(m.Staff.id == staff_id)).mappings().first()
    return dict(row) if row else None


def next_code(session: Session, now: dt.datetime) -> str:
    last = session.scalar(select(func.max(m.Incident.id))) or 0
    return f"E{now:%Y%m%d}-{int(last) + 1:05d}"


def add_incident(session: Session, **fields: Any) -> m.Incident:
    row = m.Incident(**fields)
    session.add(row)
    session.flush()
    return row


def add_detail(session: Session, **fields: Any) -> None:
    session.add(IncidentDetail(**fields))


def add_event(session: Session, **fields: Any) -> None:
    session.add(IncidentEvent(**fields))


def flush(session: Session) -> None:
    """Flush, turning a lost optimistic-lock race into ConcurrentChange."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConcurrentChange("incident.changed_meanwhile") from exc


def deadline_rules(session: Session) -> pd.DataFrame:
    stmt = select(IncidentDeadlineRule.type, IncidentDeadlineRule.severity, IncidentDeadlineRule.hours,
                  IncidentDeadlineRule.updated_by, IncidentDeadlineRule.updated_at).order_by(
        IncidentDeadlineRule.type, IncidentDeadlineRule.severity)
    return frame(session, stmt)


def upsert_rule(session: Session, type_: str, severity: str, hours: float, by: str, at: dt.datetime) -> float | None:
    """Set a rule (stamped ``at``, naive UTC); returns the previous hours (None if it was a default)."""
    row = session.execute(select(IncidentDeadlineRule).where(
        IncidentDeadlineRule.type == type_, IncidentDeadlineRule.severity == severity)).scalar_one_or_none()
    if row is None:
        session.add(IncidentDeadlineRule(type=type_, severity=severity, hours=hours, updated_by=by, updated_at=at))
        return None
    before = row.hours
    row.hours, row.updated_by, row.updated_at = hours, by, at
    return before


def insert_rules(session: Session, rows: list[dict[str, Any]]) -> None:
    for r in rows:
        session.add(IncidentDeadlineRule(**r))


def incidents(session: Session, since: dt.datetime | None = None, statuses: list[str] | None = None) -> pd.DataFrame:
    """Incidents with community, street, place, assignee (name of the person or the team) and source."""
    assignee = m.Staff.__table__.alias("assignee")
    stmt = (select(m.Incident.id, m.Incident.code, m.Incident.community_id, m.Incident.grid_id,
                   m.Community.code.label("community_code"), m.Community.name.label("community"),
                   m.Street.code.label("street_code"), m.Street.name.label("street"),
                   m.Incident.type, m.Incident.severity, m.Incident.status, m.Incident.reported_at,
                   m.Incident.resolved_at, m.Incident.deadline, m.Incident.lon, m.Incident.lat,
                   m.Incident.description, m.Incident.version, IncidentDetail.place,
                   IncidentDetail.assignee_staff_id, assignee.c.name.label("assignee_name"),
                   IncidentDetail.assignee_team, IncidentDetail.reported_by, IncidentDetail.source)
            .join(m.Community, m.Community.id == m.Incident.community_id)
            .join(m.Street, m.Street.id == m.Community.street_id)
            .outerjoin(IncidentDetail, IncidentDetail.incident_id == m.Incident.id)
            .outerjoin(assignee, assignee.c.id == IncidentDetail.assignee_staff_id)
            .order_by(m.Incident.reported_at.desc(), m.Incident.id.desc()))
    if since is not None:
        stmt = stmt.where(m.Incident.reported_at >= since)
    if statuses:
        stmt = stmt.where(m.Incident.status.in_(statuses))
    return frame(session, stmt)


def events(session: Session, incident_id: int) -> pd.DataFrame:
    stmt = (select(IncidentEvent.at, IncidentEvent.actor, IncidentEvent.action, IncidentEvent.from_status,
                   IncidentEvent.to_status, IncidentEvent.note, IncidentEvent.assignee)
            .where(IncidentEvent.incident_id == incident_id).order_by(IncidentEvent.at, IncidentEvent.id))
    return frame(session, stmt)


def dispatchable_staff(session: Session, community_id: int) -> pd.DataFrame:
    """On-duty people of a community (id, name, kind) to dispatch an incident to."""
    stmt = (select(m.Staff.id, m.Staff.code, m.Staff.name, m.Staff.kind)
            .where(m.Staff.community_id == community_id, m.Staff.on_duty.is_(True), m.Staff.kind != "volunteer")
            .order_by(m.Staff.kind, m.Staff.id))
    return frame(session, stmt)


def ids_by_code(session: Session) -> dict[str, int]:
    return {str(c): int(i) for i, c in session.execute(select(m.Incident.id, m.Incident.code)).all()}


def bulk_insert(session: Session, model: str, rows: list[dict[str, Any]]) -> None:
    """Demo generation: whole tables at once."""
    from sqlalchemy import insert

    target = {"detail": IncidentDetail, "event": IncidentEvent, "rule": IncidentDeadlineRule}[model]
    for i in range(0, len(rows), 10_000):
        session.execute(insert(target), rows[i:i + 10_000])


class IncidentRepository(Repository):
    """``uow.incidents``: the functions above, bound to the unit of work's session."""

    serialise_writers = bound(serialise_writers)
    lock_incident = bound(lock_incident)
    detail = bound(detail)
    ensure_detail = bound(ensure_detail)
    grid_ref = bound(grid_ref)
    staff_ref = bound(staff_ref)
    next_code = bound(next_code)
    add_incident = bound(add_incident)
    add_detail = bound(add_detail)
    add_event = bound(add_event)
    flush = bound(flush)
    deadline_rules = bound(deadline_rules)
    upsert_rule = bound(upsert_rule)
    insert_rules = bound(insert_rules)
    incidents = bound(incidents)
    events = bound(events)
    dispatchable_staff = bound(dispatchable_staff)
    ids_by_code = bound(ids_by_code)
    bulk_insert = bound(bulk_insert)
