"""The bulk paths of the staff import on SQLite and PostgreSQL: a big file is written with COPY /
one executemany and audited in the compact change record, and still reads back exactly as the
per-row path would; a re-import with 1 % changed rows changes exactly those; a bad row near the end
leaves the database untouched with the same located message; the fast CSV reader reads what the
csv module reads."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import func, select

from core.cli.bench.importing import _district_files
from core.services.importer.change_record import RECORD_ENTITY, ROW_ENTRIES_MAX, rows_of
from core.services.importer.problems import ImportRefused
from core.services.importer.reading import _grid_frame, _read_csv_fast
from core.storage import rows as orm
from core.storage.db import migrate, session_scope
from tests.storage.test_import_service import NOW, run

ROWS = ROW_ENTRIES_MAX + 1_000  # above the per-row audit limit: the compact record is written


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("fast")
    communities, staff, changed, district = _district_files(ROWS, out, 42)
    return {"communities": communities, "staff": staff, "changed": changed, "district": district}


@pytest.fixture
def loaded(empty_db: str, files: dict[str, Any]) -> str:
    migrate(empty_db)
    run(empty_db, "communities", files["communities"], into_demo=False, **files["district"])
    return empty_db


def _staff(url: str) -> pd.DataFrame:
    with session_scope(url) as s:
        got = s.execute(select(orm.Staff.code, orm.Staff.phone, orm.Staff.on_duty, orm.Staff.movable,
                               orm.Staff.home_lon, orm.Staff.skills, orm.Staff.version, orm.Community.code)
                        .outerjoin(orm.Community, orm.Community.id == orm.Staff.community_id)
                        .order_by(orm.Staff.code)).all()
    return pd.DataFrame(got, columns=["code", "phone", "on_duty", "movable", "home_lon", "skills", "version",
                                      "community"])


def _batch(url: str, action: str = "import.staff") -> list[dict[str, Any]]:
    """The entries of the last batch of ``action``, in order."""
    with session_scope(url) as s:
        batch = s.scalar(select(orm.AuditLog.batch_id).where(orm.AuditLog.action == action)
                         .order_by(orm.AuditLog.id.desc()).limit(1))
        got = s.execute(select(orm.AuditLog.entity, orm.AuditLog.entity_id, orm.AuditLog.community_code,
                               orm.AuditLog.before, orm.AuditLog.after)
                        .where(orm.AuditLog.batch_id == batch).order_by(orm.AuditLog.id)).all()
    return [dict(r._mapping) for r in got]


def _count(url: str, model: Any) -> int:
    with session_scope(url) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_a_big_file_is_written_whole_with_its_history_and_one_compact_change_record(
        loaded: str, files: dict[str, Any]) -> None:
    summary = run(loaded, "staff", files["staff"], into_demo=False)
    assert (summary.created, summary.updated, summary.unchanged) == (ROWS, 0, 0)
    source = pd.read_csv(files["staff"], dtype=str, keep_default_na=False)
    stored = _staff(loaded)
    assert stored["code"].tolist() == sorted(source["编号"])
    by_code = source.set_index("编号").loc[stored["code"]]
    assert stored["phone"].tolist() == by_code["联系电话"].tolist()
    assert stored["on_duty"].tolist() == (by_code["在岗"] == "是").tolist()
    assert stored["community"].tolist() == by_code["所在社区"].tolist()
    assert (stored["version"] == 1).all()
    assert _count(loaded, orm.Assignment) == ROWS and _count(loaded, orm.DutyChange) == ROWS
    entries = _batch(loaded)
    assert [e["entity"] for e in entries] == [*["unit"] * (len(entries) - 2), RECORD_ENTITY, "file"]
    rows = [r for r in rows_of(entries) if r["entity"] == "staff"]
    assert [r["entity_id"] for r in rows] == source["编号"].tolist()  # every created row, in file order
    first = rows[0]
    assert first["before"] is None and first["community_code"] == source["所在社区"].iat[0]
    assert first["after"]["phone"] == source["联系电话"].iat[0][:3] + "****" + source["联系电话"].iat[0][-4:]
    assert first["after"]["code"] == source["编号"].iat[0] and first["after"]["name"] == source["姓名"].iat[0]
    assert entries[-1]["after"] == {"created": ROWS, "updated": 0, "unchanged": 0,
                                    "units_created": len(entries) - 2}


def test_a_reimport_with_one_percent_changed_changes_exactly_those_rows_and_audits_each(
        loaded: str, files: dict[str, Any]) -> None:
    run(loaded, "staff", files["staff"], into_demo=False)
    before = _staff(loaded).set_index("code")
    duty_before = _count(loaded, orm.DutyChange)
    again = run(loaded, "staff", files["staff"], into_demo=False, now=NOW.replace(hour=11))
    assert (again.created, again.updated, again.unchanged) == (0, 0, ROWS)
    changed = run(loaded, "staff", files["changed"], into_demo=False, now=NOW.replace(hour=12))
    after = _staff(loaded).set_index("code")
    source = pd.read_csv(files["staff"], dtype=str, keep_default_na=False).set_index("编号")
    edited = pd.read_csv(files["changed"], dtype=str, keep_default_na=False).set_index("编号")
    differs = sorted(source.index[(source != edited).any(axis=1)])
    assert (changed.created, changed.updated, changed.unchanged) == (0, len(differs), ROWS - len(differs))
    moved = sorted(after.index[(after[["phone", "on_duty", "version"]] != before[["phone", "on_duty", "version"]])
                   .any(axis=1)])
    assert moved == differs
    assert (after.loc[differs, "version"] == 2).all()
    assert after.loc[differs, "phone"].tolist() == edited.loc[differs, "联系电话"].tolist()
    assert _count(loaded, orm.DutyChange) == duty_before + len(differs)
    entries = _batch(loaded)
    rows = rows_of(entries)
    assert sorted(r["entity_id"] for r in rows) == differs  # one entry per changed row, nothing else
    assert all(set(r["after"]) == {"phone", "on_duty"} and r["after"]["phone"].count("*") == 4 for r in rows)
    assert RECORD_ENTITY not in {e["entity"] for e in entries}  # few rows: one entry each, as before


def test_a_big_change_is_audited_in_the_compact_record_with_before_and_after(
        loaded: str, files: dict[str, Any], tmp_path: Path) -> None:
    run(loaded, "staff", files["staff"], into_demo=False)
    table = pd.read_csv(files["staff"], dtype=str, keep_default_na=False)
    table["联系电话"] = [f"137{i:08d}" for i in range(len(table))]
    path = tmp_path / "all_phones.csv"
    table.to_csv(path, index=False)
    summary = run(loaded, "staff", path, into_demo=False, now=NOW.replace(hour=13))
    assert summary.updated == ROWS
    rows = rows_of(_batch(loaded))
    assert len(rows) == ROWS and rows[0]["entity"] == "staff"
    assert rows[0]["after"] == {"phone": "137****0000"} and rows[0]["before"]["phone"].count("*") == 4


def test_a_bad_row_near_the_end_refuses_the_file_and_leaves_the_database_untouched(
        loaded: str, files: dict[str, Any], tmp_path: Path) -> None:
    run(loaded, "staff", files["staff"], into_demo=False)
    table = pd.read_csv(files["staff"], dtype=str, keep_default_na=False)
    table.loc[len(table) - 2, "联系电话"] = "12345"
    table.loc[len(table) - 2, "在岗"] = ""
    table["编号"] = table["编号"].str.replace("B", "C")  # every row would be new
    path = tmp_path / "bad.csv"
    table.to_csv(path, index=False)
    counts = {m: _count(loaded, m) for m in (orm.Staff, orm.Assignment, orm.DutyChange, orm.AuditLog)}
    with pytest.raises(ImportRefused) as err:
        run(loaded, "staff", path, into_demo=False)
    assert err.value.lines() == [f"bad.csv 第 {len(table)} 行 「联系电话」：“12345” 不是有效的电话号码（11 位手机号或带区号的固话）"]
    assert {m: _count(loaded, m) for m in counts} == counts


TRICKY = [
    "编号,姓名,类别\nA1,\"张,三\",网格员\n\nA2,\"李\"\"四\",网格员\n",
    "编号,姓名,类别\r\nA1,\"多\r\n行\",网格员\r\nA2,王五\r\n",
    "\n\n编号,姓名,类别\nA1,赵六,网格员,\n",
    "编号\t姓名\t类别\nA1\t钱七\t网格员\n",
    "编号,姓名,类别\nA1,孙 八 ,社工\nA2,,\n,,\n",
]


@pytest.mark.parametrize("text", TRICKY)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_the_fast_csv_reader_reads_what_the_csv_module_reads(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    delimiter = "\t" if "\t" in text.split("\n", 1)[0] else ","
    fast = _read_csv_fast(data, delimiter, "gb18030" if encoding == "gb18030" else "utf-8-sig")
    slow = _grid_frame([list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)])
    if fast is None:  # a file the fast path leaves to the csv module
        return
    assert fast.fillna("").astype(object).values.tolist() == slow.values.tolist()


@pytest.mark.parametrize("fixture", sorted(p.name for p in Path(__file__).resolve().parents[1].joinpath(
    "fixtures", "import").glob("*.csv")))
def test_every_fixture_reads_the_same_on_the_fast_path(fixture: str, tmp_path: Path) -> None:
    src = Path(__file__).resolve().parents[1] / "fixtures" / "import" / fixture
    data = src.read_bytes()
    try:
        text = data.decode("utf-8-sig")
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        text, encoding = data.decode("gb18030"), "gb18030"
    delimiter = "\t" if "\t" in text.split("\n", 1)[0] and "," not in text.split("\n", 1)[0] else ","
    fast = _read_csv_fast(data, delimiter, encoding)
    if fast is None:
        shutil.copy(src, tmp_path / fixture)  # left to the csv module: nothing to compare
        return
    slow = _grid_frame([list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)])
    assert fast.fillna("").astype(object).values.tolist() == slow.values.tolist()


def test_the_audit_report_shows_the_compact_record_by_its_size_not_its_base64(
        loaded: str, files: dict[str, Any]) -> None:
    from core.model.actor import Actor
    from core.services import audit_report
    from core.services.uow import unit_of_work

    run(loaded, "staff", files["staff"], into_demo=False)
    admin = Actor("audit-reader", "审计员", frozenset({"admin"}))
    with unit_of_work(loaded) as uow:
        df = audit_report.entries(uow, admin, audit_report.AuditFilter(actions=("import.staff",)))
    packed = df[df["entity"] == RECORD_ENTITY]
    assert len(packed)
    line = packed["changes"].iat[0]
    assert "压缩的逐行变更记录" in line and len(line) < 300  # the size, not kilobytes of base64
    assert len(packed["after"].iat[0]) > 10_000  # the CSV's raw column still has it all
