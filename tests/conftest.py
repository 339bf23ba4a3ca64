"""Shared fixtures: demo databases on SQLite (copied from a seeded template) and on a throwaway
PostgreSQL cluster that this test session starts from the local binaries and tears down.

Set FANGXIAN_REQUIRE_ALL=1 (CI does) to turn a missing PostgreSQL or Chromium into a failure
instead of a skip.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# a translation key without text in the language asked for raises instead of showing the key (also in
# the app servers the browser tests start, which inherit the environment)
os.environ["FANGXIAN_I18N_STRICT"] = "1"
# the app processes and AppTest runs keep to the alert sync in the background (as before the job keeper):
# a test that counts incidents must not see the isolation scan or the errand escalation raise some on
# their own; the job tests (tests/storage/test_jobs.py, tests/browser/test_multiprocess_browser.py) choose their jobs explicitly
os.environ.setdefault("FANGXIAN_JOBS", "alerts.sync")

PG_BIN = Path(os.environ.get("FANGXIAN_PG_BIN", "/usr/lib/postgresql/15/bin"))
REQUIRE_ALL = os.environ.get("FANGXIAN_REQUIRE_ALL") == "1"
DEMO_TODAY = dt.date(2026, 11, 29)  # fixed so that every run sees the same demo


def need(condition: bool, reason: str) -> None:
    """Skip when a real part is missing on a developer's machine; fail in CI."""
    if not condition:
        if REQUIRE_ALL:
            pytest.fail(f"required for this run (FANGXIAN_REQUIRE_ALL=1): {reason}")
        pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- SQLite -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated and demo-seeded SQLite file, made once per session (copy it, never write it)."""
    from core.demo.seed import seed_demo_database
    from core.storage.db import dispose_engines, migrate

    path = tmp_path_factory.mktemp("template") / "demo.db"
    url = f"sqlite:///{path}"
    migrate(url)
    seed_demo_database(url, today=DEMO_TODAY)
    dispose_engines()
    # fold the WAL into the main file so that a plain copy is complete
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    return path


@pytest.fixture
def demo_sqlite(demo_template: Path, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the demo database for one test."""
    from core.storage.db import dispose_engines

    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    yield f"sqlite:///{path}"
    dispose_engines()


@pytest.fixture
def empty_sqlite(tmp_path: Path) -> Iterator[str]:
    from core.storage.db import dispose_engines

    yield f"sqlite:///{tmp_path / 'empty.db'}"
    dispose_engines()


# --- PostgreSQL -------------------------------------------------------------------------------


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A throwaway PostgreSQL 15 cluster on a free port; yields the server URL without a database."""
    need((PG_BIN / "initdb").exists(), f"PostgreSQL binaries not found in {PG_BIN}")
    base = Path(tempfile.mkdtemp(prefix="fangxian-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    data, log = base / "data", base / "log"
    port = free_port()
    subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                                 "-E", "UTF8", "--locale=C"]), check=True, capture_output=True)
    subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o",
                                 f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
                                 "-c max_connections=200", "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def _create_database(server: str, name: str, template: str | None = None) -> str:
    import psycopg

    with psycopg.connect(server.replace("postgresql+psycopg", "postgresql") + "/postgres",
                         autocommit=True) as conn:
        sql = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
        conn.execute(sql)  # names are generated here, never user input
    return f"{server}/{name}"


@pytest.fixture(scope="session")
def pg_demo_template(pg_server: str) -> str:
    """A demo-seeded PostgreSQL database used as a template for per-test copies."""
    from core.demo.seed import seed_demo_database
    from core.storage.db import dispose_engines, migrate

    url = _create_database(pg_server, "demo_template")
    migrate(url)
    seed_demo_database(url, today=DEMO_TODAY)
    dispose_engines()
    return "demo_template"


@pytest.fixture
def demo_pg(pg_server: str, pg_demo_template: str) -> Iterator[str]:
    from core.storage.db import dispose_engines

    url = _create_database(pg_server, f"t_{uuid.uuid4().hex[:12]}", template=pg_demo_template)
    yield url
    dispose_engines()


@pytest.fixture
def empty_pg(pg_server: str) -> Iterator[str]:
    from core.storage.db import dispose_engines

    url = _create_database(pg_server, f"e_{uuid.uuid4().hex[:12]}")
    yield url
    dispose_engines()


PG_OWNER_ROLE, PG_APP_ROLE = "fx_owner", "fx_app"


@pytest.fixture(scope="session")
def pg_roles(pg_server: str) -> tuple[str, str]:
    """Two login roles on the throwaway cluster, neither a superuser: the database owner (runs the
    migrations) and the app's role (owns nothing; granted what the app needs after migrating)."""
    import psycopg

    with psycopg.connect(pg_server.replace("postgresql+psycopg", "postgresql") + "/postgres",
                         autocommit=True) as conn:
        for role in (PG_OWNER_ROLE, PG_APP_ROLE):
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
                conn.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE')
    return PG_OWNER_ROLE, PG_APP_ROLE


@pytest.fixture
def pg_two_roles(pg_server: str, pg_roles: tuple[str, str]) -> Iterator[tuple[str, str]]:
    """A fresh, unmigrated database owned by the owner role: yields (owner URL, app URL), the way a
    deployment sets FANGXIAN_MIGRATE_URL and FANGXIAN_DATABASE_URL."""
    import psycopg

    from core.storage.db import dispose_engines

    owner, app = pg_roles
    name = f"r_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server.replace("postgresql+psycopg", "postgresql") + "/postgres",
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')  # names are generated here
    host = pg_server.split("@", 1)[1]
    yield f"postgresql+psycopg://{owner}@{host}/{name}", f"postgresql+psycopg://{app}@{host}/{name}"
    dispose_engines()


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_db(request: pytest.FixtureRequest) -> str:
    """The demo database on each backend in turn."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("demo_sqlite"))
    return str(request.getfixturevalue("demo_pg"))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return str(request.getfixturevalue("empty_sqlite"))
    return str(request.getfixturevalue("empty_pg"))


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.1) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(interval)
    return False
