"""Vulnerable residents (重点关爱): the people a community looks after by name during closure.

Personal data (name, phone, address) lives only here and is shown only to roles with need-to-know
(core.model.privacy); every other view sees counts per community and grid, kept in step with
``community.vulnerable_residents``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.rows.base import Base, now


class VulnerableResident(Base):
    __tablename__ = "vulnerable_resident"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    category: Mapped[str] = mapped_column(String(24), index=True)  # elderly_alone | disabled | ill | pregnant | ...
    name: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)  # active | ended
    created_by: Mapped[str] = mapped_column(String(60), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
