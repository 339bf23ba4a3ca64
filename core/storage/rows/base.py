"""The declarative base, the one clock of stored row times, and the ``meta`` key/value table."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, String, Text
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


class DataVersion(Base):
    """One row: the data version every cache keys on. ``n`` moves by one in every committed transaction
    that appended to the audit log (``core.storage.data_version``), taken last before the commit, so on
    PostgreSQL committing writers pass it one at a time and ``n`` grows in commit order (the highest
    audit id does not: ids are handed out at insert, and a later id can commit first). ``epoch`` is
    random per database: a database recreated from empty never repeats an earlier version."""

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    epoch: Mapped[str] = mapped_column(String(32))
    n: Mapped[int] = mapped_column(BigInteger)
