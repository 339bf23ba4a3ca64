"""Every expected failure of the CLI is one line in the user's language, exit 2 (bad input) or 1 (a
fault), never a traceback, never SQL parameters, names or phones on stderr (issue 14 point 6); ``-v``
adds where it happened with personal data masked."""

from __future__ import annotations

import errno
import json
import sqlite3
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from core.cli import main as cli
from core.cli.redact import redact
from core.services.importer import boundaries
from core.services.importer.problems import ImportRefused

SECRET_NAME, SECRET_PHONE = "张三丰", "13812345678"
STATEMENT = "INSERT INTO staff (code, name, phone) VALUES (?, ?, ?)"
PARAMS = ("S0001", SECRET_NAME, SECRET_PHONE)


def _with_command(monkeypatch: pytest.MonkeyPatch, fn: Any) -> None:
    mod = types.ModuleType("fx_fault_command")

    def register(sub: Any) -> None:
        sub.add_parser("boom").set_defaults(func=fn)

    mod.register = register  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fx_fault_command", mod)
    monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "fx_fault_command"))


def _raises(exc: BaseException) -> Any:
    def fn(args: Any) -> int:
        raise exc

    return fn


FAULTS = {
    # two imports of the same new rows at once: the second insert hits the unique index
    "overlapping imports": (IntegrityError(STATEMENT, PARAMS, sqlite3.IntegrityError("UNIQUE constraint failed: staff.code")),
                            "另一项写入同时进行"),
    "read-only database": (OperationalError(STATEMENT, PARAMS, sqlite3.OperationalError("attempt to write a readonly database")),
                           "数据库不可用或无法写入"),
    "disk full": (OperationalError(STATEMENT, PARAMS, sqlite3.OperationalError("database or disk is full")),
                  "数据库不可用或无法写入"),
    "terminated PostgreSQL backend": (OperationalError(STATEMENT, {"name": SECRET_NAME, "phone": SECRET_PHONE},
                                                       Exception("terminating connection due to administrator command")),
                                      "数据库不可用或无法写入"),
    "disk full writing a file": (OSError(errno.ENOSPC, "No space left on device"), "无法写入文件"),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_each_fault_is_one_line_without_parameters(name: str, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    exc, words = FAULTS[name]
    _with_command(monkeypatch, _raises(exc))
    assert cli.main(["boom"]) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith("错误：") and words in err
    assert "Traceback" not in err and SECRET_NAME not in err and SECRET_PHONE not in err
    assert cli.main(["-v", "boom"]) == cli.EXIT_ERROR  # the detail, masked
    err = capsys.readouterr().err
    assert words in err.splitlines()[0] and type(exc).__name__ in err
    assert "Traceback" not in err and SECRET_NAME not in err and SECRET_PHONE not in err


def test_a_broken_pipe_is_no_fault(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _with_command(monkeypatch, _raises(BrokenPipeError(errno.EPIPE, "Broken pipe")))  # `fangxian export staff | head`
    assert cli.main(["boom"]) == cli.EXIT_OK
    assert capsys.readouterr().err == ""


def test_a_deeply_nested_scenario_file_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "deep.json"
    f.write_text('{"format": "fangxian-scenario/1", "name": "x", "changes": ' + "[" * 100_000 + "]" * 100_000 + "}",
                 encoding="utf-8")
    assert cli.main(["whatif", str(f)]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [f"错误：{f}：嵌套层级过深，不是情景文件"]


class _Imports:
    def community_refs(self) -> Any:
        import pandas as pd

        return pd.DataFrame({"code": ["420102001001"]})

    def streets(self) -> Any:
        import pandas as pd

        return pd.DataFrame({"code": ["420102001"]})

    def grids(self) -> Any:
        import pandas as pd

        return pd.DataFrame({"code": pd.Series(dtype=str)})


def test_a_geojson_feature_that_is_a_bare_number_is_a_located_problem(tmp_path: Path) -> None:
    square = {"type": "Polygon", "coordinates": [[[114.28, 30.58], [114.29, 30.58], [114.29, 30.59], [114.28, 30.58]]]}
    f = tmp_path / "边界.geojson"
    f.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "420102001001"}, "geometry": square}, 7,
        {"type": "Feature", "properties": 5, "geometry": square}]}), encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        boundaries.read(f, "wgs84", types.SimpleNamespace(imports=_Imports()))  # type: ignore[arg-type]
    problems = [(p.row, p.key) for p in refused.value.problems]
    assert (2, "importer.feature_not_object") in problems and (3, "importer.feature_code_missing") in problems
    assert refused.value.lines()[0].startswith("边界.geojson")


def test_a_deeply_nested_geojson_is_a_problem_not_a_fault(tmp_path: Path) -> None:
    f = tmp_path / "deep.geojson"
    f.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        boundaries.read(f, "wgs84", types.SimpleNamespace(imports=_Imports()))  # type: ignore[arg-type]
    assert [p.key for p in refused.value.problems] == ["importer.geojson_too_deep"]


def test_the_mask_hides_names_phones_and_quoted_values() -> None:
    text = redact(f"DETAIL: Key (phone)=({SECRET_PHONE}) already exists. [parameters: ('{SECRET_NAME}', 1)] {SECRET_NAME}")
    assert SECRET_PHONE not in text and SECRET_NAME not in text and "张**" in text
    assert redact("UNIQUE constraint failed: staff.code") == "UNIQUE constraint failed: staff.code"
    assert redact(f"call {SECRET_PHONE}") == "call 138****5678"
