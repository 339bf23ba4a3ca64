"""Read a CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or XLSX file into a table of strings.

Every cell comes back as a stripped, NFKC-normalised string ("" for empty), so full-width
digits and punctuation (０-９, ．, ，, （）) are already half-width when the cleaners see them.
Row numbers are the ones the user sees in the spreadsheet (the header is row 1).

Nothing is guessed silently: a CSV whose lines mix UTF-8 and GBK is refused with the first row of
the odd encoding named (it would otherwise read as mojibake); an XLSX formula the file holds no
computed value for is refused with its cell named (it would otherwise read as blank); merged cells
of the data rows are filled from their top-left value, as they look on screen, and counted.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import iterparse

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
    merged_cells: int = 0  # merged ranges of the data rows filled from their top-left value (XLSX)


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


def _lines_decoded(lines: list[bytes]) -> list[str]:
    """Each line in its own encoding (only to find the rows of a refused file)."""
    out = []
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(line.decode("gb18030", errors="replace"))
    return out


def _row_of_line(lines: list[str], index: int) -> int:
    """The spreadsheet row (CSV record, header = 1) that physical line ``index`` (0-based) belongs to;
    a quoted cell may span several lines."""
    reader = csv.reader(iter(lines), delimiter=_delimiter(lines[0] if lines else ""))
    row = 0
    try:
        for _ in reader:
            row += 1
            if reader.line_num > index:
                break
    except csv.Error:  # a line csv cannot parse: its physical line number is the best guess
        return index + 1
    return max(row, 1)


def _delimiter(first_line: str) -> str:
    # tab-separated when the header has tabs and no commas (Excel's "Unicode text" export)
    return "\t" if "\t" in first_line and "," not in first_line else ","


#: CJK ideographs, radicals, punctuation and full-width forms: what a Chinese file's non-ASCII text is
_CJK = re.compile("[\u2e80-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def decode_csv(data: bytes, file: str) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), else GB18030, line by line the same.

    A file that is not UTF-8 as a whole is looked at line by line: when some lines are UTF-8 (with
    characters beyond ASCII) and others are not UTF-8 at all, the file mixes two encodings (rows pasted
    together from two exports) and is refused, naming the first row of the rarer one."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    lines = body.splitlines(keepends=True)
    utf8: list[int] = []
    other: list[int] = []
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            other.append(i)
            continue
        # a short GBK line can happen to be valid UTF-8 too ("女" is C5 AE, which UTF-8 reads as "Ů"):
        # only Chinese characters make a line UTF-8 for sure
        if _CJK.search(text):
            utf8.append(i)
    if utf8 and other:
        # the rarer encoding is the odd one out; on a tie, the one the file switched to
        odd_is_utf8 = len(utf8) < len(other) or (len(utf8) == len(other) and utf8[0] > other[0])
        odd, enc, rest = (utf8, "UTF-8", "GBK") if odd_is_utf8 else (other, "GBK", "UTF-8")
        row = _row_of_line(_lines_decoded(lines), odd[0])
        raise ImportRefused([Problem(file, row, "", "importer.mixed_encoding",
                                     {"encoding": enc, "other": rest, "lines": len(odd)})])
    try:
        return body.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ImportRefused([Problem(file, 0, "", "importer.encoding_unknown")]) from exc


def _read_csv(path: Path) -> pd.DataFrame:
    """The cells of a CSV file as strings (a short row padded with "")."""
    data = path.read_bytes()
    text = decode_csv(data, path.name)  # refuses a file of mixed or unknown encoding
    delimiter = _delimiter(text.split("\n", 1)[0])
    del text
    fast = _read_csv_fast(data, delimiter, "utf-8-sig" if _is_utf8(data) else "gb18030")
    if fast is not None:
        return fast
    text = decode_csv(data, path.name)
    grid = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    return _grid_frame(grid)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_csv_fast(data: bytes, delimiter: str, encoding: str) -> pd.DataFrame | None:
    """pandas' C parser, when it reads the file as the csv module does: every record as long as the
    first or shorter, no NUL, no bare carriage return (None otherwise: the caller takes the csv module).
    Neither a GBK nor a UTF-8 multi-byte character holds the bytes looked for."""
    if b"\x00" in data or data.count(b"\r") != data.count(b"\r\n") or not data.strip():
        return None
    try:
        frame = pd.read_csv(io.BytesIO(data), sep=delimiter, header=None, dtype=str, na_filter=False,
                            skip_blank_lines=False, engine="c", encoding=encoding, quoting=csv.QUOTE_MINIMAL,
                            doublequote=True, quotechar='"', escapechar=None, skipinitialspace=False)
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError):
        return None
    frame.columns = range(frame.shape[1])
    return frame


def _grid_frame(grid: list[list[str]]) -> pd.DataFrame:
    width = max((len(r) for r in grid), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in grid], dtype=object)


#: what str.strip() removes from an ASCII text
_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _tidy(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(NFKC-normalised and stripped, only stripped) text of each cell, in Arrow: a column of ASCII
    text (codes, phones, numbers) is stripped as it is; any other has each distinct value worked out
    once in Python (a column of 200,000 names, kinds or units holds far fewer different values)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(column.fillna(""), type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pc.all(pc.string_is_ascii(arr)).as_py() is not False:
        trimmed = _arrow_str(pc.ascii_trim(arr, _ASCII_SPACE), column.index)
        return trimmed, trimmed
    encoded = pc.dictionary_encode(arr)
    texts = encoded.dictionary.to_pylist()
    stripped = pa.array([t.strip() for t in texts], type=pa.string())
    normal = pa.array([(t if t.isascii() else unicodedata.normalize("NFKC", t)).strip() for t in texts],
                      type=pa.string())
    return (_arrow_str(normal.take(encoded.indices), column.index),
            _arrow_str(stripped.take(encoded.indices), column.index))


def _arrow_str(arr: object, index: pd.Index) -> pd.Series:
    return pd.Series(arr, index=index, dtype="str")


@dataclass
class _Sheet:
    """The cells of an XLSX sheet, with what the values alone do not show: its merged ranges
    ``(min_col, min_row, max_col, max_row)`` and the cells ``(row, col)`` holding a formula without a
    computed value (1-based, as in the sheet)."""

    grid: list[list[str]]
    merges: list[tuple[int, int, int, int]]
    uncomputed: list[tuple[int, int]]


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


_STRUCTURE = re.compile(rb"<(?:\w+:)?(?:f|mergeCell)[\s>/]")


def _mentions_structure(source: Any) -> bool:
    """Whether the sheet's XML holds a formula or a merged range at all (a fast scan of the bytes:
    most sheets hold neither and need no second parse)."""
    tail = b""
    while chunk := source.read(1 << 20):
        if _STRUCTURE.search(tail + chunk):
            return True
        tail = chunk[-32:]
    return False


def _sheet_structure(source: Any) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, int]]]:
    """Merged ranges and formula cells without a cached value, read from the sheet's XML in one pass
    (openpyxl's read-only mode, which reads large files fast, exposes neither)."""
    from openpyxl.utils.cell import (
        column_index_from_string,
        coordinate_from_string,
        range_boundaries,
    )

    merges: list[tuple[int, int, int, int]] = []
    uncomputed: list[tuple[int, int]] = []
    row = col = 0
    events: Iterator[tuple[str, Any]] = iterparse(source, events=("start", "end"))
    for event, el in events:
        tag = _local(el.tag)
        if event == "start":
            if tag == "row":
                row = int(el.get("r") or row + 1)
                col = 0
            elif tag == "c":
                ref = el.get("r")
                if ref:
                    letters, row = coordinate_from_string(ref)
                    col = column_index_from_string(letters)
                else:
                    col += 1
            continue
        if tag == "c":
            parts = {_local(child.tag): child for child in el}
            value = parts.get("v")
            cached = value is not None and (bool(value.text) or el.get("t") in ("str", "inlineStr"))
            if "f" in parts and not cached:
                uncomputed.append((row, col))
            el.clear()
        elif tag == "row":
            el.clear()
        elif tag == "mergeCell" and el.get("ref"):
            min_col, min_row, max_col, max_row = range_boundaries(str(el.get("ref")))
            if min_col is not None and min_row is not None and max_col is not None and max_row is not None:
                merges.append((min_col, min_row, max_col, max_row))
    return merges, uncomputed


def _read_xlsx(path: Path, sheet: str | None) -> _Sheet:
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
        grid = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        merges: list[tuple[int, int, int, int]] = []
        uncomputed: list[tuple[int, int]] = []
        get_source = getattr(ws, "_get_source", None)  # the read-only sheet's XML
        if get_source is not None:
            try:
                with get_source() as source:
                    needed = _mentions_structure(source)
                if needed:
                    with get_source() as source:
                        merges, uncomputed = _sheet_structure(source)
            except Exception as exc:  # a sheet openpyxl could read but not parse again
                problem = Problem(path.name, 0, "", "importer.xlsx_unreadable", {"cause": type(exc).__name__})
                raise ImportRefused([problem]) from exc
        return _Sheet(grid, merges, uncomputed)
    finally:
        wb.close()


def _refuse_uncomputed(file: str, grid: list[list[str]], uncomputed: list[tuple[int, int]]) -> None:
    """Formulas the file keeps no computed value for (files written by programs, never opened in
    Excel): each cell named by its row and column header, as the rest of the file would read it."""
    if not uncomputed:
        return
    from openpyxl.utils.cell import get_column_letter

    filled = [i for i, r in enumerate(grid) if any(v.strip() for v in r)]
    header_row = grid[filled[0]] if filled else []
    problems = []
    for row, col in uncomputed:
        cell = f"{get_column_letter(col)}{row}"
        header = header_row[col - 1].strip() if col - 1 < len(header_row) and filled and row - 1 > filled[0] else ""
        problems.append(Problem(file, row, header or cell, "importer.formula_without_value", {"cell": cell}))
    raise ImportRefused(problems)


def _fill_merged(grid: list[list[str]], merges: list[tuple[int, int, int, int]]) -> int:
    """Fill each merged range of the data rows (below the header) from its top-left value, in place;
    a row that is blank but for the merge stays blank. Returns the number of ranges filled."""
    filled_rows = [any(v.strip() for v in r) for r in grid]
    if not any(filled_rows):
        return 0
    header = filled_rows.index(True)
    count = 0
    for min_col, min_row, max_col, max_row in merges:
        top, left = min_row - 1, min_col - 1
        if top <= header or top >= len(grid) or (min_row == max_row and min_col == max_col):
            continue
        value = grid[top][left] if left < len(grid[top]) else ""
        if not value.strip():
            continue
        changed = False
        for r in range(top, min(max_row, len(grid))):
            if r != top and not filled_rows[r]:
                continue
            row = grid[r]
            if len(row) < max_col:
                row.extend([""] * (max_col - len(row)))
            for c in range(left, max_col):
                if (r, c) != (top, left) and not row[c].strip():
                    row[c] = value
                    changed = True
        count += changed
    return count


def read_table(path: Path, sheet: str | None = None) -> RawTable:
    """Read ``path`` (by extension: .xlsx/.xlsm or CSV) into a RawTable; blank rows are dropped
    but keep their place in the row numbering."""
    merged = 0
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        xlsx = _read_xlsx(path, sheet)
        grid = xlsx.grid
        _refuse_uncomputed(path.name, grid, xlsx.uncomputed)
        merged = _fill_merged(grid, xlsx.merges)
    elif path.suffix.lower() == ".xls":
        raise ImportRefused([Problem(path.name, 0, "", "importer.xls_unsupported")])
    else:
        grid = None
    raw = _read_csv(path) if grid is None else _grid_frame(grid)
    if raw.empty:
        raise ImportRefused([Problem(path.name, 0, "", "importer.file_empty")])
    tidy = {c: _tidy(raw[c]) for c in raw.columns}
    frame = pd.DataFrame({c: t[0] for c, t in tidy.items()})
    written = pd.DataFrame({c: t[1] for c, t in tidy.items()})
    del raw, tidy
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
    return RawTable(path.name, [headers[i] for i in used], cells, rows, as_written, merged)
