"""Reading import files: every encoding and XLSX give the same cells; headers map in all variants."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from core.services.importer.columns import SPECS, map_headers, normalise_header
from core.services.importer.problems import ImportRefused
from core.services.importer.reading import read_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


def write_variants(src: Path, out: Path) -> dict[str, Path]:
    """The same table as UTF-8, UTF-8 with BOM, GBK and XLSX (the files clerks really have)."""
    text = src.read_text(encoding="utf-8")
    paths = {"utf8": out / f"{src.stem}.utf8.csv", "bom": out / f"{src.stem}.bom.csv",
             "gbk": out / f"{src.stem}.gbk.csv", "xlsx": out / f"{src.stem}.xlsx"}
    paths["utf8"].write_text(text, encoding="utf-8")
    paths["bom"].write_text(text, encoding="utf-8-sig")
    paths["gbk"].write_bytes(text.encode("gbk"))
    import csv
    import io

    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    for row in csv.reader(io.StringIO(text)):
        ws.append(row)
    wb.save(paths["xlsx"])
    return paths


@pytest.mark.parametrize("variant", ["utf8", "bom", "gbk", "xlsx"])
def test_every_encoding_and_xlsx_read_to_the_same_cells(variant: str, tmp_path: Path) -> None:
    paths = write_variants(FIXTURES / "communities_messy.csv", tmp_path)
    reference = read_table(paths["utf8"])
    table = read_table(paths[variant])
    assert table.headers == reference.headers
    assert table.cells.values.tolist() == reference.cells.values.tolist()
    assert table.rows.tolist() == [2, 3, 4]  # the header is row 1; the blank trailing rows are gone


def test_full_width_digits_and_padding_are_normalised_but_free_text_keeps_its_brackets() -> None:
    table = read_table(FIXTURES / "communities_messy.csv")
    assert table.cells.iat[0, 0] == "420102001001"
    assert table.cells.iat[1, 5] == "114.2951"
    assert table.written is not None and table.written.iat[2, 1] == "江滩社区（东）"
    assert table.headers[0] == "社区编码"


def test_xlsx_cells_keep_their_types_as_readable_text(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["事件编号", "上报时间", "经度", "数量", "在岗"])
    ws.append(["E1", dt.datetime(2026, 11, 28, 8, 30), 114.2955, 12.0, True])
    ws.append([None, None, None, None, None])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    table = read_table(path)
    assert table.cells.values.tolist() == [["E1", "2026-11-28 08:30:00", "114.2955", "12", "是"]]


def test_a_named_sheet_is_read_and_an_unknown_sheet_is_refused(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["a"])
    second = wb.create_sheet("人员")
    second.append(["编号", "姓名"])
    second.append(["S1", "张三"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    assert read_table(path, "人员").cells.values.tolist() == [["S1", "张三"]]
    with pytest.raises(ImportRefused) as err:
        read_table(path, "没有这张表")
    assert "没有名为“没有这张表”的工作表" in err.value.lines()[0]


@pytest.mark.parametrize(("written", "canonical"), [
    ("社区编码", "code"), (" 社区编码 ", "code"), ("CODE", "code"), ("常住人口（人）", "population"),
    ("经度(WGS84)", "lon"), ("*社区名称", "name"), ("Risk_Level", "risk_level"), ("risk level", "risk_level"),
    ("居家隔离户数", "isolated_households"), ("Vulnerable-Residents", "vulnerable_residents"),
])
def test_header_variants_map_to_the_canonical_column(written: str, canonical: str) -> None:
    found, problems = map_headers("f.csv", [written, "社区名称", "街道", "社区编码"][: 1], SPECS["communities"])
    assert found == {canonical: 0}
    assert normalise_header(written) != ""


def test_missing_and_doubled_columns_are_reported_on_the_header_row() -> None:
    _, problems = map_headers("f.csv", ["社区编码", "code", "备注"], SPECS["communities"])
    assert sorted((p.row, p.column) for p in problems) == [(1, "code"), (1, "社区名称"), (1, "街道")]


def test_an_unreadable_encoding_is_refused_with_the_file_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(b"\xff\xfe\x00\x81\x30\x81\xff")
    with pytest.raises(ImportRefused) as err:
        read_table(path)
    assert err.value.lines()[0].startswith("broken.csv")
