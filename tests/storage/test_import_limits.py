"""Issue 14, point 3: the same cells are refused with the same lines on SQLite and PostgreSQL, before
either database is asked (SQLite stored a 10,000-character name, a NUL byte and a population of 10**12;
PostgreSQL failed with a DataError traceback after ``--dry-run`` had said 检查通过), by the import, by
its dry run and by the CLI (exit 2), and the database is untouched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from core.cli.main import main
from core.model.actor import Actor
from core.model.errors import InvalidInput
from core.services.importer.problems import ImportRefused
from core.services.importer.service import import_file
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import migrate, session_scope
from tests.storage.test_import_service import snapshot

CLERK = Actor("clerk-test", "录入员", frozenset({"clerk"}))
NOW = dt.datetime(2026, 11, 29, 10, 0)
TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"
HEAD = "社区编码,社区名称,街道,常住人口,户数,经度,纬度"
#: the four cells issue 14 found stored on SQLite and a traceback on PostgreSQL
BAD_ROWS = (
    "420102001001,{long},大智街道,8650,3120,114.2951,30.5882",
    "420102001002,江汉\x00社区,大智街道,10240,3870,114.2983,30.5901",
    "420102001003,新华社区,大智街道,1000000000000,3000,114.2990,30.5910",
    "420102001004,花桥社区,大智街道,9000,3000,inf,30.5920",
)
EXPECTED = [
    "bad.csv 第 2 行 「社区名称」：内容过长：10000 个字，此列最多 100 个字",
    "bad.csv 第 3 行 「社区名称」：含有不可见的控制字符（U+0000，第 3 个字），请删除后再导入",
    "bad.csv 第 4 行 「常住人口」：“1000000000000” 不能大于 100000000",
    "bad.csv 第 5 行 「经度」：“inf” 不是有限的数字",
]


def _run(url: str, path: Path, **kw: object) -> object:
    with unit_of_work(url) as uow:
        return import_file(uow, CLERK, "communities", path, now=NOW, district_name="江岸区",
                           district_code="420102", **kw)  # type: ignore[arg-type]


@pytest.fixture
def district(empty_db: str) -> str:
    migrate(empty_db)
    _run(empty_db, TEMPLATES / "communities.csv")
    return empty_db


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    rows = [r.format(long="长" * 10_000) for r in BAD_ROWS]
    path.write_text("\n".join([HEAD, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_import_and_its_dry_run_refuse_the_same_cells_on_both_backends(
        district: str, bad_file: Path, dry_run: bool) -> None:
    before = snapshot(district)
    with pytest.raises(ImportRefused) as err:
        _run(district, bad_file, dry_run=dry_run)
    assert err.value.lines() == EXPECTED
    assert snapshot(district) == before


@pytest.mark.parametrize("dry_run", [["--as-system"], ["--dry-run"]])
def test_the_cli_exits_2_with_one_line_per_cell_and_no_traceback(
        district: str, bad_file: Path, dry_run: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(district)
    code = main(["--database-url", district, "import", "communities", str(bad_file), *dry_run])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines[:-1] == EXPECTED and lines[-1].startswith("bad.csv：共 4 处问题")
    assert "Traceback" not in err
    assert snapshot(district) == before


def test_the_largest_values_the_limits_allow_are_stored_whole_on_both_backends(district: str, tmp_path: Path) -> None:
    path = tmp_path / "edge.csv"
    name = "长" * 100
    path.write_text(f"{HEAD}\n420102001001,{name},大智街道,100000000,10000000,114.2951,30.5882\n", encoding="utf-8")
    assert _run(district, path, dry_run=True).updated == 1  # type: ignore[attr-defined]
    assert _run(district, path).updated == 1  # type: ignore[attr-defined]
    with session_scope(district) as s:
        row = s.execute(select(orm.Community).where(orm.Community.code == "420102001001")).scalar_one()
        assert (row.name, row.population, row.households) == (name, 10**8, 10**7)


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_district_name_the_database_cannot_hold_is_refused_by_the_dry_run_too(
        empty_db: str, dry_run: bool) -> None:
    migrate(empty_db)
    with pytest.raises(InvalidInput) as err, unit_of_work(empty_db) as uow:
        import_file(uow, CLERK, "communities", TEMPLATES / "communities.csv", now=NOW, dry_run=dry_run,
                    district_name="区" * 101)
    assert err.value.key == "importer.limits.option_invalid"
    with session_scope(empty_db) as s:
        assert s.scalars(select(orm.District)).all() == []


def test_merged_cells_fill_down_into_the_database_and_the_summary_says_so(district: str, tmp_path: Path) -> None:
    """Issue 14, point 5: a 所在社区 merged over three rows (as Chinese offices do) gives all three
    people that community, and the summary counts the merge."""
    from openpyxl import Workbook

    from core.i18n import translate

    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "姓名", "类别", "所在社区"])
    for code, name in (("M1", "张一"), ("M2", "张二"), ("M3", "张三")):
        ws.append([code, name, "下沉干部", "江汉社区" if code == "M1" else None])
    ws.merge_cells("D2:D4")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    with unit_of_work(district) as uow:
        summary = import_file(uow, CLERK, "staff", path, now=NOW)
    assert summary.extra["merged_cells"] == 1
    assert "合并单元格已按左上角的值填充：1 处" in summary.text(lambda k, **p: translate(k, "zh", **p))
    with session_scope(district) as s:
        got = dict(s.execute(select(orm.Staff.code, orm.Community.code).join(
            orm.Community, orm.Staff.community_id == orm.Community.id).where(orm.Staff.code.in_(["M1", "M2", "M3"]))).all())
    assert got == {"M1": "420102001002", "M2": "420102001002", "M3": "420102001002"}


def test_a_formula_without_a_value_refuses_the_file_and_writes_nothing(district: str, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEAD.split(","))
    ws.append(["420102001001", "大智社区", "大智街道", "=3000*3", 3120, 114.2951, 30.5882])
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    before = snapshot(district)
    with pytest.raises(ImportRefused) as err:
        _run(district, path, dry_run=False)
    assert [(p.row, p.column, p.params["cell"]) for p in err.value.problems] == [(2, "常住人口", "D2")]
    assert snapshot(district) == before
