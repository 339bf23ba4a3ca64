"""Alert rules (thresholds stored as data, edited by an admin) and alert instances (first seen, last
seen, acknowledged, resolved) so that new alerts stand out and an alert stays until acknowledged or
its condition clears."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Float, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.rows.base import Base, now


class AlertRule(Base):
    """One threshold rule. ``code`` is stable (instances refer to it); ``kind`` is one of
    core.services.alerts.RULE_KINDS; ``level`` is warning | critical."""

    __tablename__ = "alert_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    threshold: Mapped[float] = mapped_column(Float, default=0.0)
    level: Mapped[str] = mapped_column(String(16), default="warning")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(60), default="system")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class AlertInstance(Base):
    """One firing of a rule for one subject (a community, a grid, an incident). ``open_key`` is
    ``rule_code|subject`` while unresolved and NULL afterwards: at most one open instance per pair,
    even with several app processes syncing at once."""

    __tablename__ = "alert_instance"
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_code: Mapped[str] = mapped_column(String(48), index=True)
    subject: Mapped[str] = mapped_column(String(80), index=True)
    open_key: Mapped[str | None] = mapped_column(String(140))
    street_code: Mapped[str | None] = mapped_column(String(32))
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime)
    value: Mapped[float] = mapped_column(Float, default=0.0)
    acknowledged_by: Mapped[str | None] = mapped_column(String(60))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)


Index("uq_alert_instance_open", AlertInstance.open_key, unique=True)
