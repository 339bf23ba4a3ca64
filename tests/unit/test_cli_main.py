"""The CLI's last line of defence: a fault is one line in the user's language (exit 1), never a
traceback, never the exception's text (a database error can quote names and phone numbers)."""

from __future__ import annotations

import sys
import types

import pytest

from core.cli import main as cli
from core.model.errors import InvalidInput


def _with_command(monkeypatch: pytest.MonkeyPatch, fn) -> None:  # type: ignore[no-untyped-def]
    mod = types.ModuleType("fx_fake_command")

    def register(sub) -> None:  # type: ignore[no-untyped-def]
        p = sub.add_parser("boom")
        p.set_defaults(func=fn)

    mod.register = register  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fx_fake_command", mod)
    monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "fx_fake_command"))


def _fault(args) -> int:  # type: ignore[no-untyped-def]
    raise RuntimeError("INSERT ... ('张三', '13800000000')")


def test_a_fault_is_one_chinese_line_without_the_exception_text(monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    _with_command(monkeypatch, _fault)
    assert cli.main(["boom"]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert err.strip().splitlines() == ["错误：系统故障，操作未完成；请稍后重试或联系管理员"]


def test_verbose_shows_where_but_not_what(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _with_command(monkeypatch, _fault)
    assert cli.main(["-v", "--lang", "en", "boom"]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert err.startswith("Error: System fault") and "_fault" in err and "RuntimeError" in err
    assert "张三" not in err and "13800000000" not in err


def test_bad_input_exits_2_with_its_sentence(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def bad(args) -> int:  # type: ignore[no-untyped-def]
        raise InvalidInput("whatif.file_invalid", file="x.json", cause=InvalidInput())

    _with_command(monkeypatch, bad)
    assert cli.main(["boom"]) == cli.EXIT_BAD_INPUT
    assert capsys.readouterr().err.strip() == "错误：x.json：输入有误，请检查后重试"


def test_english_comes_from_lang(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _with_command(monkeypatch, _fault)
    monkeypatch.delenv("FANGXIAN_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    cli.main(["boom"])
    assert capsys.readouterr().err.startswith("Error: ")
    monkeypatch.setenv("LANG", "C.UTF-8")  # a server's default stays Chinese
    cli.main(["boom"])
    assert capsys.readouterr().err.startswith("错误：")


@pytest.mark.parametrize(("argv", "want"), [
    (["bench"], "错误：缺少必需的参数：BENCH"),
    (["nosuch"], "错误：参数 COMMAND：无效的选择：'nosuch'"),
    (["gaps", "--nope"], "错误：无法识别的参数：--nope"),
    (["bench", "pages", "--repeat", "x"], "错误：参数 --repeat：无效的值：'x'"),
])
def test_a_usage_error_is_the_usage_and_one_chinese_line_exit_2(argv: list[str], want: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == cli.EXIT_BAD_INPUT
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("用法：fangxian") and lines[-1].startswith(want), lines
    assert not any(w in " ".join(lines) for w in ("error:", "usage:", "required", "invalid choice")), lines


def _parsers(parser, path=()):  # type: ignore[no-untyped-def]
    import argparse

    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, name))


def test_every_command_has_a_help_page_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """Every command and sub-command prints its help (a literal % in a help text once crashed
    ``fangxian bench --help`` with argparse's ValueError)."""
    from core.cli.argparse_zh import localise

    localise([])
    paths = [p for p, _ in _parsers(cli.build_parser())]
    assert len(paths) > 30
    for path in paths:
        with pytest.raises(SystemExit) as exc:
            cli.main([*path, "--help"])
        assert exc.value.code == 0, path
        out = capsys.readouterr().out
        assert out.startswith("用法：") and "显示本帮助并退出" in out, (path, out[:200])
