"""`fangxian user ...` and `fangxian kiosk ...`: passwords from stdin (never argv), tables, exit codes."""

from __future__ import annotations

import io
import json

import pytest

from core.cli.main import main
from core.services import identity
from tests.storage.test_identity import read, sign_in


def _run(url: str, *argv: str, stdin: str = "", monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["--database-url", url, *argv])


def test_an_admin_creates_an_account_from_the_shell_and_it_can_sign_in(
        demo_sqlite: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    rc = _run(demo_sqlite, "user", "add", "wang", "--name", "王五", "--role", "coordinator", "--role", "planner",
              "--street", "420102003", "--password-stdin", stdin="a-good-password\n", monkeypatch=monkeypatch)
    assert rc == 0 and "wang" in capsys.readouterr().out
    actor = sign_in(demo_sqlite, "wang", "a-good-password")
    assert actor.roles == {"coordinator", "planner"} and actor.streets == {"420102003"}
    assert _run(demo_sqlite, "user", "list", "--format", "json", monkeypatch=monkeypatch) == 0
    rows = {r["username"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["wang"]["display_name"] == "王五" and "password_hash" not in rows["wang"]


def test_passwords_are_asked_with_getpass_twice(demo_sqlite: str, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    answers = iter(["first-password", "other-password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert _run(demo_sqlite, "user", "passwd", "leader", monkeypatch=monkeypatch) == 2
    assert "不一致" in capsys.readouterr().err
    answers = iter(["fresh-password", "fresh-password"])
    assert _run(demo_sqlite, "user", "passwd", "leader", monkeypatch=monkeypatch) == 0
    assert sign_in(demo_sqlite, "leader", "fresh-password").username == "leader"


def test_the_command_line_has_no_password_argument() -> None:
    from core.cli.main import build_parser

    helptext = build_parser()._subparsers._group_actions[0].choices["user"].format_help()  # type: ignore[union-attr]
    with pytest.raises(SystemExit):
        main(["user", "add", "x", "--role", "leader", "--password", "secret"])
    assert "--password " not in helptext


def test_disable_and_enable_from_the_shell(demo_sqlite: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run(demo_sqlite, "user", "disable", "clerk", "--reason", "调岗", monkeypatch=monkeypatch) == 0
    assert read(demo_sqlite, identity.load_actor, "clerk") is None
    assert _run(demo_sqlite, "user", "enable", "clerk", monkeypatch=monkeypatch) == 0
    assert read(demo_sqlite, identity.load_actor, "clerk") is not None
    assert _run(demo_sqlite, "user", "set-roles", "clerk", "--role", "clerk", "--role", "leader",
                monkeypatch=monkeypatch) == 0
    assert read(demo_sqlite, identity.load_actor, "clerk").roles == {"clerk", "leader"}  # type: ignore[union-attr]


def test_bad_input_exits_with_code_two_and_a_chinese_message(
        demo_sqlite: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(demo_sqlite, "user", "add", "tiny", "--role", "leader", "--password-stdin", stdin="short\n",
                monkeypatch=monkeypatch) == 2
    assert "至少 8" in capsys.readouterr().err
    assert _run(demo_sqlite, "user", "add", "leader", "--role", "leader", "--password-stdin",
                stdin="long-enough-pw\n", monkeypatch=monkeypatch) == 2


def test_a_kiosk_token_is_shown_once_and_revoked_from_the_shell(
        demo_sqlite: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(demo_sqlite, "kiosk", "create", "一号屏", monkeypatch=monkeypatch) == 0
    out = capsys.readouterr().out
    token = out.splitlines()[1].strip()
    assert read(demo_sqlite, identity.kiosk_actor, token) is not None
    assert _run(demo_sqlite, "kiosk", "list", monkeypatch=monkeypatch) == 0
    listing = capsys.readouterr().out
    assert "一号屏" in listing and token not in listing
    assert _run(demo_sqlite, "kiosk", "revoke", "一号屏", monkeypatch=monkeypatch) == 0
    assert read(demo_sqlite, identity.kiosk_actor, token) is None


def test_the_account_commands_speak_english_when_asked(
        demo_sqlite: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(demo_sqlite, "--lang", "en", "user", "disable", "clerk", monkeypatch=monkeypatch) == 0
    assert capsys.readouterr().out.strip() == "clerk disabled"
    assert _run(demo_sqlite, "--lang", "en", "user", "add", "tiny", "--role", "leader", "--password-stdin",
                stdin="short\n", monkeypatch=monkeypatch) == 2
    assert capsys.readouterr().err.strip() == "Error: A password has at least 8 characters"
    assert _run(demo_sqlite, "user", "disable", "ghost", monkeypatch=monkeypatch) == 1
    assert capsys.readouterr().err.strip() == "错误：没有用户 ghost"


def test_user_issue_writes_the_first_passwords_to_a_new_private_file(demo_sqlite: str, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import csv
    import os

    from sqlalchemy import select

    from core.cli.main import main
    from core.storage import rows as orm
    from core.storage.db import session_scope

    with session_scope(demo_sqlite) as s:  # a short roster keeps argon2 quick
        keep = [r for r, in s.execute(select(orm.Staff.id).where(orm.Staff.kind == "grid_member")
                                      .order_by(orm.Staff.id).limit(2))]
        s.execute(orm.Staff.__table__.update().where(orm.Staff.kind == "grid_member", orm.Staff.id.not_in(keep))
                  .values(kind="community_worker", community_id=None))
        has_account = set(s.scalars(select(orm.AppUser.staff_id).where(orm.AppUser.staff_id.is_not(None))))
    out = tmp_path / "accounts.csv"
    assert main(["--database-url", demo_sqlite, "user", "issue", "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert len(rows) == len(set(keep) - has_account) >= 1 and all(r["password"] for r in rows)
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    printed = capsys.readouterr().out
    assert str(len(rows)) in printed and all(r["password"] not in printed for r in rows)
    assert main(["--database-url", demo_sqlite, "user", "issue", "-o", str(out)]) == 2  # never overwrites
