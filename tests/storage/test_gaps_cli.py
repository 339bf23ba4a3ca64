"""`fangxian gaps` prints the agreed columns as CSV or JSON and refuses bad input with exit code 2."""

from __future__ import annotations

import csv
import io
import json

import pytest

from core.cli.main import main


def _run(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    code = main(["--database-url", url, "gaps", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("level", ["grid", "community", "street"])
def test_gaps_csv_has_the_agreed_columns_sorted_by_gap(demo_sqlite, capsys, level) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(capsys, demo_sqlite, "--level", level, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"code", "name", "street", "required", "available", "gap", "movable_surplus"} <= set(rows[0])
    gaps = [int(r["gap"]) for r in rows]
    assert gaps == sorted(gaps, reverse=True)
    assert all(int(r["required"]) - int(r["available"]) == int(r["gap"]) for r in rows)
    assert len(rows) == {"grid": 1033, "community": 180, "street": 16}[level]


def test_gaps_json_for_one_street_on_a_past_day(demo_sqlite, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(capsys, demo_sqlite, "--level", "community", "--date", "2026-11-20",
                        "--street", "420102001", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert rows and {r["street"] for r in rows} == {"大智街道"}
    _, today_out, _ = _run(capsys, demo_sqlite, "--level", "community", "--street", "420102001", "--format", "json")
    assert sum(r["required"] for r in rows) < sum(r["required"] for r in json.loads(today_out))


@pytest.mark.parametrize(("args", "message"), [
    (["--date", "2026-13-40"], "--date"),
    (["--street", "999"], "没有这些街道编码：999"),
])
def test_gaps_bad_input_exits_with_code_2(demo_sqlite, capsys, args, message) -> None:  # type: ignore[no-untyped-def]
    code, _, err = _run(capsys, demo_sqlite, *args)
    assert code == 2
    assert message in err


def test_gaps_bad_input_is_explained_in_english_when_asked(demo_sqlite, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["--database-url", demo_sqlite, "--lang", "en", "gaps", "--street", "999", "--street", "998"])
    assert code == 2
    assert capsys.readouterr().err.strip() == "Error: --street: no street has these codes: 999, 998"
