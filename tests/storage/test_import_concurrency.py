"""Two clerks import the same new file at the same moment (SQLite and PostgreSQL): one import creates
the rows, the other waits for it and finds them unchanged. Before, both read an empty table and the
second failed on the unique code (an IntegrityError traceback)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from core.model.actor import Actor
from core.services.importer.service import import_file
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import migrate, session_scope

CLERK = Actor("clerk-test", "录入员", frozenset({"clerk"}))
TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"


def test_overlapping_imports_of_one_file_create_its_rows_once(empty_db: str) -> None:
    migrate(empty_db)
    start = threading.Barrier(2)
    results: list[Any] = []
    errors: list[BaseException] = []

    def clerk() -> None:
        try:
            start.wait(timeout=30)
            with unit_of_work(empty_db) as uow:
                results.append(import_file(uow, CLERK, "communities", TEMPLATES / "communities.csv"))
        except BaseException as exc:  # noqa: BLE001 - the test reports what a clerk would have seen
            errors.append(exc)

    threads = [threading.Thread(target=clerk) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert errors == []
    assert sorted((r.created, r.unchanged) for r in results) == [(0, 2), (2, 0)]
    with session_scope(empty_db) as s:
        assert s.scalar(select(func.count()).select_from(orm.Community)) == 2
        assert s.scalar(select(func.count()).select_from(orm.District)) == 1
