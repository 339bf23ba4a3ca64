"""Background jobs run once per period across processes (core.services.jobs), on SQLite and PostgreSQL:
racing runs record one run, a job not due is skipped, a failing job is recorded and retried next
period, and the isolation scan run twice in one period raises its incidents once."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.model.actor import SYSTEM, Actor
from core.model.errors import InvalidInput
from core.services import jobs
from core.services.jobs import Job, run_due, run_job
from core.services.uow import UnitOfWork, unit_of_work
from core.storage.repositories.jobs_repo import lock_key
from core.storage.rows import AuditLog, IncidentDetail, JobRun

ROOT = Path(__file__).resolve().parents[2]
T0 = dt.datetime(2026, 11, 29, 9, 0, 0)
MINUTE = dt.timedelta(minutes=1)


def _runs(url: str, job: str) -> list[JobRun]:
    with unit_of_work(url) as uow:
        return list(uow.session.scalars(select(JobRun).where(JobRun.job == job).order_by(JobRun.id)))


def _count(url: str, model: type, *where: object) -> int:
    with unit_of_work(url) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_two_processes_racing_the_same_due_job_record_exactly_one_run(demo_db: str) -> None:
    calls: list[str] = []
    inside, release = threading.Event(), threading.Event()
    sqlite = demo_db.startswith("sqlite")

    def slow(uow: UnitOfWork, actor: Actor) -> str:
        calls.append(actor.username)
        inside.set()
        assert release.wait(30)  # the other process asks while this one is still running
        return "done=1"

    job = Job("test.race", MINUTE, slow)
    outcomes: dict[str, str] = {}

    def process(name: str) -> None:
        if name == "second":
            assert inside.wait(30)
            if sqlite:  # the second waits for the write lock: the first must be let go first
                release.set()
        with unit_of_work(demo_db) as uow:
            outcomes[name] = run_job(uow, job, now=T0).status
        release.set()  # PostgreSQL: the first holds its lock until the second has been turned away

    threads = [threading.Thread(target=process, args=(n,)) for n in ("first", "second")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert outcomes["first"] == "ok"
    # PostgreSQL skips the job (its lock is taken, never waited for); SQLite waits for the write lock
    # and then finds the job already done for this period
    assert outcomes["second"] == ("busy" if "postgresql" in demo_db else "not_due")
    assert calls == ["system"]
    assert [r.status for r in _runs(demo_db, "test.race")] == ["ok"]


def test_real_processes_racing_run_due_run_each_job_once(demo_db: str) -> None:
    env = dict(os.environ, FANGXIAN_DATABASE_URL=demo_db)
    cmd = [sys.executable, "-m", "core.cli.main", "jobs", "run-due", "--as-system", "--job", "isolation.scan",
           "--job", "errands.escalate", "--format", "json"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(3)]
    done = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err.decode() for _out, err in done]
    for name in ("isolation.scan", "errands.escalate"):
        assert [r.status for r in _runs(demo_db, name)] == ["ok"]


def test_a_job_that_is_not_due_is_skipped(demo_db: str) -> None:
    calls: list[dt.datetime] = []
    job = Job("test.due", MINUTE, lambda uow, actor: calls.append(T0) or "n=1")
    factory = lambda: unit_of_work(demo_db)  # noqa: E731
    assert [o.status for o in run_due(factory, [job], now=T0)] == ["ok"]
    assert [o.status for o in run_due(factory, [job], now=T0 + MINUTE - dt.timedelta(seconds=1))] == ["not_due"]
    with unit_of_work(demo_db) as uow:  # also inside the lock, not only on the first look
        assert run_job(uow, job, now=T0 + dt.timedelta(seconds=30)).status == "not_due"
    assert [o.status for o in run_due(factory, [job], now=T0 + MINUTE)] == ["ok"]
    assert len(calls) == 2
    runs = _runs(demo_db, "test.due")
    assert [(r.started_at, r.status, r.summary, r.pid) for r in runs] == [
        (T0, "ok", "n=1", os.getpid()), (T0 + MINUTE, "ok", "n=1", os.getpid())]
    assert all(r.finished_at >= r.started_at and r.host for r in runs)


def test_a_failing_job_is_recorded_as_failed_its_writes_undone_and_retried_next_period(demo_db: str) -> None:
    attempts: list[int] = []

    def flaky(uow: UnitOfWork, actor: Actor) -> str:
        attempts.append(1)
        uow.meta.set("test.flaky", str(len(attempts)))
        uow.flush()
        if len(attempts) == 1:
            raise RuntimeError("张三 13800000000")  # a message that must not be stored
        return "ok=1"

    job = Job("test.flaky", MINUTE, flaky)
    factory = lambda: unit_of_work(demo_db)  # noqa: E731
    first = run_due(factory, [job], now=T0)
    assert [(o.status, o.summary) for o in first] == [("failed", "RuntimeError")]
    with unit_of_work(demo_db) as uow:
        assert uow.meta.get("test.flaky") is None  # the failed run's writes were rolled back
    assert [o.status for o in run_due(factory, [job], now=T0 + MINUTE / 2)] == ["not_due"]
    assert [o.status for o in run_due(factory, [job], now=T0 + MINUTE)] == ["ok"]
    with unit_of_work(demo_db) as uow:
        assert uow.meta.get("test.flaky") == "2"
    assert [(r.status, r.summary) for r in _runs(demo_db, "test.flaky")] == [("failed", "RuntimeError"),
                                                                             ("ok", "ok=1")]


def test_the_isolation_scan_run_twice_in_one_period_raises_its_incidents_once(demo_db: str) -> None:
    scan = jobs.job_named("isolation.scan")
    factory = lambda: unit_of_work(demo_db)  # noqa: E731
    before = _count(demo_db, IncidentDetail, IncidentDetail.source == "isolation")
    audited = _count(demo_db, AuditLog, AuditLog.actor == SYSTEM.username)
    first = run_due(factory, [scan], now=T0)
    raised = _count(demo_db, IncidentDetail, IncidentDetail.source == "isolation") - before
    assert first[0].status == "ok" and raised > 0
    assert first[0].summary.startswith("fever=")
    assert _count(demo_db, AuditLog, AuditLog.actor == SYSTEM.username) > audited  # audited as the system
    second = run_due(factory, [scan], now=T0 + scan.period / 2)
    assert [o.status for o in second] == ["not_due"]
    assert _count(demo_db, IncidentDetail, IncidentDetail.source == "isolation") - before == raised
    assert len(_runs(demo_db, "isolation.scan")) == 1


def test_on_postgresql_a_job_another_process_runs_is_skipped_without_waiting(demo_pg: str) -> None:
    job = Job("test.busy", MINUTE, lambda uow, actor: "n=1")
    with unit_of_work(demo_pg) as holder:
        assert holder.jobs.try_lock("test.busy")
        with unit_of_work(demo_pg) as other:
            assert run_job(other, job, now=T0).status == "busy"
            assert other.jobs.try_lock("another.job")  # a lock per job, not one for all
    assert _runs(demo_pg, "test.busy") == []
    with unit_of_work(demo_pg) as uow:  # released when the holder's transaction ended
        assert run_job(uow, job, now=T0).status == "ok"


def test_job_list_shows_the_last_run_and_what_is_due(demo_db: str) -> None:
    job = Job("test.list", MINUTE, lambda uow, actor: "n=3")
    with unit_of_work(demo_db) as uow:
        run_job(uow, job, now=T0)
    with unit_of_work(demo_db) as uow:
        rows = jobs.job_table(uow, [job, Job("test.never", MINUTE, lambda uow, actor: "")], now=T0 + MINUTE / 2)
    assert [(r["job"], r["last_status"], r["last_summary"], r["due"]) for r in rows] == [
        ("test.list", "ok", "n=3", False), ("test.never", None, None, True)]


def test_lock_keys_are_stable_and_distinct() -> None:
    assert lock_key("alerts.sync") == lock_key("alerts.sync")
    assert len({lock_key(j.name) for j in jobs.JOBS}) == len(jobs.JOBS)
    assert all(-(2**63) <= lock_key(j.name) < 2**63 for j in jobs.JOBS)


@pytest.mark.parametrize(("spec", "expected"), [
    (None, [("alerts.sync", 60), ("isolation.scan", 300), ("errands.escalate", 300), ("duty.purge", 3600),
            ("report.draft", 600)]),
    ("none", []),
    ("alerts.sync=4, isolation.scan", [("alerts.sync", 4), ("isolation.scan", 300)]),
])
def test_the_jobs_of_a_process_are_chosen_by_fangxian_jobs(spec: str | None, expected: list[tuple[str, int]]) -> None:
    chosen = jobs.select_jobs(spec)
    assert [(j.name, int(j.period.total_seconds())) for j in chosen] == expected


@pytest.mark.parametrize("spec", ["alerts.snyc", "alerts.sync=0", "alerts.sync=x"])
def test_a_wrong_fangxian_jobs_is_refused(spec: str) -> None:
    with pytest.raises(InvalidInput):
        jobs.select_jobs(spec)


def test_the_register_retention_is_shown_and_set_by_an_admin_on_the_command_line(demo_sqlite: str) -> None:
    env = dict(os.environ, FANGXIAN_DATABASE_URL=demo_sqlite, FANGXIAN_LANG="zh")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "core.cli.main", "jobs", "retention", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    assert "保留 14 天" in cli().stdout
    refused = cli("--days", "200", "--as-system")
    assert refused.returncode == 2 and "1–90" in refused.stderr and "Traceback" not in refused.stderr
    assert cli("--days", "28", "--user", "coordinator").returncode != 0  # not an admin
    done = cli("--days", "28", "--as-system", "--reason", "区防控办要求")
    assert done.returncode == 0 and "保留 28 天" in done.stdout
    assert "保留 28 天" in cli().stdout
