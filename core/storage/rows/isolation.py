"""Home isolation (居家隔离): households, their daily checks, and the alerts raised from them.

Personal data (head of household, phone, address) lives only here and is masked on the way out
for roles that do not need it (core.services.isolation)."""

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


class IsolatedHousehold(Base):
    __tablename__ = "isolated_household"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    head_name: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str | None] = mapped_column(String(32))
    members: Mapped[int] = mapped_column(Integer, default=1)
    start_date: Mapped[dt.date] = mapped_column(Date)
    planned_end: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)  # active | ended
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(60), default="system")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class IsolationCheck(Base):
    """One daily check: each member's temperature (°C), the needs, a note, who checked."""

    __tablename__ = "isolation_check"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("isolated_household.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    temperatures: Mapped[list[float]] = mapped_column(JSON)
    max_temp: Mapped[float | None] = mapped_column(Float)
    need_groceries: Mapped[bool] = mapped_column(Boolean, default=False)
    need_medicine: Mapped[bool] = mapped_column(Boolean, default=False)
    need_other: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    checked_by: Mapped[str] = mapped_column(String(60))


class IsolationAlert(Base):
    """An incident raised automatically: at most one per household, day and cause (fever | missed)."""

    __tablename__ = "isolation_alert"
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("isolated_household.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    cause: Mapped[str] = mapped_column(String(16))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    __table_args__ = (UniqueConstraint("household_id", "day", "cause"),)


Index("ix_isolation_check_household_day", IsolationCheck.household_id, IsolationCheck.day)
