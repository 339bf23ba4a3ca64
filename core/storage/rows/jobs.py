"""Runs of the background jobs (alert sync, isolation scan, errand escalation): one row per run, so
that every app process (and cron) can see when a job last ran and whether it is due again. No
personal data: a job's name, its times, where it ran and a short count-only summary."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.rows.base import Base


class JobRun(Base):
    """One run of one job. ``status`` is ok | failed; ``summary`` is counts (``opened=2 resolved=0``)
    or, for a failure, the exception's class name only (its message may quote personal data)."""

    __tablename__ = "job_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(48))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(8))
    host: Mapped[str] = mapped_column(String(64))
    pid: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(200), default="")


Index("ix_job_run_job_started", JobRun.job, JobRun.started_at)
