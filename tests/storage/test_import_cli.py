"""`fangxian import` end to end: exit codes, the Chinese summary and one stderr line per problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from core.cli.main import main
from core.storage import rows as orm
from core.storage.db import session_scope
from tests.storage.test_import_service import snapshot
from tests.unit.test_import_reading import FIXTURES


def test_a_bad_file_exits_2_with_every_problem_on_stderr_and_nothing_written(
        demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(demo_db)
    code = main(["--database-url", demo_db, "import", "staff", str(FIXTURES / "staff_bad.csv"), "--user", "clerk", "--into-demo"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines[0] == "staff_bad.csv 第 2 行 「联系电话」：“12345” 不是有效的电话号码（11 位手机号或带区号的固话）"
    assert "staff_bad.csv 第 3 行 「所在社区」：社区“999999999999”不存在（请先导入社区）" in lines
    assert len(lines) == 8 + 1 and lines[-1].startswith("staff_bad.csv：共 8 处问题")
    assert snapshot(demo_db) == before


def test_a_good_file_prints_the_chinese_summary_and_audits_the_named_user(
        demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--database-url", demo_db, "import", "staff", str(FIXTURES / "staff_messy.csv"), "--user", "clerk", "--into-demo"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert out.strip().startswith("导入完成：staff_messy.csv 新增 4 条，更新 0 条，未变 0 条（新建派出单位 1 个）（用时 ")
    with session_scope(demo_db) as s:
        actors = set(s.scalars(select(orm.AuditLog.actor).where(orm.AuditLog.action == "import.staff")))
    assert actors == {"clerk"}


def test_an_xlsx_with_excel_dates_and_a_named_sheet_imports(demo_db: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    wb = Workbook()
    wb.active.append(["说明：本表由街道汇总"])
    ws = wb.create_sheet("事件")
    ws.append(["事件编号", "社区编码", "事件类型", "严重程度", "状态", "上报时间", "办结时间"])
    ws.append(["Y1", 420102001001, "卡点冲突", "较重", "已上报", dt.datetime(2026, 11, 29, 7, 45), None])
    ws.append([None] * 7)
    path = tmp_path / "事件.xlsx"
    wb.save(path)
    assert main(["--database-url", demo_db, "import", "incidents", str(path), "--sheet", "事件", "--into-demo", "--as-system"]) == 0
    assert "新增 1 条" in capsys.readouterr().out
    with session_scope(demo_db) as s:
        row = s.execute(select(orm.Incident).where(orm.Incident.code == "Y1")).scalar_one()
    assert (row.type, row.severity, row.status, row.reported_at) == (
        "checkpoint_conflict", "medium", "reported", dt.datetime(2026, 11, 29, 7, 45))


def test_an_unknown_file_is_bad_input(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", demo_db, "import", "communities", "/nonexistent/x.csv", "--into-demo", "--as-system"]) == 2
    assert "找不到文件" in capsys.readouterr().err


def test_the_problems_and_the_summary_are_printed_in_english_when_asked(
        demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", demo_db, "--lang", "en", "import", "staff", str(FIXTURES / "staff_bad.csv"), "--into-demo",
                 "--as-system"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0] == ("staff_bad.csv, row 2, column “联系电话”: “12345” is not a phone number "
                        "(11-digit mobile or landline with area code)")
    assert lines[-1] == "staff_bad.csv: 8 problems; the file was not imported, the database is unchanged."
    assert main(["--database-url", demo_db, "--lang", "en", "import", "staff", str(FIXTURES / "staff_messy.csv"),
                 "--dry-run", "--into-demo"]) == 0
    assert capsys.readouterr().out.startswith("Check passed (nothing written): staff_messy.csv 4 new, 0 updated")
