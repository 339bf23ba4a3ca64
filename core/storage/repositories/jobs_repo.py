"""Storage of the background jobs: the per-job lock that makes a job run once across processes, and
the ``job_run`` rows (when each job last ran, where, with what outcome).

The lock lasts until the unit of work ends. PostgreSQL: ``pg_try_advisory_xact_lock`` on the job's
key, which never waits (a job another process is running is skipped). SQLite: the database's write
lock (like BEGIN IMMEDIATE), which waits for the other writer; the due check made after it then sees
the other process's run. Either way the caller checks "due" only once it holds the lock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.tables_repo import frame
from core.storage.rows.jobs import JobRun

RUN_COLUMNS = ["id", "job", "started_at", "finished_at", "status", "host", "pid", "summary"]


def lock_key(job: str) -> int:
    """The advisory-lock key of a job: a stable signed 64-bit number from its name (the same in
    every process and every release)."""
    digest = hashlib.sha256(f"fangxian.job:{job}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def try_lock(session: Session, job: str) -> bool:
    """Take the job's lock until the transaction ends; False when another process holds it (PostgreSQL
    only: on SQLite this waits for the write lock and returns True)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(orm.Meta).where(orm.Meta.key == "").values(value=orm.Meta.value))
        return True
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(lock_key(job)))))


def last_started(session: Session, job: str) -> dt.datetime | None:
    """When the job's newest run started (None: never ran)."""
    return session.scalar(select(func.max(JobRun.started_at)).where(JobRun.job == job))


def record(session: Session, values: dict[str, Any]) -> int:
    row = JobRun(**values)
    session.add(row)
    session.flush()
    return int(row.id)


def prune(session: Session, job: str, before: dt.datetime) -> int:
    """Forget the job's runs that started before ``before`` (the table stays small)."""
    result = session.execute(delete(JobRun).where(JobRun.job == job, JobRun.started_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


def runs(session: Session, job: str | None = None, limit: int = 1000) -> pd.DataFrame:
    """The newest runs first (of one job, or of all)."""
    stmt = select(*(getattr(JobRun, c) for c in RUN_COLUMNS))
    if job is not None:
        stmt = stmt.where(JobRun.job == job)
    return frame(session, stmt.order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit))


def latest_runs(session: Session) -> pd.DataFrame:
    """The newest run of every job that ever ran."""
    newest = (select(JobRun.job, func.max(JobRun.id).label("id")).group_by(JobRun.job).subquery())
    stmt = (select(*(getattr(JobRun, c) for c in RUN_COLUMNS)).join(newest, newest.c.id == JobRun.id)
            .order_by(JobRun.job))
    return frame(session, stmt)


@contextmanager
def attempt(session: Session) -> Iterator[None]:
    """A savepoint around a job's own writes: a failing job rolls back its writes only, and the unit of
    work (with its lock and the failed run's record) carries on."""
    with session.begin_nested():
        yield


class JobsRepository(Repository):
    """``uow.jobs``: the functions above, bound to the unit of work's session."""

    try_lock = bound(try_lock)
    last_started = bound(last_started)
    record = bound(record)
    prune = bound(prune)
    runs = bound(runs)
    latest_runs = bound(latest_runs)
    attempt = bound(attempt)
