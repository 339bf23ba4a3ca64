"""Duty rosters (排班): a post's shift pattern, and who is on which shift when. A post is a checkpoint
(``checkpoint_id``) or a grid's duty (``grid_id``, 网格值守): exactly one of the two is set."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.rows.base import Base


class ShiftPattern(Base):
    """A checkpoint's shifts (``早班|08:00|8;中班|16:00|8;夜班|00:00|8``) and the people each needs; a
    checkpoint without one follows the norms (its own shifts a day and people per shift, else the norms')."""

    __tablename__ = "shift_pattern"
    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoint.id"), unique=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id", name="fk_shift_pattern_grid_id"))
    slots: Mapped[str] = mapped_column(Text)
    people_per_shift: Mapped[int] = mapped_column(Integer)
    #: a skill code (core.model.vocab.SKILLS) everyone on the post's shifts should have ("": none)
    skill: Mapped[str] = mapped_column(String(40), default="", server_default="")
    updated_by: Mapped[str] = mapped_column(String(60))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("grid_id", name="uq_shift_pattern_grid_id"),
                      CheckConstraint("(checkpoint_id IS NULL) <> (grid_id IS NULL)", name="ck_shift_pattern_one_post"))


class RosterEntry(Base):
    """One person on one shift at one checkpoint, from ``starts_at`` to ``ends_at`` (the shift's day is the
    day it starts); released entries are deleted (the audit keeps them)."""

    __tablename__ = "roster_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id", name="fk_roster_entry_grid_id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    shift: Mapped[str] = mapped_column(String(12))
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime)
    assigned_by: Mapped[str] = mapped_column(String(60))
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("staff_id", "starts_at"), Index("ix_roster_entry_grid_id", "grid_id"),
                      CheckConstraint("(checkpoint_id IS NULL) <> (grid_id IS NULL)", name="ck_roster_entry_one_post"))


class ShiftException(Base):
    """A post's shifts on one date unlike its pattern: ``people_per_shift`` people each (0: the post is closed
    that day, no shifts)."""

    __tablename__ = "shift_exception"
    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoint.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id", name="fk_shift_exception_grid_id"))
    day: Mapped[dt.date] = mapped_column(Date)
    people_per_shift: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(60))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("checkpoint_id", "day"),
                      UniqueConstraint("grid_id", "day", name="uq_shift_exception_grid_day"),
                      CheckConstraint("(checkpoint_id IS NULL) <> (grid_id IS NULL)", name="ck_shift_exception_one_post"))
