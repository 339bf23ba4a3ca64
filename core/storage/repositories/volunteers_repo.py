"""SQL of volunteers, tasks, assignments and errands (issue 8). ``select()`` only, bound parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import false, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.tables_repo import frame
from core.storage.rows.volunteers import (
    ServiceRequest,
    TaskAssignment,
    VolunteerAvailability,
    VolunteerTask,
)

DEPLOYABLE = ("volunteer", "party_member")


def serialise_writers(session: Session) -> None:
    """On SQLite take the write lock first so that check-then-insert cannot interleave."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(VolunteerTask).where(false()).values(note=VolunteerTask.note))


def deployments(session: Session, ending_after: dt.datetime | None = None) -> pd.DataFrame:
    """Live assignments on open tasks: staff_id, community_id, grid_id, task_type, starts_at, ends_at
    (only tasks ending after ``ending_after`` when given: the days a caller will look at)."""
    stmt = (select(TaskAssignment.staff_id, VolunteerTask.community_id, VolunteerTask.grid_id,
                   VolunteerTask.type.label("task_type"), VolunteerTask.starts_at, VolunteerTask.ends_at)
            .join(VolunteerTask, VolunteerTask.id == TaskAssignment.task_id)
            .where(TaskAssignment.status == "assigned", VolunteerTask.status == "open"))
    if ending_after is not None:
        stmt = stmt.where(VolunteerTask.ends_at > ending_after)
    return frame(session, stmt)


def people(session: Session, kinds: Sequence[str] = DEPLOYABLE, staff_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Volunteers and party members with community, street, contact and availability."""
    home = aliased(orm.Community)
    stmt = (select(orm.Staff.id.label("staff_id"), orm.Staff.code, orm.Staff.name.label("staff_name"), orm.Staff.phone,
                   orm.Staff.kind, orm.Staff.volunteer_type, orm.Staff.on_duty, orm.Staff.skills, orm.Staff.hours_week,
                   orm.Staff.community_id, orm.Staff.home_lon, orm.Staff.home_lat,
                   orm.Community.code.label("community_code"), orm.Community.name.label("community"),
                   orm.Street.code.label("street_code"), orm.Street.name.label("street"),
                   home.name.label("home_community"),
                   VolunteerAvailability.days, VolunteerAvailability.hour_from, VolunteerAvailability.hour_to)
            .outerjoin(orm.Community, orm.Community.id == orm.Staff.community_id)
            .outerjoin(orm.Street, orm.Street.id == orm.Community.street_id)
            .outerjoin(home, home.id == orm.Staff.home_community_id)
            .outerjoin(VolunteerAvailability, VolunteerAvailability.staff_id == orm.Staff.id)
            .where(orm.Staff.kind.in_(list(kinds))).order_by(orm.Staff.id))
    if staff_ids is not None:
        stmt = stmt.where(orm.Staff.id.in_(list(staff_ids)))
    return frame(session, stmt)


def availability(session: Session, staff_ids: Sequence[int]) -> pd.DataFrame:
    stmt = select(VolunteerAvailability.staff_id, VolunteerAvailability.days, VolunteerAvailability.hour_from,
                  VolunteerAvailability.hour_to).where(VolunteerAvailability.staff_id.in_(list(staff_ids)))
    return frame(session, stmt)


def get_availability(session: Session, staff_id: int) -> VolunteerAvailability | None:
    return session.get(VolunteerAvailability, staff_id)


def tasks(session: Session, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    """Tasks whose window overlaps [start, end), with place names and the number assigned."""
    n_assigned = (select(TaskAssignment.task_id, func.count().label("assigned"),
                         func.count(TaskAssignment.checked_in_at).label("checked_in"),
                         func.count(TaskAssignment.checked_out_at).label("checked_out"))
                  .where(TaskAssignment.status == "assigned").group_by(TaskAssignment.task_id).subquery())
    stmt = (select(VolunteerTask.id, VolunteerTask.code, VolunteerTask.type, VolunteerTask.title,
                   VolunteerTask.community_id, orm.Community.code.label("community_code"),
                   orm.Community.name.label("community"), orm.Street.code.label("street_code"),
                   orm.Street.name.label("street"), VolunteerTask.grid_id, orm.Grid.name.label("grid"),
                   VolunteerTask.checkpoint_id, orm.Checkpoint.name.label("checkpoint"), VolunteerTask.lon,
                   VolunteerTask.lat, VolunteerTask.starts_at, VolunteerTask.ends_at, VolunteerTask.needed,
                   VolunteerTask.status, VolunteerTask.note, VolunteerTask.version,
                   func.coalesce(n_assigned.c.assigned, 0).label("assigned"),
                   func.coalesce(n_assigned.c.checked_in, 0).label("checked_in"),
                   func.coalesce(n_assigned.c.checked_out, 0).label("checked_out"))
            .join(orm.Community, orm.Community.id == VolunteerTask.community_id)
            .join(orm.Street, orm.Street.id == orm.Community.street_id)
            .outerjoin(orm.Grid, orm.Grid.id == VolunteerTask.grid_id)
            .outerjoin(orm.Checkpoint, orm.Checkpoint.id == VolunteerTask.checkpoint_id)
            .outerjoin(n_assigned, n_assigned.c.task_id == VolunteerTask.id)
            .where(VolunteerTask.starts_at < end, VolunteerTask.ends_at > start)
            .order_by(VolunteerTask.starts_at, VolunteerTask.code))
    return frame(session, stmt)


def assignments(session: Session, start: dt.datetime, end: dt.datetime, *, staff_ids: Sequence[int] | None = None,
                task_id: int | None = None, live_only: bool = True) -> pd.DataFrame:
    """Assignments on open tasks overlapping [start, end): who, which task, window, check-in/out, hours."""
    stmt = (select(TaskAssignment.id, TaskAssignment.task_id, VolunteerTask.code.label("task_code"),
                   VolunteerTask.type.label("task_type"), VolunteerTask.community_id, TaskAssignment.staff_id,
                   orm.Staff.code.label("staff_code"), orm.Staff.name.label("staff_name"), orm.Staff.phone,
                   orm.Staff.kind, VolunteerTask.starts_at, VolunteerTask.ends_at, TaskAssignment.status,
                   TaskAssignment.assigned_at, TaskAssignment.assigned_by, TaskAssignment.override_reason,
                   TaskAssignment.checked_in_at, TaskAssignment.checked_out_at, TaskAssignment.hours,
                   VolunteerTask.lon, VolunteerTask.lat)
            .join(VolunteerTask, VolunteerTask.id == TaskAssignment.task_id)
            .join(orm.Staff, orm.Staff.id == TaskAssignment.staff_id)
            .where(VolunteerTask.starts_at < end, VolunteerTask.ends_at > start, VolunteerTask.status == "open")
            .order_by(VolunteerTask.starts_at, TaskAssignment.id))
    if live_only:
        stmt = stmt.where(TaskAssignment.status == "assigned")
    if staff_ids is not None:
        stmt = stmt.where(TaskAssignment.staff_id.in_(list(staff_ids)))
    if task_id is not None:
        stmt = stmt.where(TaskAssignment.task_id == task_id)
    return frame(session, stmt)


def lock_task(session: Session, task_id: int) -> VolunteerTask | None:
    stmt = (select(VolunteerTask).where(VolunteerTask.id == task_id).with_for_update()
            .execution_options(populate_existing=True))
    return session.execute(stmt).scalar_one_or_none()


def lock_people(session: Session, staff_ids: Sequence[int]) -> pd.DataFrame:
    """The people about to be assigned, row-locked (PostgreSQL) so two coordinators queue up."""
    stmt = (select(orm.Staff.id.label("staff_id"), orm.Staff.code, orm.Staff.kind, orm.Staff.on_duty)
            .where(orm.Staff.id.in_(list(staff_ids))).order_by(orm.Staff.id).with_for_update())
    return frame(session, stmt)


def existing_pairs(session: Session, task_id: int, staff_ids: Sequence[int]) -> list[TaskAssignment]:
    stmt = select(TaskAssignment).where(TaskAssignment.task_id == task_id,
                                        TaskAssignment.staff_id.in_(list(staff_ids)))
    return list(session.execute(stmt).scalars())


def get_assignment(session: Session, assignment_id: int) -> TaskAssignment | None:
    stmt = (select(TaskAssignment).where(TaskAssignment.id == assignment_id).with_for_update()
            .execution_options(populate_existing=True))
    return session.execute(stmt).scalar_one_or_none()


def assignments_by_id(session: Session, ids: Sequence[int]) -> list[TaskAssignment]:
    stmt = (select(TaskAssignment).where(TaskAssignment.id.in_(list(ids))).with_for_update()
            .execution_options(populate_existing=True).order_by(TaskAssignment.id))
    return list(session.execute(stmt).scalars())


def task_ref(session: Session, task_id: int) -> VolunteerTask | None:
    return session.get(VolunteerTask, task_id)


def checkpoint_ref(session: Session, checkpoint_id: int) -> dict[str, Any] | None:
    stmt = select(orm.Checkpoint.id, orm.Checkpoint.code, orm.Checkpoint.name, orm.Checkpoint.community_id,
                  orm.Checkpoint.grid_id, orm.Checkpoint.lon, orm.Checkpoint.lat, orm.Checkpoint.active).where(
        orm.Checkpoint.id == checkpoint_id)
    row = session.execute(stmt).mappings().first()
    return dict(row) if row else None


def grid_ref(session: Session, grid_id: int) -> dict[str, Any] | None:
    row = session.execute(select(orm.Grid.id, orm.Grid.community_id, orm.Grid.lon, orm.Grid.lat)
                          .where(orm.Grid.id == grid_id)).mappings().first()
    return dict(row) if row else None


def checkpoints(session: Session) -> pd.DataFrame:
    stmt = (select(orm.Checkpoint.id, orm.Checkpoint.code, orm.Checkpoint.name, orm.Checkpoint.community_id,
                   orm.Community.name.label("community"), orm.Checkpoint.lon, orm.Checkpoint.lat)
            .join(orm.Community, orm.Community.id == orm.Checkpoint.community_id)
            .where(orm.Checkpoint.active.is_(True)).order_by(orm.Checkpoint.code))
    return frame(session, stmt)


def next_code(session: Session, model: type[VolunteerTask] | type[ServiceRequest], prefix: str, day: dt.date) -> str:
    last = session.scalar(select(func.max(model.id))) or 0
    return f"{prefix}{day:%Y%m%d}-{int(last) + 1:05d}"


def next_task_code(session: Session, day: dt.date) -> str:
    return next_code(session, VolunteerTask, "T", day)


def next_errand_code(session: Session, day: dt.date) -> str:
    return next_code(session, ServiceRequest, "R", day)


def add_task(session: Session, **fields: Any) -> VolunteerTask:
    """Insert a task (flushed: its id is known)."""
    row = VolunteerTask(**fields)
    session.add(row)
    session.flush()
    return row


def add_assignment(session: Session, task_id: int, staff_id: int) -> TaskAssignment:
    row = TaskAssignment(task_id=task_id, staff_id=staff_id)
    session.add(row)
    return row


def add_availability(session: Session, staff_id: int) -> VolunteerAvailability:
    row = VolunteerAvailability(staff_id=staff_id)
    session.add(row)
    return row


def add_errand(session: Session, **fields: Any) -> ServiceRequest:
    """Insert an errand (flushed: its id is known)."""
    row = ServiceRequest(**fields)
    session.add(row)
    session.flush()
    return row


def flush(session: Session) -> None:
    session.flush()


def bulk_insert(session: Session, model: str, rows: list[dict[str, Any]]) -> None:
    """Demo seeding: many rows in one statement per chunk."""
    table = {"availability": VolunteerAvailability, "task": VolunteerTask, "assignment": TaskAssignment,
             "errand": ServiceRequest}[model]
    for i in range(0, len(rows), 20_000):
        session.execute(insert(table), rows[i : i + 20_000])


def ids_by_code(session: Session) -> dict[str, int]:
    return dict(session.execute(select(VolunteerTask.code, VolunteerTask.id)).all())  # type: ignore[arg-type]


# --- errands ------------------------------------------------------------------------------------


def errands(session: Session, since: dt.datetime | None = None) -> pd.DataFrame:
    """Errands (open ones always; closed ones created since ``since``) with place and assignee."""
    stmt = (select(ServiceRequest.id, ServiceRequest.code, ServiceRequest.kind, ServiceRequest.community_id,
                   orm.Community.code.label("community_code"), orm.Community.name.label("community"),
                   orm.Street.code.label("street_code"), orm.Street.name.label("street"), ServiceRequest.household_id,
                   ServiceRequest.resident_name, ServiceRequest.phone, ServiceRequest.address, ServiceRequest.detail,
                   ServiceRequest.status, ServiceRequest.created_at, ServiceRequest.created_by,
                   ServiceRequest.deadline, ServiceRequest.assignee_staff_id, orm.Staff.code.label("assignee_code"),
                   orm.Staff.name.label("staff_name"), ServiceRequest.assigned_at, ServiceRequest.started_at,
                   ServiceRequest.closed_at, ServiceRequest.note, ServiceRequest.incident_id,
                   orm.Incident.code.label("incident_code"), ServiceRequest.version,
                   orm.Community.lon, orm.Community.lat, ServiceRequest.grid_id, orm.Grid.code.label("grid_code"))
            .join(orm.Community, orm.Community.id == ServiceRequest.community_id)
            .join(orm.Street, orm.Street.id == orm.Community.street_id)
            .outerjoin(orm.Grid, orm.Grid.id == ServiceRequest.grid_id)
            .outerjoin(orm.Staff, orm.Staff.id == ServiceRequest.assignee_staff_id)
            .outerjoin(orm.Incident, orm.Incident.id == ServiceRequest.incident_id)
            .order_by(ServiceRequest.deadline, ServiceRequest.id))
    if since is not None:
        stmt = stmt.where((ServiceRequest.created_at >= since)
                          | ServiceRequest.status.in_(["new", "assigned", "in_progress"]))
    return frame(session, stmt)


def lock_errand(session: Session, errand_id: int) -> ServiceRequest | None:
    stmt = (select(ServiceRequest).where(ServiceRequest.id == errand_id).with_for_update()
            .execution_options(populate_existing=True))
    return session.execute(stmt).scalar_one_or_none()


def overdue_unescalated(session: Session, now: dt.datetime) -> list[ServiceRequest]:
    stmt = (select(ServiceRequest).where(ServiceRequest.status.in_(["new", "assigned", "in_progress"]),
                                         ServiceRequest.deadline < now, ServiceRequest.incident_id.is_(None))
            .order_by(ServiceRequest.deadline).with_for_update())
    return list(session.execute(stmt).scalars())


def household_ref(session: Session, household_id: int) -> dict[str, Any] | None:
    from core.storage.rows.isolation import IsolatedHousehold as H

    row = session.execute(select(H.id, H.code, H.community_id, H.grid_id, H.head_name, H.phone, H.address,
                                 H.status).where(H.id == household_id)).mappings().first()
    return dict(row) if row else None


def staff_ref(session: Session, staff_id: int) -> dict[str, Any] | None:
    row = session.execute(select(orm.Staff.id, orm.Staff.code, orm.Staff.kind, orm.Staff.on_duty, orm.Staff.community_id)
                          .where(orm.Staff.id == staff_id)).mappings().first()
    return dict(row) if row else None


def checkpoint_ids(session: Session) -> dict[str, int]:
    """Demo seeding: checkpoint code -> id."""
    return dict(session.execute(select(orm.Checkpoint.code, orm.Checkpoint.id)).all())  # type: ignore[arg-type]


def households_for_demo(session: Session) -> pd.DataFrame:
    from core.storage.rows.isolation import IsolatedHousehold as H

    return frame(session, select(H.id, H.community_id, H.grid_id, H.head_name, H.phone, H.address)
                 .where(H.status == "active").order_by(H.id))


class VolunteerRepository(Repository):
    """``uow.volunteers``: the functions above, bound to the unit of work's session."""

    serialise_writers = bound(serialise_writers)
    deployments = bound(deployments)
    people = bound(people)
    availability = bound(availability)
    get_availability = bound(get_availability)
    tasks = bound(tasks)
    assignments = bound(assignments)
    lock_task = bound(lock_task)
    lock_people = bound(lock_people)
    existing_pairs = bound(existing_pairs)
    get_assignment = bound(get_assignment)
    assignments_by_id = bound(assignments_by_id)
    task_ref = bound(task_ref)
    checkpoint_ref = bound(checkpoint_ref)
    grid_ref = bound(grid_ref)
    checkpoints = bound(checkpoints)
    next_task_code = bound(next_task_code)
    next_errand_code = bound(next_errand_code)
    add_task = bound(add_task)
    add_assignment = bound(add_assignment)
    add_availability = bound(add_availability)
    add_errand = bound(add_errand)
    flush = bound(flush)
    bulk_insert = bound(bulk_insert)
    ids_by_code = bound(ids_by_code)
    errands = bound(errands)
    lock_errand = bound(lock_errand)
    overdue_unescalated = bound(overdue_unescalated)
    household_ref = bound(household_ref)
    staff_ref = bound(staff_ref)
    checkpoint_ids = bound(checkpoint_ids)
    households_for_demo = bound(households_for_demo)
