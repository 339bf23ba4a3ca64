"""Duty rosters (排班): a checkpoint's shift pattern, and who is on which shift when."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.rows.base import Base


class ShiftPattern(Base):
    """A checkpoint's shifts (``早班|08:00|8;中班|16:00|8;夜班|00:00|8``) and the people each needs; a
    checkpoint without one follows the norms (its own shifts a day and people per shift, else the norms')."""

    __tablename__ = "shift_pattern"
    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"), unique=True)
    slots: Mapped[str] = mapped_column(Text)
    people_per_shift: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(60))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class RosterEntry(Base):
    """One person on one shift at one checkpoint, from ``starts_at`` to ``ends_at`` (the shift's day is the
    day it starts); released entries are deleted (the audit keeps them)."""

    __tablename__ = "roster_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    shift: Mapped[str] = mapped_column(String(12))
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime)
    assigned_by: Mapped[str] = mapped_column(String(60))
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("staff_id", "starts_at"),)


class ShiftException(Base):
    """A post's shifts on one date unlike its pattern: ``people_per_shift`` people each (0: the post is closed
    that day, no shifts)."""

    __tablename__ = "shift_exception"
    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    people_per_shift: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(60))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("checkpoint_id", "day"),)
