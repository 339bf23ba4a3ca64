"""A roster read from a file (CSV, XLSX or JSON records): one row a person on a shift, the form ``fangxian roster export
--entries`` writes and the second sheet of its XLSX holds, so a roster goes out, is edited and comes back.

Columns (Chinese or English headers): 卡点编码 / checkpoint or 网格编码 / grid (one of them a row), 日期 / date (YYYY-MM-DD), 班次 / shift (the
shift's code or its name as the sheet shows it, 白班 or Day), 人员编号 / staff. Every row goes through
``rosters.assign`` (clashes refused, the fatigue limits refused unless the row's 原因 / reason says why, scope
and role checked), in the caller's unit of work: one bad row refuses the whole file, and every problem is
reported with its file, row and column. A row already on the roster is left as it is (a file imported twice
adds nothing).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from core.i18n import LANGS, translate
from core.model.actor import Actor, require
from core.model.errors import FangxianError
from core.services import rosters
from core.services.importer.problems import ImportRefused, Problem
from core.services.uow import UnitOfWork

#: the file's columns: our name -> the headers accepted for it (the first is what the export writes)
HEADERS: dict[str, tuple[str, ...]] = {
    "checkpoint": ("卡点编码", "checkpoint"),
    "grid": ("网格编码", "grid"),
    "day": ("日期", "date"),
    "shift": ("班次", "shift"),
    "staff": ("人员编号", "staff"),
    "reason": ("原因", "reason"),
}
REQUIRED = ("day", "shift", "staff")  # and a post column: checkpoint or grid
POSTS = ("checkpoint", "grid")
ENTRIES_SHEET = "明细"


def entries_table(uow: UnitOfWork, post_id: int, start: dt.date, days: int, kind: str = "checkpoint") -> pd.DataFrame:
    """A post's roster entries of ``days`` from ``start`` in the file's form (what ``read_file`` takes back)."""
    post = rosters.post_frame(uow, kind, ids=[post_id], active_only=False)
    got = rosters.entries_of(uow, post_id, start.isoformat(), days, kind)
    return pd.DataFrame({HEADERS[kind][0]: str(post["code"].iloc[0]) if len(post) else "",
                         HEADERS["day"][0]: pd.to_datetime(got["starts_at"]).dt.strftime("%Y-%m-%d"),
                         HEADERS["shift"][0]: got["shift"], HEADERS["staff"][0]: got["code"],
                         HEADERS["reason"][0]: got["override_reason"].fillna("")})


def week_table(uow: UnitOfWork, post_id: int, start: dt.date, days: int, lang: str,
               kind: str = "checkpoint") -> pd.DataFrame:
    """A post's shifts × days: "2 / 3 S0001、S0002" (taken / needed and who), one row a shift: the sheet a
    post pins to its wall."""
    cps = rosters.post_frame(uow, kind, ids=[post_id], active_only=False)
    since = dt.datetime.combine(start, dt.time())
    shifts = rosters.shifts_of(uow, cps, since, since + dt.timedelta(days=days), kind)
    shifts["day"] = pd.to_datetime(shifts["starts_at"]).dt.strftime("%m-%d")
    shifts["cell"] = [f"{t} / {n} " + "、".join(c) for t, n, c in zip(shifts["taken"], shifts["needed"], shifts["codes"],
                                                                       strict=True)]
    order = [slot.name for slot in rosters.pattern_of(uow, day=start, **{f"{kind}_id": post_id}).slots]
    sheet = shifts.pivot_table(index="shift", columns="day", values="cell", aggfunc="first").reindex(order)
    sheet.index = [rosters.slot_label(str(n), lang) for n in sheet.index]
    return sheet.rename_axis(translate("cli.roster.col.shift", lang)).reset_index().fillna("")


def workbook(week: pd.DataFrame, entries: pd.DataFrame, lang: str) -> bytes:
    """The XLSX of a post's roster: the week to pin up, then the entries (明细) to edit and import back."""
    import io

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        week.to_excel(xl, index=False, sheet_name=translate("cli.roster.sheet", lang))
        entries.to_excel(xl, index=False, sheet_name=ENTRIES_SHEET)
    return buf.getvalue()


def post_workbook(uow: UnitOfWork, post_id: int, start: str, days: int, lang: str, kind: str = "checkpoint") -> bytes:
    """``workbook`` of a post from ``start`` (ISO date) for ``days``: what the roster page offers to download."""
    day = dt.date.fromisoformat(start)
    return workbook(week_table(uow, post_id, day, days, lang, kind), entries_table(uow, post_id, day, days, kind), lang)


def _json_table(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    """A JSON array of records (what ``roster export --entries --format json`` writes): headers, cells by
    column, and each record's number (1 for the first) as its row."""
    import json

    try:
        records = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        records = None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ImportRefused([Problem(path.name, 0, "", "roster.import.json_invalid", {})])
    headers = list(dict.fromkeys(k for r in records for k in r))
    cells = [["" if r.get(h) is None else str(r.get(h)).strip() for r in records] for h in headers]
    return headers, cells, list(range(1, len(records) + 1))


def read_file(path: Path, fmt: str | None = None) -> tuple[str, pd.DataFrame, list[int], dict[str, str]]:
    """(file name, cells by our column names, spreadsheet row of each, header as written per column).
    ``fmt``: csv, xlsx or json (None: by the file's suffix)."""
    from core.services.importer.reading import read_table

    fmt = fmt or {".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "json"}.get(path.suffix.lower(), "csv")
    if fmt == "json":
        headers, columns, rows = _json_table(path)
        return _columns(path.name, headers, columns, columns, rows)
    sheet = None
    if fmt == "xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True)
        except Exception as exc:  # noqa: BLE001 - a damaged file is bad input, said as the importer says it
            raise ImportRefused([Problem(path.name, 0, "", "importer.xlsx_unreadable",
                                         {"cause": type(exc).__name__})]) from None
        sheet = ENTRIES_SHEET if ENTRIES_SHEET in wb.sheetnames else None
        wb.close()
    raw = read_table(path, sheet)
    written = raw.written if raw.written is not None else raw.cells
    return _columns(raw.file, [str(h) for h in raw.headers], raw.cells, written, [int(r) for r in raw.rows])


def _columns(file: str, headers: list[str], cells: Any, written: Any,
             rows: list[int]) -> tuple[str, pd.DataFrame, list[int], dict[str, str]]:
    found: dict[str, str] = {}
    at: dict[str, int] = {}
    for ours, accepted in HEADERS.items():
        for i, header in enumerate(headers):
            if str(header).strip().lower() in {a.lower() for a in accepted}:
                found[ours], at[ours] = str(header), i
    missing = [HEADERS[c][0] for c in REQUIRED if c not in found]
    if not any(c in found for c in POSTS):
        missing.insert(0, "/".join(HEADERS[c][0] for c in POSTS))
    if missing:
        raise ImportRefused([Problem(file, 0, "", "roster.import.columns", {"missing": missing})])
    out = pd.DataFrame({ours: (written if ours == "reason" else cells)[at[ours]] for ours in found})
    for c in POSTS:
        if c not in out:
            out[c] = ""
    return file, out, rows, found


def _shift_code(slots: tuple[rosters.Slot, ...], written: str) -> str | None:
    for slot in slots:
        if written == slot.name or any(written == rosters.slot_label(slot.name, lang) for lang in LANGS):
            return slot.name
    return None


def import_roster(uow: UnitOfWork, actor: Actor, path: Path, fmt: str | None = None) -> dict[str, int]:
    """Put everyone of the file on their shifts, all or nothing. Returns {"added": n, "unchanged": n}."""
    require(actor, *rosters.ROSTER_ROLES)
    file, cells, rows, header = read_file(path, fmt)
    post_of: dict[str, dict[str, int]] = {}
    for kind in POSTS:
        posts = rosters.post_frame(uow, kind, active_only=False)
        post_of[kind] = dict(zip(posts["code"].astype(str), posts["id"].astype(int), strict=True))
    staff_of = uow.rosters.staff_ids_by_code(sorted(set(cells["staff"])))
    problems: list[Problem] = []
    added = unchanged = 0
    patterns: dict[tuple[str, int], rosters.Pattern] = {}
    for i, r in enumerate(cells.itertuples(index=False)):
        row = rows[i]

        def bad(col: str, key: str, **params: object) -> None:
            problems.append(Problem(file, row, header.get(col, HEADERS[col][0]), key, params))  # noqa: B023

        named = [(k, str(getattr(r, k) or "").strip()) for k in POSTS if str(getattr(r, k) or "").strip()]
        if len(named) != 1:
            bad("checkpoint" if "checkpoint" in header else "grid", "roster.import.post_one")
            continue
        kind, code = named[0]
        cid = post_of[kind].get(code)
        if cid is None:
            bad(kind, f"roster.import.{kind}_unknown", value=code)
            continue
        try:
            day = dt.date.fromisoformat(str(r.day)[:10])
        except ValueError:
            bad("day", "roster.import.date_invalid", value=r.day)
            continue
        if (kind, cid) not in patterns:
            patterns[kind, cid] = rosters.pattern_of(uow, day=day, **{f"{kind}_id": cid})
        pat = patterns[kind, cid]
        shift = _shift_code(pat.slots, str(r.shift))
        if shift is None:
            bad("shift", "roster.slot_unknown", slot=r.shift, known=[rosters.slot_label(s.name) for s in pat.slots])
            continue
        sid = staff_of.get(str(r.staff))
        if sid is None:
            bad("staff", "roster.import.staff_unknown", value=r.staff)
            continue
        starts, _ends = rosters.slot_named(pat.slots, shift).window(day)
        if uow.rosters.has_entry(cid, sid, starts, kind):
            unchanged += 1
            continue
        try:
            rosters.assign(uow, actor, **{f"{kind}_id": cid}, staff_id=sid, day=day, shift=shift,
                           override_reason=str(getattr(r, "reason", "") or ""))
        except FangxianError as exc:
            problems.append(Problem(file, row, header["staff"], exc.key, exc.params))
            continue
        added += 1
    if problems:
        raise ImportRefused(problems)
    return {"added": added, "unchanged": unchanged}
