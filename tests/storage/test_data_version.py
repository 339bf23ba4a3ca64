"""The data version every cache keys on: it moves with each committed audited write, never with a read
or a rolled-back write, and on PostgreSQL it grows in commit order (the highest audit id, keyed on
before, does not: a transaction holding a lower id can commit after one holding a higher id, and a
cache filled in between would never see the first write)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text

from core.model.actor import SYSTEM
from core.services import audit
from core.services.uow import unit_of_work
from core.storage.db import get_engine
from core.storage.rows import Staff


def version(url: str) -> str:
    with unit_of_work(url) as uow:
        return uow.tables.data_version()


def test_a_committed_audited_write_moves_the_version_and_a_read_or_a_rollback_does_not(demo_db: str) -> None:
    before = version(demo_db)
    with unit_of_work(demo_db) as uow:
        uow.session.scalar(select(Staff.id).limit(1))
    assert version(demo_db) == before

    with pytest.raises(RuntimeError), unit_of_work(demo_db) as uow:
        audit.record(uow, SYSTEM, "test.write", "staff", 1)
        uow.flush()
        raise RuntimeError("undone")
    assert version(demo_db) == before

    with unit_of_work(demo_db) as uow:  # an ORM entry (flushed by the commit itself) and a bulk one
        audit.record(uow, SYSTEM, "test.write", "staff", 1)
        audit.record_many(uow, SYSTEM, "test.write", "staff", [{"entity_id": 2}, {"entity_id": 3}])
    once = version(demo_db)
    assert once != before
    assert int(once.rsplit(":", 1)[1]) == int(before.rsplit(":", 1)[1]) + 1  # one transaction, one step

    with unit_of_work(demo_db) as uow:
        audit.record_many(uow, SYSTEM, "test.write", "staff", [{"entity_id": 4}])
    assert version(demo_db) not in (before, once)


def _waiting_on_a_lock(url: str) -> bool:
    with get_engine(url).connect() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                      "AND datname = current_database()")).scalar())


def test_on_postgresql_the_version_grows_in_commit_order(demo_pg: str) -> None:
    """A takes an audit id, B takes a later one and commits first; a reader in between keys its cache on
    what it saw then, and A's commit must still move that key (with the highest audit id it did not)."""
    seen_before = version(demo_pg)
    b_done = threading.Event()

    with unit_of_work(demo_pg) as a:
        audit.record(a, SYSTEM, "test.first", "staff", 1)
        a.flush()  # A holds the lower audit id

        def writer_b() -> None:
            with unit_of_work(demo_pg) as b:
                audit.record(b, SYSTEM, "test.second", "staff", 2)
            b_done.set()

        th = threading.Thread(target=writer_b)
        th.start()
        for _ in range(600):  # B either committed (the old key) or waits for A: a state, not a time
            if b_done.is_set() or _waiting_on_a_lock(demo_pg):
                break
            b_done.wait(0.05)
        seen_between = version(demo_pg)
    th.join(30)
    assert b_done.is_set()
    seen_after = version(demo_pg)
    # a cache filled between the two commits keyed on ``seen_between``: A's commit must move the key
    assert seen_after != seen_between
    assert seen_before != seen_between
    assert int(seen_between.rsplit(":", 1)[1]) == int(seen_before.rsplit(":", 1)[1]) + 1
    assert int(seen_after.rsplit(":", 1)[1]) == int(seen_before.rsplit(":", 1)[1]) + 2
