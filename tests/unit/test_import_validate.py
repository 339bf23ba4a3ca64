"""Validation collects every problem of a file, located by spreadsheet row and header as written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.i18n import error_text
from core.services.importer.problems import ImportRefused
from core.services.importer.reading import read_table
from core.services.importer.validate import validate
from tests.unit.test_import_reading import FIXTURES, write_variants

KNOWN = pd.DataFrame({"code": ["420102001001", "420102001002", "420102001003"],
                      "name": ["中山社区", "锦绣社区", "中山社区"]})  # one name used twice


def _problems(path: Path, kind: str, **kw: object) -> set[tuple[int, str]]:
    with pytest.raises(ImportRefused) as err:
        validate(read_table(path), kind, communities=KNOWN, **kw)  # type: ignore[arg-type]
    return {(p.row, p.column) for p in err.value.problems}


@pytest.mark.parametrize("variant", ["utf8", "bom", "gbk", "xlsx"])
def test_messy_but_valid_communities_are_accepted_in_every_format(variant: str, tmp_path: Path) -> None:
    path = write_variants(FIXTURES / "communities_messy.csv", tmp_path)[variant]
    v = validate(read_table(path), "communities")
    f = v.frame
    assert f["code"].tolist() == ["420102001001", "420102901001", "420102901002"]
    assert f["name"].tolist() == ["中山社区", "新兴社区", "江滩社区（东）"]
    assert f["population"].tolist() == [12345, 8650, 10240]
    assert f["households"].tolist() == [4160, 3120, 3870]
    assert f["risk_level"].tolist() == ["medium", "low", "medium"]
    assert f["checkpoints"].tolist() == [4, 2, 6]
    assert f["lon"].round(4).tolist() == [114.2881, 114.2951, 114.2983]
    assert f["_row"].tolist() == [2, 3, 4]
    assert "isolated_households" in v.given and "street" in v.given


def test_a_bad_communities_file_is_refused_with_every_problem_located() -> None:
    assert _problems(FIXTURES / "communities_bad.csv", "communities") == {
        (2, "常住人口"),
        (3, "户数"), (3, "风险等级"),
        (4, "社区编码"),  # duplicate of row 2
        (5, "社区编码"), (5, "经度"),  # missing code; latitude and longitude swapped
        (7, "街道"), (7, "纬度"), (7, "卡点数"),
    }


def test_problem_lines_name_file_row_column_and_cause() -> None:
    with pytest.raises(ImportRefused) as err:
        validate(read_table(FIXTURES / "communities_bad.csv"), "communities")
    lines = err.value.lines()
    assert "communities_bad.csv 第 2 行 「常住人口」：“abc” 不是整数" in lines
    assert "communities_bad.csv 第 4 行 「社区编码」：“420102901001” 在本文件中重复（第 2 行已有）" in lines
    assert [int(line.split()[2]) for line in lines] == sorted(int(line.split()[2]) for line in lines)


def test_problem_lines_are_given_in_english_too() -> None:
    with pytest.raises(ImportRefused) as err:
        validate(read_table(FIXTURES / "communities_bad.csv"), "communities")
    lines = err.value.lines("en")
    assert "communities_bad.csv, row 2, column “常住人口”: “abc” is not a whole number" in lines
    assert error_text(err.value, "zh").startswith(f"导入被拒绝：共 {len(lines)} 处问题，数据库未改动（首个：")


def test_messy_but_valid_staff_are_cleaned() -> None:
    v = validate(read_table(FIXTURES / "staff_messy.csv"), "staff", communities=KNOWN)
    f = v.frame
    assert f["id"].tolist() == ["T0000001", "T0000002", "T0000003", "T0000004"]
    assert f["kind"].tolist() == ["cadre", "volunteer", "community_worker", "cadre"]
    assert f["volunteer_type"].fillna("-").tolist() == ["-", "women", "-", "-"]
    assert f["phone"].fillna("-").tolist() == ["13800138000", "15912345678", "02782345678", "-"]
    assert f["movable"].tolist() == [True, False, False, True]
    assert f["on_duty"].tolist() == [True, True, True, False]
    assert f["skills"].fillna("-").tolist() == ["driving,medical", "psychology", "-", "driving,it"]


def test_a_bad_staff_file_names_every_bad_cell_and_unknown_community() -> None:
    assert _problems(FIXTURES / "staff_bad.csv", "staff") == {
        (2, "联系电话"),
        (3, "姓名"), (3, "类别"), (3, "所在社区"), (3, "可调配"), (3, "技能"),
        (4, "编号"), (4, "居住地纬度"),
    }


def test_a_community_may_be_named_instead_of_coded_unless_the_name_is_ambiguous(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("编号,姓名,类别,所在社区\nA1,甲,网格员,锦绣社区\nA2,乙,网格员,中山社区\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as err:
        validate(read_table(path), "staff", communities=KNOWN)
    assert [(p.row, p.key, dict(p.params)) for p in err.value.problems] == [
        (3, "importer.community_name_ambiguous", {"name": "中山社区"})]
    path.write_text("编号,姓名,类别,所在社区\nA1,甲,网格员,锦绣社区\n", encoding="utf-8")
    assert validate(read_table(path), "staff", communities=KNOWN).frame["community_code"].tolist() == ["420102001002"]


def test_incidents_with_text_dates_and_aliases_are_accepted() -> None:
    f = validate(read_table(FIXTURES / "incidents_messy.csv"), "incidents", communities=KNOWN).frame
    assert f["type"].tolist() == ["fever_case", "service_overdue", "quarantine_breach"]
    assert f["severity"].tolist() == ["high", "low", "critical"]
    assert f["status"].tolist() == ["closed", "in_progress", "reported"]
    assert f["reported_at"].tolist() == [pd.Timestamp("2026-11-28 08:30"), pd.Timestamp("2026-11-29 09:10"),
                                         pd.Timestamp("2026-11-29")]
    assert f["resolved_at"].iat[0] == pd.Timestamp("2026-11-28 11:05") and pd.isna(f["resolved_at"].iat[1])


def test_a_bad_incidents_file_reports_early_resolution_and_unknown_words() -> None:
    assert _problems(FIXTURES / "incidents_bad.csv", "incidents") == {
        (2, "办结时间"), (3, "事件类型"), (3, "严重程度"), (3, "上报时间"),
    }


def test_gcj02_coordinates_are_converted_to_wgs84(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("社区编码,社区名称,街道,经度,纬度\nC1,甲,乙,114.30,30.59\n", encoding="utf-8")
    wgs = validate(read_table(path), "communities").frame
    gcj = validate(read_table(path), "communities", datum="gcj02").frame
    assert wgs["lon"].iat[0] == pytest.approx(114.30)
    # around Wuhan GCJ-02 lies about 500 m east and 250 m south of WGS-84
    assert 0.003 < wgs["lon"].iat[0] - gcj["lon"].iat[0] < 0.008
    assert 0.001 < gcj["lat"].iat[0] - wgs["lat"].iat[0] < 0.005


def test_a_file_with_only_a_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("编号,姓名,类别\n,,\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as err:
        validate(read_table(path), "staff", communities=KNOWN)
    assert err.value.lines() == ["empty.csv 全文件：只有表头，没有数据行"]
