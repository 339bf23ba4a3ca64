"""First run: an empty database is migrated and seeded; a second run leaves it alone."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from core.demo.seed import seed_demo_database
from core.demo.setup import ensure_ready
from core.storage import rows as orm
from core.storage.db import is_demo, session_scope


def test_first_run_creates_and_seeds_then_leaves_data_alone(empty_db: str) -> None:
    assert ensure_ready(empty_db) is True
    with session_scope(empty_db) as s:
        n_staff = s.scalar(select(func.count()).select_from(orm.Staff))
        n_comm = s.scalar(select(func.count()).select_from(orm.Community))
    assert n_comm and n_comm > 150 and n_staff and n_staff > 10_000
    assert is_demo(empty_db)
    assert ensure_ready(empty_db) is False
    with session_scope(empty_db) as s:
        assert s.scalar(select(func.count()).select_from(orm.Staff)) == n_staff


def test_seeding_refuses_a_database_that_holds_a_district(demo_db: str) -> None:
    with pytest.raises(RuntimeError):
        seed_demo_database(demo_db, today=dt.date(2026, 11, 29))


def test_ids_continue_after_the_seed(demo_db: str) -> None:
    # on PostgreSQL the sequences must have been moved past the explicit ids
    with session_scope(demo_db) as s:
        s.add(orm.AuditLog(actor="test", action="test", entity="x", reason="sequence check"))
    with session_scope(demo_db) as s:
        ids = s.scalars(select(orm.AuditLog.id).order_by(orm.AuditLog.id)).all()
    assert len(ids) == len(set(ids)) == 2


def test_who_was_where_on_a_past_day_is_answerable(demo_db: str) -> None:
    with session_scope(demo_db) as s:
        moved = s.execute(select(orm.Assignment.staff_id, orm.Assignment.valid_from)
                          .where(orm.Assignment.batch_id == "demo-history").limit(1)).one()
        rows = s.execute(select(orm.Assignment.community_id, orm.Assignment.valid_from, orm.Assignment.valid_to)
                         .where(orm.Assignment.staff_id == moved.staff_id).order_by(orm.Assignment.valid_from)).all()
    assert len(rows) == 2
    assert rows[0].valid_to == rows[1].valid_from and rows[0].community_id != rows[1].community_id


def test_demo_reset_rebuilds_the_demo_in_place(demo_db: str) -> None:
    from core.cli.main import main

    with session_scope(demo_db) as s:
        s.add(orm.AuditLog(actor="test", action="test", entity="x", reason="gone after the reset"))
    assert main(["--database-url", demo_db, "demo", "--reset"]) == 0
    with session_scope(demo_db) as s:
        assert s.scalar(select(func.count()).select_from(orm.AuditLog).where(orm.AuditLog.actor == "test")) == 0
        assert s.scalar(select(func.count()).select_from(orm.Community)) == 180
    assert is_demo(demo_db)


def test_serve_hints_at_refreshing_a_demo_seeded_on_an_earlier_day(demo_sqlite: str) -> None:
    from core.cli.cmd_setup import old_demo_hint
    from core.storage.db import set_meta

    assert old_demo_hint(demo_sqlite) is None or dt.date(2026, 11, 29) < dt.date.today()
    with session_scope(demo_sqlite) as s:
        set_meta(s, "demo_today", "2020-01-01")
    assert "演示数据生成于 2020-01-01" in (old_demo_hint(demo_sqlite) or "")
    assert "generated on 2020-01-01" in (old_demo_hint(demo_sqlite, "en") or "")


def test_init_says_in_the_chosen_language_that_the_database_is_ready(empty_sqlite: str, capsys) -> None:  # type: ignore[no-untyped-def]
    from core.cli.main import main

    assert main(["--database-url", empty_sqlite, "init"]) == 0
    assert capsys.readouterr().out.strip() == "数据库已就绪"
    assert main(["--database-url", empty_sqlite, "--lang", "en", "init"]) == 0
    assert capsys.readouterr().out.strip() == "The database is ready"


def test_seeding_a_database_that_holds_a_district_is_refused_with_a_sentence(demo_sqlite: str) -> None:
    from core.demo.seed import DatabaseNotEmpty
    from core.i18n import error_text

    with pytest.raises(DatabaseNotEmpty) as err:
        seed_demo_database(demo_sqlite, today=dt.date(2026, 11, 29))
    assert err.value.key == "demo.database_not_empty"
    assert "演示数据只写入空数据库" in error_text(err.value)


def test_a_database_the_district_has_made_its_own_is_never_seeded(empty_db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from core.cli.main import main

    assert main(["--database-url", empty_db, "init"]) == 0  # init without --with-demo: the district's own
    assert ensure_ready(empty_db) is False  # the app's start-up check (serve, scripts/run) leaves it empty
    with session_scope(empty_db) as s:
        assert s.scalar(select(func.count()).select_from(orm.Community)) == 0
    assert not is_demo(empty_db)


def test_an_empty_database_holding_an_account_is_never_seeded(empty_sqlite: str) -> None:
    from core.model.actor import SYSTEM
    from core.services.identity import add_user
    from core.services.uow import unit_of_work
    from core.storage.db import migrate

    migrate(empty_sqlite)
    with unit_of_work(empty_sqlite) as uow:
        add_user(uow, SYSTEM, "chief", "主任", "a-long-password", ["admin"])
    assert ensure_ready(empty_sqlite) is False and not is_demo(empty_sqlite)
