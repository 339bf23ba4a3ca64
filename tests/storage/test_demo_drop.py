"""Dropping the demo turns the demo database into an empty district on both databases: generated
rows and demo accounts go, accounts an admin created stay, imports are accepted afterwards, and a
district's own database is never dropped this way."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.cli.main import main
from core.demo.drop import FirstAdmin, drop_demo
from core.model.actor import SYSTEM, Actor
from core.model.errors import InvalidInput, PermissionDenied
from core.services.identity import add_user, authenticate
from core.services.importer.service import import_file
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import is_demo, session_scope

ADMIN = Actor("admin-test", "管理员", frozenset({"admin"}))
TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"


def _count(url: str, model: type[orm.Base]) -> int:
    with session_scope(url) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_an_import_into_the_demo_is_refused_until_the_demo_is_dropped(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        add_user(uow, SYSTEM, "zhangsan", "张三", "a-long-password", ["admin"])
    with pytest.raises(InvalidInput) as refused, unit_of_work(demo_db) as uow:
        import_file(uow, ADMIN, "communities", TEMPLATES / "communities.csv")
    assert refused.value.key == "importer.demo_database"
    assert _count(demo_db, orm.Community) > 100

    counts = drop_demo(demo_db, ADMIN, FirstAdmin("chief", "值班主任", "another-long-password"))

    assert counts == {"accounts_kept": 1, "kiosk_tokens_kept": 0, "admin_created": 1}
    assert not is_demo(demo_db)
    assert _count(demo_db, orm.Community) == 0 and _count(demo_db, orm.Staff) == 0
    with session_scope(demo_db) as s:
        names = set(s.scalars(select(orm.AppUser.username)))
        actions = sorted(s.scalars(select(orm.AuditLog.action)))
    assert names == {"zhangsan", "chief"}  # the demo accounts (public password) are gone
    assert actions == ["demo.dropped", "user.add"]  # the demo's made-up trail went with it
    with unit_of_work(demo_db) as uow:
        assert authenticate(uow, "zhangsan", "a-long-password").actor is not None
        summary = import_file(uow, ADMIN, "communities", TEMPLATES / "communities.csv")
    assert summary.created == 2


def test_only_an_admin_drops_only_the_demo(demo_db: str, empty_sqlite: str) -> None:
    with pytest.raises(PermissionDenied):
        drop_demo(demo_db, Actor("c", "录入员", frozenset({"clerk"})))
    with pytest.raises(InvalidInput) as weak:
        drop_demo(demo_db, ADMIN, FirstAdmin("chief", "主任", "short"))
    assert weak.value.key.startswith("identity.")
    assert _count(demo_db, orm.Community) > 100  # nothing dropped for a bad first admin
    assert main(["--database-url", empty_sqlite, "init"]) == 0
    with pytest.raises(InvalidInput) as not_demo:
        drop_demo(empty_sqlite, ADMIN)
    assert not_demo.value.key == "demo.not_demo"


def test_the_cli_drops_the_demo_and_says_what_to_do_next(demo_sqlite: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", demo_sqlite, "demo", "--drop", "--as-system"]) == 0
    out = capsys.readouterr().out
    assert "演示数据已清空" in out and "fangxian user add" in out
    assert main(["--database-url", demo_sqlite, "demo", "--drop", "--as-system"]) == 2  # the second time: not the demo
    assert "这不是演示数据库" in capsys.readouterr().err
