"""数据准备's read model on a real database (SQLite and PostgreSQL): every kind of the registry in load
order, counted from the tables, with the newest whole-file import of each kind from the audit log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from core.model.actor import Actor
from core.services.importer.registry import KINDS
from core.services.importer.service import import_file
from core.services.read_models.setup import setup_status
from core.services.uow import unit_of_work
from core.storage.db import migrate

CLERK = Actor("clerk-test", "录入员", frozenset({"clerk"}))
TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"


def test_an_empty_district_lists_every_kind_missing_in_load_order(empty_db: str) -> None:
    migrate(empty_db)
    with unit_of_work(empty_db) as uow:
        status = setup_status(uow)
    assert [i.kind for i in status.items] == list(KINDS)
    assert status.empty and not status.demo
    assert {i.state for i in status.items} == {"missing"} and all(i.last is None for i in status.items)


def test_the_checklist_counts_what_is_loaded_and_keeps_the_newest_import(empty_db: str) -> None:
    migrate(empty_db)
    for now in (dt.datetime(2026, 2, 1, 9, 0), dt.datetime(2026, 2, 2, 9, 0)):
        with unit_of_work(empty_db) as uow:
            import_file(uow, CLERK, "communities", TEMPLATES / "communities.csv", now=now)
    with unit_of_work(empty_db) as uow:
        status = setup_status(uow)
    communities, boundaries = status.item("communities"), status.item("boundaries")
    assert communities is not None and boundaries is not None
    assert (communities.state, communities.counts) == ("done", {"streets": 1, "communities": 2})
    assert communities.last is not None and communities.last.actor == "clerk-test"
    assert communities.last.file == "communities.csv"
    assert communities.last.counts["unchanged"] == 2 and communities.last.counts["created"] == 0
    assert boundaries.state == "missing" and boundaries.out_of and boundaries.counts["communities"] == 2
    assert not status.empty and status.counts["unlocated"] + status.counts["with_point"] == 2
