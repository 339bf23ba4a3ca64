"""Volunteers and their deployments (issue 8): availability, tasks, who is assigned to which task
(with check-in and check-out), and the residents' errands queue (代买代办).

A volunteer or registered party member is a ``staff`` row (kind volunteer / party_member); these
tables add what deployment needs. Personal data of residents (name, phone, address of an errand)
lives only in ``service_request`` and is masked on the way out (core.services.errands)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.rows.base import Base, now


class VolunteerAvailability(Base):
    """When a person can serve: weekdays (0 = Monday … 6 = Sunday, as a digit string) and hours."""

    __tablename__ = "volunteer_availability"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    days: Mapped[str] = mapped_column(String(7), default="0123456")
    hour_from: Mapped[int] = mapped_column(Integer, default=8)
    hour_to: Mapped[int] = mapped_column(Integer, default=20)
    updated_by: Mapped[str] = mapped_column(String(60), default="system")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class VolunteerTask(Base):
    """One deployment: a type, a place (community, optional grid or checkpoint, position), a time
    window and how many people it needs."""

    __tablename__ = "volunteer_task"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(24), index=True)
    title: Mapped[str] = mapped_column(String(120), default="")
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    needed: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | cancelled
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(60), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class TaskAssignment(Base):
    """A person on a task. Hours served come from check-in and check-out; a cancelled assignment is
    kept (status cancelled) so the history stays whole."""

    __tablename__ = "task_assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("volunteer_task.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="assigned", index=True)  # assigned | cancelled
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    assigned_by: Mapped[str] = mapped_column(String(60), default="system")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    checked_out_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    hours: Mapped[float | None] = mapped_column(Float)
    batch_id: Mapped[str | None] = mapped_column(String(40))
    __table_args__ = (UniqueConstraint("task_id", "staff_id"),)


class ServiceRequest(Base):
    """代买代办: an errand for a resident (often an isolated household), with a deadline."""

    __tablename__ = "service_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("isolated_household.id"))
    resident_name: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    created_by: Mapped[str] = mapped_column(String(60), default="system")
    deadline: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    assignee_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    assigned_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


Index("ix_task_window", VolunteerTask.starts_at, VolunteerTask.ends_at)
Index("ix_task_assignment_staff_status", TaskAssignment.staff_id, TaskAssignment.status)
