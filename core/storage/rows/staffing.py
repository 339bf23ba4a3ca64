"""People on the line: units and their pairings, staff, and the dated history of who was where
(``assignment``) and on or off duty (``duty_change``); the versioned staffing norms.
"As of day D" is the latest row that started on or before D.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.rows.base import Base, now


class Unit(Base):
    """派出单位 / 包保单位: a government or state unit that sends cadres."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Pairing(Base):
    """包保: a unit paired with a community."""

    __tablename__ = "pairing"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    since: Mapped[dt.date] = mapped_column(Date)
    cadres_pledged: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (UniqueConstraint("unit_id", "community_id"),)


class Staff(Base):
    """A person on the defence line, of one of the glossary's kinds.

    ``community_id``/``grid_id``/``on_duty`` are the current state, kept in step with the dated
    ``assignment`` and ``duty_change`` rows by the services that write them.
    """

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(24), index=True)
    volunteer_type: Mapped[str | None] = mapped_column(String(24))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    home_lon: Mapped[float | None] = mapped_column(Float)
    home_lat: Mapped[float | None] = mapped_column(Float)
    home_community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    movable: Mapped[bool] = mapped_column(Boolean, default=False)
    on_duty: Mapped[bool] = mapped_column(Boolean, default=True)
    skills: Mapped[str] = mapped_column(String(200), default="")
    hours_week: Mapped[float] = mapped_column(Float, default=0.0)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Assignment(Base):
    """Where a person served from ``valid_from`` until ``valid_to`` (open = still there)."""

    __tablename__ = "assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    valid_from: Mapped[dt.datetime] = mapped_column(DateTime)
    valid_to: Mapped[dt.datetime | None] = mapped_column(DateTime)
    batch_id: Mapped[str | None] = mapped_column(String(40), index=True)


class DutyChange(Base):
    """A person went on or off duty at ``at``."""

    __tablename__ = "duty_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    on_duty: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(16))  # sick | isolation | rest | left | other (off duty)
    expected_return: Mapped[dt.date | None] = mapped_column(Date)


class NormVersion(Base):
    """A version of the staffing norms; the one in force on day D has the latest valid_from <= D."""

    __tablename__ = "norm_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    valid_from: Mapped[dt.date] = mapped_column(Date, index=True)
    params: Mapped[dict[str, object]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


Index("ix_assignment_staff_open", Assignment.staff_id, Assignment.valid_to)
