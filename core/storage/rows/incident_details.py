"""Incident life-cycle tables: the transition history, the deadline rules and per-incident details
(place, assignee, who reported, where it came from). The ``incident`` row itself lives in
``models.py``; ``incident_detail`` is its one-to-one companion so that the shared row stays as it is."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.rows.base import Base, now


class IncidentEvent(Base):
    """One step of an incident's life: report, triage, dispatch, start, resolve, close, reopen."""

    __tablename__ = "incident_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    assignee: Mapped[str | None] = mapped_column(String(120))
    batch_id: Mapped[str | None] = mapped_column(String(40))


class IncidentDeadlineRule(Base):
    """Hours from report to the response deadline for a type (``*``: any type) and a severity."""

    __tablename__ = "incident_deadline_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    hours: Mapped[float] = mapped_column(Float)
    updated_by: Mapped[str] = mapped_column(String(60), default="system")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    __table_args__ = (UniqueConstraint("type", "severity"),)


class IncidentDetail(Base):
    """Place, current assignee (a person or a team), reporter and source of one incident."""

    __tablename__ = "incident_detail"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), primary_key=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    assignee_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    assignee_team: Mapped[str | None] = mapped_column(String(120))
    reported_by: Mapped[str] = mapped_column(String(60), default="")
    source: Mapped[str] = mapped_column(String(24), default="desk")  # desk | isolation | import | demo


Index("ix_incident_event_incident_at", IncidentEvent.incident_id, IncidentEvent.at)
