"""What-if scenarios as saved by planners: a name, an author, a base and the ordered changes (JSON in
the ``fangxian-scenario/1`` change format, see docs/scenario-format.md). Nothing live refers to them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.rows.base import Base, now


class ScenarioRow(Base):
    """One saved scenario. ``base`` is "live" or another scenario's id; ``changes`` a list of dicts."""

    __tablename__ = "scenario"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(60), index=True)
    base: Mapped[str] = mapped_column(String(32), default="live")
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    updated_by: Mapped[str] = mapped_column(String(60), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
