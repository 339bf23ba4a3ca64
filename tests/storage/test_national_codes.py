"""统计用区划代码 on a real database (SQLite and PostgreSQL): a list of real 12-digit 江岸区 community
codes with Chinese street names lands under street codes 420102xxx and district 420102 (named from
the shipped county outlines) with no flags; contradictions are refused whole and located."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core.cli.main import main
from core.i18n import error_text
from core.model.actor import Actor
from core.services.importer.problems import ImportRefused
from core.services.importer.service import import_file
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import migrate, session_scope
from tests.storage.test_import_service import snapshot

CLERK = Actor("clerk-test", "录入员", frozenset({"clerk"}))
# 江岸区 codes in the 统计用区划代码 form: 420102 (county) + 3-digit street + 3-digit community
REAL = ("社区编码,社区名称,街道,常住人口\n"
        "420102002001,三德里社区,大智街道,5200\n"
        "420102002003,六合社区,大智街道,4800\n"
        "420102003002,一元社区,一元街道,6100\n"
        "420102004001,车站社区,车站街道,3900\n")


def _import(url: str, path: Path, **kw: object) -> object:
    with unit_of_work(url) as uow:
        return import_file(uow, CLERK, "communities", path, **kw)


def test_real_codes_imply_street_and_district_codes_with_no_flags(empty_db: str, tmp_path: Path) -> None:
    migrate(empty_db)
    path = tmp_path / "jiangan.csv"
    path.write_text(REAL, encoding="utf-8")
    summary = _import(empty_db, path)
    assert summary.created == 4 and summary.extra == {"district_created": 1, "streets_created": 3}  # type: ignore[attr-defined]
    with session_scope(empty_db) as s:
        district = s.execute(select(orm.District.code, orm.District.name)).one()
        streets = dict(s.execute(select(orm.Street.name, orm.Street.code)).all())
        placed = dict(s.execute(select(orm.Community.code, orm.Street.code)
                                .join(orm.Street, orm.Street.id == orm.Community.street_id)).all())
    assert tuple(district) == ("420102", "江岸区")
    assert streets == {"大智街道": "420102002", "一元街道": "420102003", "车站街道": "420102004"}
    assert all(placed[c] == c[:9] for c in placed)

    # a later file may name the street by its 9-digit code, or add a 街道编码 column that agrees
    more = tmp_path / "more.csv"
    more.write_text("社区编码,社区名称,街道,街道编码\n420102002004,新社区,大智街道,420102002\n"
                    "420102003005,另一社区,420102003,\n", encoding="utf-8")
    assert _import(empty_db, more).created == 2  # type: ignore[attr-defined]
    with session_scope(empty_db) as s:
        assert s.scalar(select(orm.Street.name).join(orm.Community, orm.Community.street_id == orm.Street.id)
                        .where(orm.Community.code == "420102003005")) == "一元街道"


@pytest.mark.parametrize(("body", "row", "column", "key"), [
    # the street column's code is not the community code's prefix
    ("社区编码,社区名称,街道\n420102002001,三德里社区,420102003\n", 2, "街道", "importer.street_code_contradicts"),
    # the 街道编码 column contradicts the community code
    ("社区编码,社区名称,街道,街道编码\n420102002001,三德里社区,大智街道,420102009\n", 2, "街道编码",
     "importer.street_code_contradicts"),
    # one street name under two codes in one file
    ("社区编码,社区名称,街道\n420102002001,三德里社区,大智街道\n420102003002,一元社区,大智街道\n", 3, "街道",
     "importer.street_two_codes"),
    # a community of another district (江汉区 420103) in a 江岸区 list
    ("社区编码,社区名称,街道\n420102002001,三德里社区,大智街道\n420103001001,民族社区,民族街道\n", 3, "社区编码",
     "importer.community_other_district"),
])
def test_contradictions_are_refused_whole_and_located(empty_db: str, tmp_path: Path, body: str, row: int,
                                                      column: str, key: str) -> None:
    migrate(empty_db)
    path = tmp_path / "bad.csv"
    path.write_text(body, encoding="utf-8")
    before = snapshot(empty_db)
    with pytest.raises(ImportRefused) as refused:
        _import(empty_db, path)
    assert [(p.row, p.column, p.key) for p in refused.value.problems] == [(row, column, key)]
    assert "bad.csv" in error_text(refused.value.problems[0].located())
    assert snapshot(empty_db) == before


def test_a_street_the_database_knows_under_another_name_is_refused(empty_db: str, tmp_path: Path) -> None:
    migrate(empty_db)
    first = tmp_path / "a.csv"
    first.write_text(REAL, encoding="utf-8")
    _import(empty_db, first)
    renamed = tmp_path / "b.csv"
    renamed.write_text("社区编码,社区名称,街道\n420102002009,新社区,大智街道办事处\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        _import(empty_db, renamed)
    assert [p.key for p in refused.value.problems] == ["importer.street_code_named_otherwise"]


def test_the_cli_names_the_district_from_the_flag_over_the_outlines(empty_sqlite: str, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "jiangan.csv"
    path.write_text(REAL, encoding="utf-8")
    assert main(["--database-url", empty_sqlite, "import", "communities", str(path), "--district-name", "江岸",
                 "--as-system"]) == 0
    with session_scope(empty_sqlite) as s:
        assert tuple(s.execute(select(orm.District.code, orm.District.name)).one()) == ("420102", "江岸")
    bad = tmp_path / "bad.csv"
    bad.write_text("社区编码,社区名称,街道\n420102002001,三德里社区,420102003\n", encoding="utf-8")
    assert main(["--database-url", empty_sqlite, "import", "communities", str(bad), "--as-system"]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "第 2 行" in err and "街道" in err
