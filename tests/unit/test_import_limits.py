"""Issue 14, points 3 and 5: explicit limits before any database is asked (text lengths, whole-number
ranges, finite numbers, no control characters), and nothing a file hides imported silently (mixed
encodings, merged cells, formulas without a computed value)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from core.i18n import error_text
from core.services.importer import cleaning
from core.services.importer.columns import TEXT_LIMITS, Column, Limits, limits_of
from core.services.importer.problems import ImportRefused
from core.services.importer.reading import read_table
from core.services.importer.service import ImportSummary
from core.services.importer.validate import validate

HEAD = "社区编码,社区名称,街道,常住人口,户数,经度,纬度"
GOOD = "420102001001,大智社区,大智街道,8650,3120,114.2951,30.5882"
KNOWN = pd.DataFrame({"code": ["420102001001", "420102001002"], "name": ["大智社区", "江汉社区"]})


def _csv(tmp_path: Path, *lines: str, name: str = "c.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _refused(path: Path, kind: str = "communities") -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRefused) as err:
        validate(read_table(path), kind, communities=KNOWN)
    return [(p.row, p.column, p.key) for p in err.value.problems]


# --- limits ------------------------------------------------------------------------------------


def test_the_limits_follow_the_database_columns() -> None:
    from core.services.importer.columns_people import PEOPLE_FORMATS
    from core.services.importer.columns_places import PLACE_FORMATS
    from core.services.importer.registry import KINDS

    name = Column("name", "社区名称", "text")
    assert limits_of("communities", name).max_len == 100
    assert limits_of("staff", name).max_len == 60
    assert limits_of("checkpoints", Column("code", "卡点编码", "text")).max_len == 48
    assert limits_of("incidents", Column("description", "描述", "text")).max_len == 2000
    assert limits_of("communities", Column("population", "常住人口", "int")) == Limits(200, 0, 10**8)
    assert limits_of("grids", Column("households", "户数", "int")) == Limits(200, 0, 10**7)
    assert limits_of("x", Column("n", "n", "int", minimum=1, maximum=5)) == Limits(200, 1, 5)
    # every kind's text columns are known to the table (a free text column is not listed: 2000)
    assert set(TEXT_LIMITS) == {k for k, spec in KINDS.items() if spec.format is not None}
    for fmt in (*PEOPLE_FORMATS.values(), *PLACE_FORMATS.values()):
        assert set(TEXT_LIMITS[fmt.kind]) <= {c.name for c in fmt.columns}


def test_a_name_longer_than_its_column_is_refused_without_echoing_it(tmp_path: Path) -> None:
    path = _csv(tmp_path, HEAD, GOOD.replace("大智社区", "长" * 10_000))
    assert _refused(path) == [(2, "社区名称", "importer.limits.too_long")]
    with pytest.raises(ImportRefused) as err:
        validate(read_table(path), "communities")
    assert err.value.lines() == ["c.csv 第 2 行 「社区名称」：内容过长：10000 个字，此列最多 100 个字"]
    ok = _csv(tmp_path, HEAD, GOOD.replace("大智社区", "长" * 100), name="ok.csv")
    assert validate(read_table(ok), "communities").frame["name"].str.len().tolist() == [100]


def test_a_control_character_is_refused_in_any_column_and_tab_newline_only_in_free_text(tmp_path: Path) -> None:
    path = _csv(tmp_path, HEAD, GOOD.replace("大智社区", "大智\x00社区"), GOOD.replace("420102001001", "4201\x0102001002"),
                GOOD.replace("420102001001", "420102001003").replace("8650", "86\x0050"))
    assert _refused(path) == [(2, "社区名称", "importer.limits.control_character"),
                              (3, "社区编码", "importer.limits.control_character"),
                              (4, "常住人口", "importer.limits.control_character")]
    with pytest.raises(ImportRefused) as err:
        validate(read_table(path), "communities")
    assert err.value.lines()[0] == "c.csv 第 2 行 「社区名称」：含有不可见的控制字符（U+0000，第 3 个字），请删除后再导入"
    # a line break inside a quoted cell: kept in free text (a name), refused in a code
    multi = _csv(tmp_path, HEAD, GOOD.replace("大智社区", '"大智\n社区"'),
                 GOOD.replace("420102001001", '"4201020\n01002"').replace("大智社区", "江汉社区"), name="m.csv")
    assert _refused(multi) == [(3, "社区编码", "importer.limits.control_character")]
    raw = pd.Series(["a\tb", "a\nb", "a\x7fb", "a\x85b", "ab"])
    assert cleaning.limit_errors(raw, max_len=10, free_text=True).notna().tolist() == [False, False, True, True, False]
    assert cleaning.limit_errors(raw, max_len=10).notna().tolist() == [True, True, True, True, False]


@pytest.mark.parametrize(("value", "key"), [
    ("1000000000000", "importer.limits.above_maximum"),  # 10**12: more than the database's INTEGER
    ("100000001", "importer.limits.above_maximum"),
    ("inf", "importer.limits.not_finite"),
    ("1e309", "importer.limits.not_finite"),
    ("-inf", "importer.limits.not_finite"),
    ("nan", "importer.not_integer"),
    ("99999999999999999999", "importer.limits.above_maximum"),
    ("1" * 400, "importer.limits.too_long"),
])
def test_a_population_outside_its_range_or_not_finite_is_refused_located(value: str, key: str, tmp_path: Path) -> None:
    path = _csv(tmp_path, HEAD, GOOD.replace("8650", value))
    assert _refused(path) == [(2, "常住人口", key)]


def test_the_largest_population_and_count_are_accepted_and_one_more_is_not(tmp_path: Path) -> None:
    ok = _csv(tmp_path, HEAD, GOOD.replace("8650", "100000000").replace("3120", "10000000"))
    f = validate(read_table(ok), "communities").frame
    assert (f["population"].tolist(), f["households"].tolist()) == ([10**8], [10**7])
    bad = _csv(tmp_path, HEAD, GOOD.replace("3120", "10000001"), name="b.csv")
    with pytest.raises(ImportRefused) as err:
        validate(read_table(bad), "communities")
    assert err.value.lines() == ["b.csv 第 2 行 「户数」：“10000001” 不能大于 10000000"]


@pytest.mark.parametrize("value", ["inf", "1e309", "-inf", "nan"])
def test_a_coordinate_that_is_not_a_finite_number_is_refused(value: str, tmp_path: Path) -> None:
    path = _csv(tmp_path, HEAD, GOOD.replace("114.2951", value))
    assert [(r, c) for r, c, _ in _refused(path)] == [(2, "经度")]
    values, errors = cleaning.floats(pd.Series([value, "114.5"]))
    assert errors.notna().tolist() == [True, False] and values.isna().tolist() == [True, False]


def test_the_cleaners_never_raise_on_huge_or_infinite_numbers() -> None:
    raw = pd.Series(["inf", "1e309", "1e20", "12", "", "-1"])
    values, errors = cleaning.integers(raw)
    assert [e[0] if isinstance(e, tuple) else None for e in errors] == [
        "importer.limits.not_finite", "importer.limits.not_finite", "importer.limits.above_maximum", None, None,
        "importer.below_minimum"]
    assert values.tolist()[3] == 12


def test_the_limit_lines_exist_in_english() -> None:
    raw = pd.Series(["x" * 5])
    (key, params) = cleaning.limit_errors(raw, max_len=3).iloc[0]
    from core.model.errors import InvalidInput

    assert error_text(InvalidInput(key, **params), "en") == "too long: 5 characters, this column holds at most 3"


# --- mixed encodings -----------------------------------------------------------------------------


def test_a_csv_mixing_utf8_and_gbk_rows_is_refused_naming_the_row(tmp_path: Path) -> None:
    head = "社区编码,社区名称,街道".encode()
    ascii_head = b"code,name,street"
    utf8_row = "420102001001,大智社区,大智街道".encode()
    gbk_row = "420102001002,江汉社区,大智街道".encode("gbk")
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\n".join([ascii_head, utf8_row, gbk_row]) + b"\n")
    with pytest.raises(ImportRefused) as err:
        read_table(path)
    (p,) = err.value.problems
    assert (p.row, p.key, p.params["encoding"]) == (3, "importer.mixed_encoding", "GBK")
    assert err.value.lines()[0].startswith("mixed.csv 第 3 行：文件混用了两种编码：本行是 GBK 编码")
    # the rarer encoding is named: a GBK file with one UTF-8 row pasted in (after a quoted two-line cell)
    gbk_head = head.decode().encode("gbk")
    path.write_bytes(b"\r\n".join([gbk_head, gbk_row, '420102001003,"两行\r\n社区",大智街道'.encode("gbk"),
                                   gbk_row, utf8_row, gbk_row]) + b"\r\n")
    with pytest.raises(ImportRefused) as err:
        read_table(path)
    assert [(p.row, p.params["encoding"], p.params["lines"]) for p in err.value.problems] == [(5, "UTF-8", 1)]


def test_a_whole_gbk_or_utf8_file_still_reads(tmp_path: Path) -> None:
    # "女" in GBK (C5 AE) is valid UTF-8 as well: a line holding only it proves nothing
    text = "编号,姓名,性别\nS1,张三,男\nS2,Li,女\n"
    for enc in ("gbk", "utf-8", "utf-8-sig"):
        path = tmp_path / f"{enc}.csv"
        path.write_bytes(text.encode(enc))
        assert read_table(path).cells.values.tolist() == [["S1", "张三", "男"], ["S2", "Li", "女"]], enc
    assert "S2,Li,女".encode("gbk").decode("utf-8") == "S2,Li,Ů"


# --- XLSX: merged cells and formulas without a value --------------------------------------------


def _staff_sheet(tmp_path: Path, name: str = "s.xlsx") -> tuple[Workbook, Path]:
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "姓名", "类别", "所在社区"])
    ws.append(["S1", "张三", "下沉干部", "大智社区"])
    ws.append(["S2", "李四", "下沉干部", None])
    ws.append(["S3", "王五", "下沉干部", None])
    ws.append(["S4", "赵六", "社区工作者", "江汉社区"])
    return wb, tmp_path / name


def test_a_community_merged_over_three_rows_fills_them_and_is_counted(tmp_path: Path) -> None:
    wb, path = _staff_sheet(tmp_path)
    wb.active.merge_cells("D2:D4")
    wb.save(path)
    table = read_table(path)
    assert table.cells[3].tolist() == ["大智社区", "大智社区", "大智社区", "江汉社区"]
    assert table.merged_cells == 1
    v = validate(table, "staff", communities=KNOWN)
    assert v.frame["community_code"].tolist() == ["420102001001"] * 3 + ["420102001002"]
    summary = ImportSummary("staff", "s.xlsx", 4, 0, 0, False, {"merged_cells": table.merged_cells})
    from core.i18n import translate

    assert summary.text(lambda k, **p: translate(k, "zh", **p)).endswith("（合并单元格已按左上角的值填充：1 处）")


def test_merges_right_fill_and_header_merges_and_blank_rows_are_left_alone(tmp_path: Path) -> None:
    wb, path = _staff_sheet(tmp_path)
    ws = wb.active
    ws["E1"] = "备注"
    ws.merge_cells("E1:F1")  # a header over two columns: not filled (it would be a second 备注 column)
    ws["E2"] = "见附件"
    ws.merge_cells("E2:F2")
    ws.merge_cells("D5:D7")  # rows 6 and 7 are blank: they stay blank (and are dropped)
    wb.save(path)
    table = read_table(path)
    assert table.headers == ["编号", "姓名", "类别", "所在社区", "备注", ""]
    assert table.cells.iloc[0].tolist()[4:] == ["见附件", "见附件"]
    assert table.rows.tolist() == [2, 3, 4, 5]
    assert table.merged_cells == 1


def test_a_sheet_without_merges_counts_none(tmp_path: Path) -> None:
    wb, path = _staff_sheet(tmp_path)
    wb.save(path)
    assert read_table(path).merged_cells == 0


def test_a_formula_without_a_cached_value_is_refused_with_its_cell_named(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["社区编码", "社区名称", "街道", "常住人口", "户数"])
    ws.append(["420102001001", "大智社区", "大智街道", 8650, "=D2/3"])  # openpyxl never stores a cached value
    ws.append(["420102001002", "江汉社区", "大智街道", "=1000*10", 3870])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    with pytest.raises(ImportRefused) as err:
        read_table(path)
    assert [(p.row, p.column, p.key, p.params["cell"]) for p in err.value.problems] == [
        (2, "户数", "importer.formula_without_value", "E2"), (3, "常住人口", "importer.formula_without_value", "D3")]
    assert err.value.lines()[0] == ("f.xlsx 第 2 行 「户数」：单元格 E2 是公式，但文件中没有保存计算结果"
                                    "（请用 Excel 或 WPS 打开、保存后再导入）")


def test_a_formula_with_its_cached_value_reads_as_that_value(tmp_path: Path) -> None:
    """A workbook saved by Excel keeps each formula's result in <v>: that value is imported."""
    import zipfile

    wb = Workbook()
    ws = wb.active
    ws.append(["社区编码", "户数", "备注"])
    ws.append(["420102001001", "=1000+20", '=""'])
    src = tmp_path / "raw.xlsx"
    wb.save(src)
    path = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                # openpyxl writes an empty value as <v /> (its own writer) or <v></v> (with lxml installed)
                text = re.sub(r"<f>1000\+20</f>(<v\s*/>|<v></v>)", "<f>1000+20</f><v>1020</v>", text)
                text = re.sub(r'<c r="C2"><f>""</f>(<v\s*/>|<v></v>)', '<c r="C2" t="str"><f>""</f><v></v>', text)
                assert "<v>1020</v>" in text and 't="str"' in text
                data = text.encode()
            zout.writestr(item, data)
    table = read_table(path)
    assert table.cells.values.tolist() == [["420102001001", "1020", ""]]
