"""The declarative base, the one clock of stored row times, and the ``meta`` key/value table."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.config import district_now


class Base(DeclarativeBase):
    pass


def now() -> dt.datetime:
    """The time stored in row defaults: naive, in the district's zone (``core.config.district_now``,
    the clock ``core.services.clock`` also reads)."""
    return district_now()


class Meta(Base):
    """Key/value facts about this database (schema seed, demo flag, demo seed)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
