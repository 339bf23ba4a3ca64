"""The cursor-to-columns read (core.storage.fast_frame) equals SQLAlchemy's row-by-row read, for every
table of the schema and the engines' joined reads, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

from core.storage import rows as orm
from core.storage.db import session_scope
from core.storage.fast_frame import fast_frame
from core.storage.repositories import state_repo
from core.storage.repositories.tables_repo import plain_frame

#: tables with a column the cursor read does not take (bytes: an incident's photo, a report's files); it declines them and the
#: caller reads row by row
DECLINED = {"incident_photo", "daily_report"}  # a photo; a signed report's PDF and Word files
TABLES = sorted(set(orm.Base.metadata.tables) - DECLINED)


def _same(url: str, stmt) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    with session_scope(url) as s:
        fast = fast_frame(s, stmt)
        plain = plain_frame(s, stmt)
    assert fast is not None
    pd.testing.assert_frame_equal(fast, plain, check_dtype=True)
    return fast


def test_every_table_reads_the_same_both_ways(demo_db: str) -> None:
    read = {table: len(_same(demo_db, select(orm.Base.metadata.tables[table]))) for table in TABLES}
    assert read["staff"] and read["duty_change"] and read["norm_version"]  # the demo fills these
    with session_scope(demo_db) as s:
        for table in DECLINED:
            stmt = select(orm.Base.metadata.tables[table])
            assert fast_frame(s, stmt) is None and isinstance(plain_frame(s, stmt), pd.DataFrame)


def test_the_engines_reads_are_the_same_both_ways(demo_db: str) -> None:
    end = dt.datetime(2100, 1, 1)
    for stmt in (
        select(orm.Community.id.label("community_id"), orm.Street.name.label("street"), orm.Community.risk_level)
        .join(orm.Street, orm.Street.id == orm.Community.street_id),
        select(orm.Staff.id, orm.Staff.on_duty, orm.Staff.movable, orm.Staff.hours_week),
        select(orm.DutyChange.staff_id, orm.DutyChange.at, orm.DutyChange.on_duty).where(orm.DutyChange.at < end),
        select(orm.NormVersion.valid_from, orm.NormVersion.params),
    ):
        assert len(_same(demo_db, stmt))


def test_nulls_and_an_empty_result_keep_their_shape(demo_db: str) -> None:
    with session_scope(demo_db) as s:
        s.add(orm.Meta(key="fast-frame-test", value="x"))
    empty = _same(demo_db, select(orm.Assignment.valid_to, orm.Assignment.staff_id).where(orm.Assignment.id < 0))
    assert list(empty.columns) == ["valid_to", "staff_id"] and empty.empty
    mixed = _same(demo_db, select(orm.Assignment.valid_from, orm.Assignment.valid_to))  # open spells: NULL
    assert mixed["valid_to"].isna().any() and str(mixed["valid_from"].dtype).startswith("datetime64")


def test_a_pending_change_is_seen_as_session_execute_would_see_it(demo_db: str) -> None:
    with session_scope(demo_db) as s:
        staff = s.scalars(select(orm.Staff).limit(1)).one()
        staff.on_duty = not staff.on_duty  # not flushed yet
        seen = fast_frame(s, select(orm.Staff.id, orm.Staff.on_duty).where(orm.Staff.id == staff.id))
        assert seen is not None and bool(seen["on_duty"].iloc[0]) == staff.on_duty
        s.rollback()


def test_the_repositories_take_the_fast_path(demo_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import core.storage.repositories.tables_repo as tables

    def refuse(*_a: object) -> pd.DataFrame:
        raise AssertionError("the row-by-row path was taken")

    monkeypatch.setattr(tables, "plain_frame", refuse)
    with session_scope(demo_db) as s:
        assert len(state_repo.staff(s)) and len(state_repo.duty_changes_before(s, dt.datetime(2100, 1, 1)))
