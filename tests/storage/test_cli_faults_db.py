"""The CLI's faults against a real database (issue 14 point 6): a read-only database is one line of its
own, ``-v`` never prints SQL parameters or rows (names, phones), and a GeoJSON feature that is a bare
number is a located problem (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from core.cli.main import main
from core.storage import rows as orm
from core.storage.db import dispose_engines, session_scope

ROOT = Path(__file__).resolve().parents[2]


def test_verbose_shows_no_names_phones_or_sql_parameters(demo_db: str, tmp_path: Path) -> None:
    with session_scope(demo_db) as s:
        people = s.execute(select(orm.Staff.name, orm.Staff.phone).where(orm.Staff.phone.is_not(None)).limit(50)).all()
    dispose_engines()
    out = tmp_path / "人员.csv"
    done = subprocess.run([sys.executable, "-m", "core.cli.main", "-v", "--database-url", demo_db, "export", "staff",
                           "-o", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    leaked = [p for name, phone in people for p in (name, phone) if p and p in done.stderr]
    assert leaked == []


def test_a_read_only_database_is_one_line_and_exit_1(demo_sqlite: str, tmp_path: Path) -> None:
    path = demo_sqlite.removeprefix("sqlite:///")
    url = f"sqlite:///file:{path}?mode=ro&uri=true"  # the file opened read-only, as on a read-only mount
    staff = ROOT / "data" / "templates" / "staff.csv"
    for verbose in ([], ["-v"]):
        done = subprocess.run([sys.executable, "-m", "core.cli.main", *verbose, "--database-url", url, "import", "staff",
                               str(staff), "--into-demo", "--as-system"], cwd=tmp_path, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert done.stderr.splitlines()[0] == "错误：数据库不可用或无法写入（只读、磁盘已满或连接中断），操作未完成；请检查后重试"
        assert len(done.stderr.strip().splitlines()) == 1 or verbose


def test_a_geojson_feature_that_is_a_number_is_one_located_line_with_exit_2(
        demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with session_scope(demo_db) as s:
        code = s.scalar(select(orm.Community.code).limit(1))
    square = {"type": "Polygon", "coordinates": [[[114.28, 30.58], [114.29, 30.58], [114.29, 30.59], [114.28, 30.58]]]}
    f = tmp_path / "边界.geojson"
    f.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code}, "geometry": square}, 7]}), encoding="utf-8")
    assert main(["--database-url", demo_db, "import", "boundaries", str(f), "--into-demo", "--as-system"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("边界.geojson") and "不是 GeoJSON 要素" in err
