"""The daily briefing (日报): one row per version of one day's report for the district or one street.

A report is drafted (its figures computed and kept as ``content``), submitted by its 填报人 (the content
is then fixed) and signed by a 签发人; signing stores the final PDF and Word files with their SHA-256 and
freezes the row (a trigger refuses any later change, as the audit log's do). A correction after signing
is a new version of the same day and scope. No personal data: counts, codes and place names, and the
account names of who filled and signed it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.rows.base import Base, now


class DailyReport(Base):
    """``scope`` is ``district`` or a street's code; ``status`` draft | submitted | signed."""

    __tablename__ = "daily_report"
    __table_args__ = (UniqueConstraint("day", "scope", "version", name="uq_daily_report_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column()
    scope: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    content: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    created_by: Mapped[str] = mapped_column(String(60))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    submitted_by: Mapped[str | None] = mapped_column(String(60))
    submitted_name: Mapped[str | None] = mapped_column(String(100))
    signed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    signed_by: Mapped[str | None] = mapped_column(String(60))
    signed_name: Mapped[str | None] = mapped_column(String(100))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    docx: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    docx_sha256: Mapped[str | None] = mapped_column(String(64))


Index("ix_daily_report_day_scope", DailyReport.day, DailyReport.scope)
