"""The CLI acts as a real account (issue 14 point 7): ``--user`` names an enabled account whose roles
and street scope apply, ``--as-system`` is explicit and audited as the system, neither is refused,
and a personal-data export needs a coordinator or admin and leaves an audit entry (no data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.cli.common import os_user
from core.cli.main import main
from core.model.actor import SYSTEM
from core.services.gaps import load_gaps
from core.services.identity import disable_user
from core.storage import rows as orm
from core.storage.db import session_scope
from core.storage.rows.reassign import MoveBatch
from tests.db import call
from tests.unit.test_import_reading import FIXTURES


def _batches(url: str) -> list[MoveBatch]:
    with session_scope(url) as s:
        return list(s.execute(select(MoveBatch)).scalars().all())


def _audit(url: str, action: str) -> list[orm.AuditLog]:
    with session_scope(url) as s:
        rows = s.execute(select(orm.AuditLog).where(orm.AuditLog.action == action)).scalars().all()
        s.expunge_all()
        return list(rows)


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_a_forged_unknown_or_disabled_user_is_refused_and_nothing_moves(
        demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    plan = ["--database-url", demo_db, "plan", "--apply", "--reason", "夜间统一调配"]
    assert main([*plan, "--user", "张调度"]) == 2  # a name that is no account: the old CLI audited it as is
    assert _one_line(capsys.readouterr().err).startswith("错误：账号 张调度 不存在或已停用")
    call(demo_db, disable_user, SYSTEM, "coordinator", reason="调离")
    assert main([*plan, "--user", "coordinator"]) == 2
    assert "账号 coordinator 不存在或已停用" in _one_line(capsys.readouterr().err)
    assert main(plan) == 2  # neither --user nor --as-system
    line = _one_line(capsys.readouterr().err)
    assert "--user" in line and "--as-system" in line
    assert main([*plan, "--user", "planner"]) == 2  # an account without the coordinator role
    assert "planner" in _one_line(capsys.readouterr().err)
    assert _batches(demo_db) == []


def test_a_two_street_coordinator_plans_and_applies_only_within_their_streets(
        demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    with session_scope(demo_db) as s:
        scope = set(s.scalar(select(orm.AppUser.streets).where(orm.AppUser.username == "coordinator2")).split(","))
    gaps = call(demo_db, load_gaps).community
    street_of = dict(zip(gaps["code"], gaps["street_code"], strict=True))
    outside = sorted(set(street_of.values()) - scope)[0]
    assert main(["--database-url", demo_db, "plan", "--apply", "--user", "coordinator2", "--reason", "夜间统一调配",
                 "--streets", outside]) == 2
    assert outside in _one_line(capsys.readouterr().err)
    assert _batches(demo_db) == []
    assert main(["--database-url", demo_db, "plan", "--format", "json", "--apply", "--user", "coordinator2",
                 "--reason", "夜间统一调配"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["moves"], "the demo's two streets have something to move"
    assert all(street_of[m["from"]] in scope and street_of[m["to"]] in scope for m in out["moves"])
    [batch] = _batches(demo_db)
    assert (batch.actor, batch.moves) == ("coordinator2", len(out["moves"]))
    moves = _audit(demo_db, "staff.move")
    assert {m.actor for m in moves} == {"coordinator2"} and len(moves) == len(out["moves"])


def test_as_system_is_explicit_and_audited_as_the_system(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", demo_db, "import", "staff", str(FIXTURES / "staff_messy.csv"), "--into-demo",
                 "--as-system"]) == 0
    assert {a.actor for a in _audit(demo_db, "import.staff")} == {f"system:cli:{os_user()}"}
    capsys.readouterr()
    assert main(["--database-url", demo_db, "import", "staff", str(FIXTURES / "staff_messy.csv"), "--into-demo"]) == 2
    assert "--as-system" in _one_line(capsys.readouterr().err)
    assert main(["--database-url", demo_db, "alerts", "sync", "--as-system"]) == 0
    with session_scope(demo_db) as s:
        actors = set(s.scalars(select(orm.AuditLog.actor).where(orm.AuditLog.action.like("alert%"))))
    assert actors <= {f"system:cli:{os_user()}", "system"}


def test_a_personal_data_export_needs_a_coordinator_and_is_audited(
        demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "人员.csv"
    export = ["--database-url", demo_db, "export", "staff", "-o", str(out), "--with-personal-data"]
    assert main([*export, "--user", "clerk"]) == 2
    assert "clerk" in _one_line(capsys.readouterr().err)
    assert main(export) == 2
    _one_line(capsys.readouterr().err)
    assert main([*export, "--as-system"]) == 2  # a person answers for a list of names and phones
    _one_line(capsys.readouterr().err)
    assert not out.exists() and _audit(demo_db, "export.personal_data") == []
    assert main([*export, "--user", "coordinator"]) == 0
    rows = sum(1 for _ in out.open(encoding="utf-8-sig")) - 1
    [entry] = _audit(demo_db, "export.personal_data")
    assert entry.actor == "coordinator" and entry.entity_id == "staff"
    assert entry.after["kind"] == "staff" and entry.after["rows"] == rows > 0
    with session_scope(demo_db) as s:
        phone = s.scalar(select(orm.Staff.phone).where(orm.Staff.phone.is_not(None)).limit(1))
    assert phone and phone not in json.dumps(entry.after, ensure_ascii=False)
    assert main(["--database-url", demo_db, "export", "staff", "-o", str(tmp_path / "masked.csv")]) == 0  # masked: no account
    assert len(_audit(demo_db, "export.personal_data")) == 1


def test_the_first_account_of_an_empty_database_is_made_at_the_shell(empty_sqlite: str) -> None:
    import io
    import sys

    assert main(["--database-url", empty_sqlite, "init"]) == 0
    stdin, sys.stdin = sys.stdin, io.StringIO("a-long-password-1\n")
    try:
        assert main(["--database-url", empty_sqlite, "user", "add", "chief", "--role", "admin", "--password-stdin"]) == 0
    finally:
        sys.stdin = stdin
    with session_scope(empty_sqlite) as s:
        assert s.scalar(select(func.count()).select_from(orm.AppUser)) == 1
        assert s.scalar(select(orm.AuditLog.actor).where(orm.AuditLog.action == "user.add")) == f"cli:{os_user()}"
