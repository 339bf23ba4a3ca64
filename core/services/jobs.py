"""The background jobs, as data: what each does and how often, run once per period however many app
processes (and cron entries) ask.

Every app process runs one job keeper (``dashboard.cache.job_keeper``) that asks ``run_due`` every few
seconds; cron can do the same with ``fangxian jobs run-due --as-system``. A job runs in its own unit of
work: it takes the job's lock (PostgreSQL: an advisory lock that never waits, so a job another process
is running is skipped; SQLite: the write lock), checks inside the lock that the job is due (its last
run in ``job_run`` started a period ago or more), runs as the system actor with its writes audited as
any other, and records the run. A failing job is recorded as failed (its writes rolled back) and is
due again one period later.

``FANGXIAN_JOBS`` chooses what a process's keeper runs: ``all`` (default), ``none`` (cron does it), or
names with optional periods in seconds, ``alerts.sync=60,isolation.scan``.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace

from core.model.actor import SYSTEM, Actor
from core.model.errors import InvalidInput
from core.services import clock
from core.services.uow import UnitOfWork

#: how long the runs of a job are kept (the table stays small: about 1,500 rows a day at most)
KEEP = dt.timedelta(days=7)
#: the longest pause of a keeper between two looks (a job is at most this late)
MAX_TICK_S = 5.0


@dataclass(frozen=True, slots=True)
class Job:
    """A background job: ``run(uow, actor)`` does its work in the unit of work and returns a short
    summary of counts (never personal data)."""

    name: str
    period: dt.timedelta
    run: Callable[[UnitOfWork, Actor], str]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one job on one look: ``ok`` or ``failed`` (it ran), ``not_due`` (it ran less
    than a period ago) or ``busy`` (another process is running it now)."""

    job: str
    status: str
    summary: str = ""


def _sync_alerts(uow: UnitOfWork, actor: Actor) -> str:
    from core.services.alerts import sync_alerts
    from core.services.read_models.wall import firing_now

    now = clock.reference_now(uow)
    r = sync_alerts(uow, actor, firing_now(uow, now), now)
    return f"opened={r.opened} still_open={r.still_open} resolved={r.resolved}"


def _scan_isolation(uow: UnitOfWork, actor: Actor) -> str:
    from core.services.isolation import scan_isolation

    # the reference time: the demo's own day on the demo (as the wall and the alerts read it)
    r = scan_isolation(uow, actor, clock.reference_now(uow))
    return f"fever={r.fever} missed={r.missed}"


def _escalate_errands(uow: UnitOfWork, actor: Actor) -> str:
    from core.services.errands import escalate_overdue

    r = escalate_overdue(uow, actor, clock.reference_now(uow))
    return f"escalated={r.errands}"


def _purge_register(uow: UnitOfWork, actor: Actor) -> str:
    from core.services.checkpoint_duty import purge_register

    return f"deleted={purge_register(uow, actor)}"


def _draft_report(uow: UnitOfWork, actor: Actor) -> str:
    from core.services.reports.archive import draft_when_due

    return f"drafted={draft_when_due(uow, actor, clock.reference_now(uow))}"


#: every background job
JOBS: tuple[Job, ...] = (
    Job("alerts.sync", dt.timedelta(seconds=60), _sync_alerts),
    Job("isolation.scan", dt.timedelta(minutes=5), _scan_isolation),
    Job("errands.escalate", dt.timedelta(minutes=5), _escalate_errands),
    Job("duty.purge", dt.timedelta(hours=1), _purge_register),
    Job("report.draft", dt.timedelta(minutes=10), _draft_report),  # the day's report, once, from report.daily_at
)


def job_named(name: str, jobs: Iterable[Job] = JOBS) -> Job:
    found = {j.name: j for j in jobs}
    if name not in found:
        raise InvalidInput("jobs.unknown", name=name, known=sorted(found))
    return found[name]


def select_jobs(spec: str | None) -> tuple[Job, ...]:
    """The jobs of a ``FANGXIAN_JOBS`` value: ``all`` / empty, ``none``, or ``name[=seconds],...``."""
    spec = (spec or "").strip()
    if spec in ("", "all"):
        return JOBS
    if spec in ("none", "0"):
        return ()
    out: list[Job] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        name, _, seconds = part.partition("=")
        job = job_named(name.strip())
        if seconds:
            try:
                period = float(seconds)
            except ValueError:
                raise InvalidInput("jobs.bad_period", name=job.name, value=seconds) from None
            if not 1 <= period <= 86_400:
                raise InvalidInput("jobs.bad_period", name=job.name, value=seconds)
            job = replace(job, period=dt.timedelta(seconds=period))
        out.append(job)
    return tuple(out)


def tick_seconds(jobs: Iterable[Job]) -> float:
    """How often a keeper looks: often enough that no job is late by more than a quarter period."""
    periods = [j.period.total_seconds() for j in jobs]
    return min([MAX_TICK_S, *(p / 4 for p in periods)])


def worker() -> tuple[str, int]:
    """Where a run happens: this machine's name and this process's id."""
    return socket.gethostname()[:64], os.getpid()


def is_due(uow: UnitOfWork, job: Job, now: dt.datetime) -> bool:
    last = uow.jobs.last_started(job.name)
    return last is None or now - last >= job.period


def run_job(uow: UnitOfWork, job: Job, *, actor: Actor = SYSTEM, now: dt.datetime | None = None) -> Outcome:
    """Run ``job`` in the caller's unit of work if it is due and no other process is running it."""
    now = now or clock.exact_now()
    if not uow.jobs.try_lock(job.name):  # first, before any read (SQLite: the write lock)
        return Outcome(job.name, "busy")
    if not is_due(uow, job, now):  # inside the lock: another process's run is seen
        return Outcome(job.name, "not_due")
    t0 = time.perf_counter()
    try:
        with uow.jobs.attempt():
            status, summary = "ok", job.run(uow, actor)[:200]
    except Exception as exc:  # noqa: BLE001 - recorded, retried next period; the class only (no data)
        status, summary = "failed", type(exc).__name__[:200]
    host, pid = worker()
    uow.jobs.record({"job": job.name, "started_at": now, "status": status, "summary": summary, "host": host,
                     "pid": pid, "finished_at": now + dt.timedelta(seconds=time.perf_counter() - t0)})
    uow.jobs.prune(job.name, now - KEEP)
    return Outcome(job.name, status, summary)


def run_due(open_uow: Callable[[], AbstractContextManager[UnitOfWork]], jobs: Iterable[Job] = JOBS, *,
            actor: Actor = SYSTEM, now: dt.datetime | None = None) -> list[Outcome]:
    """Every job of ``jobs`` that is due, each in a unit of work of its own from ``open_uow`` (a job
    that fails must not undo another's work, and each lock is held only for its job). A first
    lock-free look skips what is not due without taking any lock."""
    jobs = tuple(jobs)
    with open_uow() as uow:
        look = now or clock.exact_now()
        due = {j.name for j in jobs if is_due(uow, j, look)}
    out: list[Outcome] = []
    for job in jobs:
        if job.name not in due:
            out.append(Outcome(job.name, "not_due"))
            continue
        with open_uow() as uow:
            out.append(run_job(uow, job, actor=actor, now=now))
    return out


def job_table(uow: UnitOfWork, jobs: Iterable[Job] = JOBS, now: dt.datetime | None = None) -> list[dict[str, object]]:
    """Each job with its period, its last run and whether it is due now (``fangxian jobs list``)."""
    now = now or clock.exact_now()
    latest = uow.jobs.latest_runs().set_index("job")
    rows: list[dict[str, object]] = []
    for job in jobs:
        last = latest.loc[job.name] if job.name in latest.index else None
        rows.append({"job": job.name, "period_s": int(job.period.total_seconds()),
                     "last_started": None if last is None else last["started_at"],
                     "last_status": None if last is None else last["status"],
                     "last_host": None if last is None else last["host"],
                     "last_pid": None if last is None else int(last["pid"]),
                     "last_summary": None if last is None else last["summary"],
                     "due": is_due(uow, job, now)})
    return rows
