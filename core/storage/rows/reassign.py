"""Reassignment batches: one row per confirmed move action (manual or an accepted plan), one item per
person moved, so that a batch can be shown, audited and undone."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.rows.base import Base, now
from core.storage.rows.staffing import Assignment


class MoveBatch(Base):
    """One confirmation of the coordinator: ``kind`` is manual | plan. The id is the audit batch id."""

    __tablename__ = "move_batch"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    actor: Mapped[str] = mapped_column(String(60), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), default="manual")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    moves: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str | None] = mapped_column(String(60))
    undo_batch_id: Mapped[str | None] = mapped_column(String(40))


class MoveItem(Base):
    """One person moved by a batch: from where (community and grid) to where."""

    __tablename__ = "move_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("move_batch.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    from_community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    from_grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    to_community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))


#: a person is in exactly one community at a time: at most one open assignment per person
Index("uq_assignment_one_open", Assignment.staff_id, unique=True,
      sqlite_where=Assignment.valid_to.is_(None), postgresql_where=Assignment.valid_to.is_(None))
