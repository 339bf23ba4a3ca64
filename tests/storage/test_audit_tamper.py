"""The audit trail cannot be rewritten (issue 14, point 2): SQLite refuses ``INSERT OR REPLACE`` over
an entry; start-up refuses a database whose audit triggers were dropped, disabled or changed, and
``fangxian init --repair-audit`` restores them (itself audited); on PostgreSQL the app's role owns
nothing and cannot switch the guard off; ``fangxian demo --reset`` never drops a district's own data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from core.cli.main import main
from core.demo.setup import ensure_ready
from core.model.actor import SYSTEM, Actor
from core.model.errors import InvalidInput
from core.services.audit import record
from core.services.identity import add_user
from core.services.importer.service import import_file
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.audit_guard import (
    app_role_can_tamper,
    audit_guard_problems,
    may_reset,
    verify_audit_guard,
)
from core.storage.db import alembic_config, get_engine, migrate, session_scope

ADMIN = Actor("admin-test", "管理员", frozenset({"admin"}))
TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"
FORGED = ("INSERT OR REPLACE INTO audit_log (id, at, actor, action, entity, reason) "
          "VALUES (1, '2026-11-29 08:00:00', 'forger', 'forged', 'x', 'rewritten')")


def _count(url: str, model: type[orm.Base] = orm.AuditLog) -> int:
    with session_scope(url) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _first_actor(url: str) -> str:
    with get_engine(url).connect() as conn:
        return str(conn.execute(text("SELECT actor FROM audit_log WHERE id = 1")).scalar_one())


def _sqlite_path(url: str) -> str:
    return url.split("///", 1)[1]


# --- SQLite: REPLACE --------------------------------------------------------------------------


@pytest.mark.parametrize("sql", [FORGED, FORGED.replace("INSERT OR REPLACE", "REPLACE"),
                                 FORGED.replace("INSERT OR REPLACE", "INSERT")])
def test_sqlite_refuses_an_insert_over_an_existing_entry_from_any_connection(demo_sqlite: str, sql: str) -> None:
    before = _count(demo_sqlite)
    with pytest.raises(DBAPIError, match="append-only"), get_engine(demo_sqlite).begin() as conn:
        conn.execute(text(sql))
    # a bare sqlite3 connection (the sqlite3 shell: no pragmas of ours) is refused as well
    raw = sqlite3.connect(_sqlite_path(demo_sqlite))
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute(sql)
        raw.rollback()
    finally:
        raw.close()
    assert _count(demo_sqlite) == before
    assert _first_actor(demo_sqlite) == "system"


def test_every_sqlite_connection_fires_delete_triggers_on_replace(empty_sqlite: str) -> None:
    with get_engine(empty_sqlite).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA recursive_triggers").scalar() == 1


# --- start-up verification and repair (both databases) ------------------------------------------


def _break_guard(url: str, how: str) -> None:
    """Tamper as the database's owner would (the demo databases connect as the owner)."""
    sqlite = url.startswith("sqlite")
    statements = {
        "drop": ["DROP TRIGGER audit_log_no_update" if sqlite else "DROP TRIGGER audit_log_append_only ON audit_log"],
        # SQLite cannot disable a trigger: its nearest is dropping the other one (DELETE, not UPDATE)
        "disable": (["DROP TRIGGER audit_log_no_delete"] if sqlite
                    else ["ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"]),
        "neuter": (["DROP TRIGGER audit_log_no_delete",  # the same name, doing nothing
                    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT 1; END"]
                   if sqlite else
                   ["CREATE OR REPLACE FUNCTION fangxian_audit_log_append_only() RETURNS trigger "
                    "LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$"]),
    }[how]
    with get_engine(url).begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


@pytest.mark.parametrize("how", ["drop", "disable", "neuter"])
def test_startup_refuses_a_broken_guard_until_init_repairs_it(demo_db: str, how: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert audit_guard_problems(demo_db) == []
    _break_guard(demo_db, how)
    with get_engine(demo_db).begin() as conn:  # the tampering the guard exists to stop now works
        deletes = how == "neuter" or (how == "disable" and demo_db.startswith("sqlite"))  # what the break opened
        conn.execute(text("DELETE FROM audit_log WHERE id = 1" if deletes
                          else "UPDATE audit_log SET reason = 'rewritten' WHERE id = 1"))

    with pytest.raises(InvalidInput) as refused:
        ensure_ready(demo_db)  # serve, the app's start-up and init all go through here
    assert refused.value.key == "audit_guard.missing"
    capsys.readouterr()
    assert main(["--database-url", demo_db, "init"]) == 2
    err = capsys.readouterr().err.strip()
    assert "审计日志的防篡改保护缺失或被改动" in err and "fangxian init --repair-audit" in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err

    before = _count(demo_db)
    assert main(["--database-url", demo_db, "init", "--repair-audit"]) == 0
    assert "审计保护已修复" in capsys.readouterr().out
    verify_audit_guard(demo_db)
    with session_scope(demo_db) as s:
        repaired = s.scalars(select(orm.AuditLog).where(orm.AuditLog.action == "audit.repaired")).all()
    assert len(repaired) == 1 and repaired[0].after and repaired[0].after["parts"]
    assert _count(demo_db) == before + 1
    with pytest.raises(DBAPIError, match="append-only"), get_engine(demo_db).begin() as conn:
        conn.execute(text("UPDATE audit_log SET reason = 'again'"))
    assert main(["--database-url", demo_db, "init", "--repair-audit"]) == 0  # intact: nothing recorded
    assert "审计保护完好" in capsys.readouterr().out
    assert _count(demo_db) == before + 1
    assert ensure_ready(demo_db) is False


def test_a_fresh_database_passes_and_0004_reinstalls_triggers_dropped_before_it(empty_db: str) -> None:
    command.upgrade(alembic_config(empty_db), "0003")
    with get_engine(empty_db).begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_log_no_update" if empty_db.startswith("sqlite")
                             else "DROP TRIGGER audit_log_append_only ON audit_log")
    migrate(empty_db)
    assert audit_guard_problems(empty_db) == []


# --- PostgreSQL: the app's role owns nothing ------------------------------------------------------

TAMPERING = [
    "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
    "DROP TRIGGER audit_log_append_only ON audit_log",
    "DROP TABLE audit_log",
    "UPDATE audit_log SET actor = 'someone-else'",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
    "CREATE OR REPLACE FUNCTION fangxian_audit_log_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
    "SET session_replication_role = replica",
    "ALTER TABLE audit_log OWNER TO fx_app",
]


def test_the_apps_postgresql_role_cannot_tamper_with_the_audit_trail(
        pg_two_roles: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    owner, app = pg_two_roles
    monkeypatch.setenv("FANGXIAN_MIGRATE_URL", owner)
    assert main(["--database-url", app, "init"]) == 0  # migrates as the owner, grants the app's role
    monkeypatch.delenv("FANGXIAN_MIGRATE_URL")
    with unit_of_work(app) as uow:  # the app works as its own role: accounts, imports, audit entries
        add_user(uow, SYSTEM, "chief", "值班主任", "a-long-password", ["admin"])
        import_file(uow, ADMIN, "communities", TEMPLATES / "communities.csv")
        record(uow, SYSTEM, "test.append", "database", reason="追加")
    assert ensure_ready(app, seed_demo=False) is False  # start-up as the app's role: at head, guard intact
    assert not app_role_can_tamper(app) and app_role_can_tamper(owner)
    before = _count(app)
    assert before >= 4

    for sql in TAMPERING:
        with pytest.raises(DBAPIError), get_engine(app).begin() as conn:
            conn.exec_driver_sql(sql)
    assert _count(app) == before
    assert audit_guard_problems(app) == []
    with get_engine(app).connect() as conn:
        assert set(conn.execute(text("SELECT DISTINCT actor FROM audit_log")).scalars()) <= {"system", "admin-test"}


def test_only_the_owner_repairs_the_guard_on_postgresql(pg_two_roles: tuple[str, str],
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    owner, app = pg_two_roles
    migrate(app, explicit_owner=owner)
    with get_engine(owner).begin() as conn:  # only the owner (or a superuser) can do this
        conn.exec_driver_sql("DROP TRIGGER audit_log_no_truncate ON audit_log")
    capsys.readouterr()
    assert main(["--database-url", app, "init"]) == 2
    assert main(["--database-url", app, "init", "--repair-audit"]) == 2
    assert "FANGXIAN_MIGRATE_URL" in capsys.readouterr().err
    assert audit_guard_problems(app) == ["audit_log_no_truncate"]

    monkeypatch.setenv("FANGXIAN_MIGRATE_URL", owner)
    assert main(["--database-url", app, "init", "--repair-audit"]) == 0
    assert audit_guard_problems(app) == []
    with session_scope(app) as s:
        assert s.scalars(select(orm.AuditLog.action)).all() == ["audit.repaired"]
    with pytest.raises(DBAPIError), get_engine(app).begin() as conn:
        conn.exec_driver_sql("TRUNCATE audit_log")


# --- demo --reset ------------------------------------------------------------------------------


def test_demo_reset_never_drops_a_districts_own_database(empty_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert may_reset(empty_db)  # nothing there yet: nothing to lose
    assert main(["--database-url", empty_db, "init"]) == 0
    assert may_reset(empty_db)  # migrated, but still no district, account or audit entry
    with unit_of_work(empty_db) as uow:
        add_user(uow, SYSTEM, "chief", "值班主任", "a-long-password", ["admin"])
        import_file(uow, ADMIN, "communities", TEMPLATES / "communities.csv")
    audit, communities = _count(empty_db), _count(empty_db, orm.Community)
    assert audit >= 3 and communities == 2
    capsys.readouterr()

    assert main(["--database-url", empty_db, "demo", "--reset"]) == 2
    err = capsys.readouterr().err.strip()
    assert "这不是演示数据库" in err and len(err.splitlines()) == 1
    assert _count(empty_db) == audit and _count(empty_db, orm.Community) == communities
    assert _count(empty_db, orm.AppUser) == 1
    assert main(["--database-url", empty_db, "--lang", "en", "demo", "--reset"]) == 2
    assert "not the demo database" in capsys.readouterr().err
    assert _count(empty_db) == audit
