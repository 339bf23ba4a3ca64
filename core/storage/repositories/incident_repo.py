"""SQL of the incident services: the incident row and its detail, events, deadline rules, listings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import false, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.model.errors import ConcurrentChange
from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.tables_repo import frame
from core.storage.rows.incident_details import IncidentDeadlineRule, IncidentDetail, IncidentEvent

#: the PostgreSQL advisory lock incident writers hold until their transaction ends
INCIDENT_LOCK = 0x6678696E  # "fxin"


def serialise_writers(session: Session) -> None:
    """Take the incident writers' lock first so read-then-write cannot interleave (the next code is
    read from the newest row): SQLite's write lock (like BEGIN IMMEDIATE); on PostgreSQL an advisory
    lock (two app processes or background jobs raising incidents at once wait for each other)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(IncidentDeadlineRule).where(false()).values(hours=IncidentDeadlineRule.hours))
    else:
        session.execute(select(func.pg_advisory_xact_lock(INCIDENT_LOCK)))


def lock_incident(session: Session, incident_id: int) -> orm.Incident | None:
    stmt = (select(orm.Incident).where(orm.Incident.id == incident_id).with_for_update()
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
    row = session.execute(select(orm.Grid.id, orm.Grid.community_id, orm.Grid.lon, orm.Grid.lat, orm.Grid.name)
                          .where(orm.Grid.id == grid_id)).mappings().first()
    return dict(row) if row else None


def staff_ref(session: Session, staff_id: int) -> dict[str, Any] | None:
    row = session.execute(select(orm.Staff.id, orm.Staff.code, orm.Staff.name, orm.Staff.on_duty, orm.Staff.community_id)
                          .where(orm.Staff.id == staff_id)).mappings().first()
    return dict(row) if row else None


def next_code(session: Session, now: dt.datetime) -> str:
    last = session.scalar(select(func.max(orm.Incident.id))) or 0
    return f"E{now:%Y%m%d}-{int(last) + 1:05d}"


def add_incident(session: Session, **fields: Any) -> orm.Incident:
    row = orm.Incident(**fields)
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
    """Set a rule (stamped ``at``, the district's naive time); returns the previous hours (None if it was a default)."""
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
    assignee = orm.Staff.__table__.alias("assignee")
    stmt = (select(orm.Incident.id, orm.Incident.code, orm.Incident.community_id, orm.Incident.grid_id,
                   orm.Community.code.label("community_code"), orm.Community.name.label("community"),
                   orm.Street.code.label("street_code"), orm.Street.name.label("street"),
                   orm.Incident.type, orm.Incident.severity, orm.Incident.status, orm.Incident.reported_at,
                   orm.Incident.resolved_at, orm.Incident.deadline, orm.Incident.lon, orm.Incident.lat,
                   orm.Incident.description, orm.Incident.version, IncidentDetail.place,
                   IncidentDetail.assignee_staff_id, assignee.c.name.label("assignee_name"),
                   IncidentDetail.assignee_team, IncidentDetail.reported_by, IncidentDetail.source)
            .join(orm.Community, orm.Community.id == orm.Incident.community_id)
            .join(orm.Street, orm.Street.id == orm.Community.street_id)
            .outerjoin(IncidentDetail, IncidentDetail.incident_id == orm.Incident.id)
            .outerjoin(assignee, assignee.c.id == IncidentDetail.assignee_staff_id)
            .order_by(orm.Incident.reported_at.desc(), orm.Incident.id.desc()))
    if since is not None:
        stmt = stmt.where(orm.Incident.reported_at >= since)
    if statuses:
        stmt = stmt.where(orm.Incident.status.in_(statuses))
    return frame(session, stmt)


def events(session: Session, incident_id: int) -> pd.DataFrame:
    stmt = (select(IncidentEvent.at, IncidentEvent.actor, IncidentEvent.action, IncidentEvent.from_status,
                   IncidentEvent.to_status, IncidentEvent.note, IncidentEvent.assignee)
            .where(IncidentEvent.incident_id == incident_id).order_by(IncidentEvent.at, IncidentEvent.id))
    return frame(session, stmt)


def dispatchable_staff(session: Session, community_id: int) -> pd.DataFrame:
    """On-duty people of a community (id, name, kind) to dispatch an incident to."""
    stmt = (select(orm.Staff.id, orm.Staff.code, orm.Staff.name, orm.Staff.kind)
            .where(orm.Staff.community_id == community_id, orm.Staff.on_duty.is_(True), orm.Staff.kind != "volunteer")
            .order_by(orm.Staff.kind, orm.Staff.id))
    return frame(session, stmt)


def ids_by_code(session: Session) -> dict[str, int]:
    return {str(c): int(i) for i, c in session.execute(select(orm.Incident.id, orm.Incident.code)).all()}


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
