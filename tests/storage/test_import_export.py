"""`fangxian export`: the exchange format with Chinese headers, masked phones, and a round trip
through `fangxian import` that changes nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.cli.main import main
from tests.storage.test_import_service import snapshot


@pytest.mark.parametrize(("kind", "fmt"), [("communities", "csv"), ("staff", "xlsx"), ("incidents", "csv")])
def test_an_export_imports_back_without_changing_anything(demo_db: str, kind: str, fmt: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"{kind}.{fmt}"
    assert main(["--database-url", demo_db, "export", kind, "--format", fmt, "-o", str(out)]) == 0
    before = snapshot(demo_db)
    assert main(["--database-url", demo_db, "import", kind, str(out), "--into-demo", "--as-system"]) == 0
    assert "新增 0 条，更新 0 条" in capsys.readouterr().out
    after = snapshot(demo_db)
    assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in before.items() if k != "audit_log"}


def test_phones_are_masked_unless_personal_data_is_asked_for(demo_db: str, tmp_path: Path) -> None:
    masked, full = tmp_path / "m.csv", tmp_path / "f.csv"
    assert main(["--database-url", demo_db, "export", "staff", "-o", str(masked)]) == 0
    assert main(["--database-url", demo_db, "export", "staff", "-o", str(full), "--with-personal-data",
                 "--user", "admin"]) == 0
    m = pd.read_csv(masked, dtype=str, encoding="utf-8-sig")
    f = pd.read_csv(full, dtype=str, encoding="utf-8-sig")
    assert list(m.columns) == ["编号", "姓名", "类别", "派出单位", "所在社区", "联系电话", "居住地经度", "居住地纬度",
                               "可调配", "在岗", "技能"]
    assert m["联系电话"].str.fullmatch(r"\d{3}\*{4}\d{4}").all()
    assert f["联系电话"].str.fullmatch(r"1\d{10}").all()
    assert (m["联系电话"].str[-4:] == f["联系电话"].str[-4:]).all()


def test_an_xlsx_export_needs_an_output_file(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", demo_db, "export", "staff", "--format", "xlsx"]) == 2
    assert "-o" in capsys.readouterr().err
