"""The audit log is append-only in the database itself: raw UPDATE, DELETE (and TRUNCATE on
PostgreSQL) are refused by triggers, whatever the code does."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.model.actor import SYSTEM
from core.services.audit import record
from core.services.uow import unit_of_work
from core.storage.db import get_engine


def _count(url: str) -> int:
    with get_engine(url).connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM audit_log")).scalar_one())


@pytest.mark.parametrize("sql", [
    "UPDATE audit_log SET actor = 'someone-else'",
    "UPDATE audit_log SET reason = '' WHERE id = 1",
    "DELETE FROM audit_log",
    "DELETE FROM audit_log WHERE id = 1",
])
def test_raw_sql_cannot_change_or_remove_audit_entries(demo_db: str, sql: str) -> None:
    before = _count(demo_db)
    assert before > 0
    with pytest.raises(DBAPIError, match="append-only"), get_engine(demo_db).begin() as conn:
        conn.execute(text(sql))
    assert _count(demo_db) == before
    with get_engine(demo_db).connect() as conn:
        assert conn.execute(text("SELECT actor FROM audit_log WHERE id = 1")).scalar_one() == "system"


def test_truncate_is_refused_on_postgresql(demo_pg: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"), get_engine(demo_pg).begin() as conn:
        conn.execute(text("TRUNCATE audit_log"))
    assert _count(demo_pg) > 0


def test_appending_still_works(demo_db: str) -> None:
    before = _count(demo_db)
    with unit_of_work(demo_db) as uow:
        record(uow, SYSTEM, "test.append", "database", reason="追加")
    assert _count(demo_db) == before + 1
