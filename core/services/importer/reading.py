"""Read a CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or XLSX file into a table of strings.

Every cell comes back as a stripped, NFKC-normalised string ("" for empty), so full-width
digits and punctuation (０-９, ．, ，, （）) are already half-width when the cleaners see them.
Row numbers are the ones the user sees in the spreadsheet (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core.services.importer.problems import ImportRefused, Problem
from core.services.importer.vocabulary import NO_WORD, YES_WORD

ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class RawTable:
    """The cells of one sheet: ``headers`` as written, ``cells`` one string column per header,
    ``rows`` the spreadsheet row number of each data row."""

    file: str
    headers: list[str]
    cells: pd.DataFrame
    rows: np.ndarray
    written: pd.DataFrame | None = None  # the same cells only stripped (free text keeps its punctuation)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK and GB2312)."""
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("gb18030", data, 0, 1, "neither UTF-8 nor GBK")


def _cell_text(value: object) -> str:
    """An XLSX cell value as the text a person would read in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES_WORD if value else NO_WORD
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    return str(value)


def _read_csv(path: Path) -> list[list[str]]:
    try:
        text = decode(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise ImportRefused([Problem(path.name, 0, "", "importer.encoding_unknown")]) from exc
    first_line = text.split("\n", 1)[0]
    # tab-separated when the header has tabs and no commas (Excel's "Unicode text" export)
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(path: Path, sheet: str | None) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)  # cached values, never formulas
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        problem = Problem(path.name, 0, "", "importer.xlsx_unreadable", {"cause": type(exc).__name__})
        raise ImportRefused([problem]) from exc
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise ImportRefused([Problem(path.name, 0, "", "importer.sheet_missing",
                                         {"sheet": sheet, "sheets": list(wb.sheetnames)})])
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # files from other tools often carry a wrong <dimension> tag
        return [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def read_table(path: Path, sheet: str | None = None) -> RawTable:
    """Read ``path`` (by extension: .xlsx/.xlsm or CSV) into a RawTable; blank rows are dropped
    but keep their place in the row numbering."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        grid = _read_xlsx(path, sheet)
    elif path.suffix.lower() == ".xls":
        raise ImportRefused([Problem(path.name, 0, "", "importer.xls_unsupported")])
    else:
        grid = _read_csv(path)
    width = max((len(r) for r in grid), default=0)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in grid], dtype=object)
    if frame.empty:
        raise ImportRefused([Problem(path.name, 0, "", "importer.file_empty")])
    frame = frame.fillna("").astype(str)
    written = frame.apply(lambda c: c.str.strip())
    frame = frame.apply(lambda c: c.str.normalize("NFKC").str.strip())
    numbers = np.arange(1, len(frame) + 1)
    filled = (frame != "").any(axis=1).to_numpy()
    if not filled.any():
        raise ImportRefused([Problem(path.name, 0, "", "importer.file_empty")])
    first = int(np.argmax(filled))  # a title row above the header is not supported; blank rows are
    headers = list(written.iloc[first])  # as written, for messages
    body = frame.iloc[first + 1:]
    keep = filled[first + 1:]
    body, rows = body[keep], numbers[first + 1:][keep]
    # drop columns with neither a header nor any value (trailing empty columns of Excel exports)
    used = [i for i, h in enumerate(headers) if h != "" or (body.iloc[:, i] != "").any()]
    cells = body.iloc[:, used].reset_index(drop=True)
    cells.columns = range(len(used))
    as_written = written.iloc[first + 1:][keep].iloc[:, used].reset_index(drop=True)
    as_written.columns = range(len(used))
    return RawTable(path.name, [headers[i] for i in used], cells, rows, as_written)
