"""A roster read from a file (CSV or XLSX): one row a person on a shift, the form ``fangxian roster export
--entries`` writes and the second sheet of its XLSX holds, so a roster goes out, is edited and comes back.

Columns (Chinese or English headers): 卡点编码 / checkpoint, 日期 / date (YYYY-MM-DD), 班次 / shift (the
shift's code or its name as the sheet shows it, 白班 or Day), 人员编号 / staff. Every row goes through
``rosters.assign`` (clashes refused, the fatigue limits refused unless the row's 原因 / reason says why, scope
and role checked), in the caller's unit of work: one bad row refuses the whole file, and every problem is
reported with its file, row and column. A row already on the roster is left as it is (a file imported twice
adds nothing).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from core.i18n import LANGS
from core.model.actor import Actor, require
from core.model.errors import FangxianError
from core.services import rosters
from core.services.importer.problems import ImportRefused, Problem
from core.services.uow import UnitOfWork

#: the file's columns: our name -> the headers accepted for it (the first is what the export writes)
HEADERS: dict[str, tuple[str, ...]] = {
    "checkpoint": ("卡点编码", "checkpoint"),
    "day": ("日期", "date"),
    "shift": ("班次", "shift"),
    "staff": ("人员编号", "staff"),
    "reason": ("原因", "reason"),
}
REQUIRED = ("checkpoint", "day", "shift", "staff")
ENTRIES_SHEET = "明细"


def entries_table(uow: UnitOfWork, checkpoint_id: int, start: dt.date, days: int) -> pd.DataFrame:
    """A post's roster entries of ``days`` from ``start`` in the file's form (what ``read_file`` takes back)."""
    cp = uow.duty.checkpoint(checkpoint_id) or {"code": ""}
    got = rosters.entries_of(uow, checkpoint_id, start.isoformat(), days)
    return pd.DataFrame({HEADERS["checkpoint"][0]: cp["code"],
                         HEADERS["day"][0]: pd.to_datetime(got["starts_at"]).dt.strftime("%Y-%m-%d"),
                         HEADERS["shift"][0]: got["shift"], HEADERS["staff"][0]: got["code"],
                         HEADERS["reason"][0]: got["override_reason"].fillna("")})


def read_file(path: Path) -> tuple[str, pd.DataFrame, list[int], dict[str, str]]:
    """(file name, cells by our column names, spreadsheet row of each, header as written per column)."""
    from core.services.importer.reading import read_table

    sheet = None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True)
        except Exception as exc:  # noqa: BLE001 - a damaged file is bad input, said as the importer says it
            raise ImportRefused([Problem(path.name, 0, "", "importer.xlsx_unreadable",
                                         {"cause": type(exc).__name__})]) from None
        sheet = ENTRIES_SHEET if ENTRIES_SHEET in wb.sheetnames else None
        wb.close()
    raw = read_table(path, sheet)
    found: dict[str, str] = {}
    at: dict[str, int] = {}
    for ours, accepted in HEADERS.items():
        for i, header in enumerate(raw.headers):
            if str(header).strip().lower() in {a.lower() for a in accepted}:
                found[ours], at[ours] = str(header), i
    missing = [HEADERS[c][0] for c in REQUIRED if c not in found]
    if missing:
        raise ImportRefused([Problem(raw.file, 0, "", "roster.import.columns", {"missing": missing})])
    written = raw.written if raw.written is not None else raw.cells
    cells = pd.DataFrame({ours: (written if ours == "reason" else raw.cells)[at[ours]] for ours in found})
    return raw.file, cells, [int(r) for r in raw.rows], found


def _shift_code(slots: tuple[rosters.Slot, ...], written: str) -> str | None:
    for slot in slots:
        if written == slot.name or any(written == rosters.slot_label(slot.name, lang) for lang in LANGS):
            return slot.name
    return None


def import_roster(uow: UnitOfWork, actor: Actor, path: Path) -> dict[str, int]:
    """Put everyone of the file on their shifts, all or nothing. Returns {"added": n, "unchanged": n}."""
    require(actor, *rosters.ROSTER_ROLES)
    file, cells, rows, header = read_file(path)
    posts = uow.duty.checkpoints(active_only=False)
    post_of = dict(zip(posts["code"].astype(str), posts["id"].astype(int), strict=True))
    staff_of = uow.rosters.staff_ids_by_code(sorted(set(cells["staff"])))
    problems: list[Problem] = []
    added = unchanged = 0
    patterns: dict[int, rosters.Pattern] = {}
    for i, r in enumerate(cells.itertuples(index=False)):
        row = rows[i]

        def bad(col: str, key: str, **params: object) -> None:
            problems.append(Problem(file, row, header.get(col, HEADERS[col][0]), key, params))  # noqa: B023

        cid = post_of.get(str(r.checkpoint))
        if cid is None:
            bad("checkpoint", "roster.import.checkpoint_unknown", value=r.checkpoint)
            continue
        try:
            day = dt.date.fromisoformat(str(r.day)[:10])
        except ValueError:
            bad("day", "roster.import.date_invalid", value=r.day)
            continue
        if cid not in patterns:
            patterns[cid] = rosters.pattern_of(uow, cid, day)
        shift = _shift_code(patterns[cid].slots, str(r.shift))
        if shift is None:
            bad("shift", "roster.slot_unknown", slot=r.shift, known=[rosters.slot_label(s.name) for s in patterns[cid].slots])
            continue
        sid = staff_of.get(str(r.staff))
        if sid is None:
            bad("staff", "roster.import.staff_unknown", value=r.staff)
            continue
        starts, _ends = rosters.slot_named(patterns[cid].slots, shift).window(day)
        if uow.rosters.has_entry(cid, sid, starts):
            unchanged += 1
            continue
        try:
            rosters.assign(uow, actor, checkpoint_id=cid, staff_id=sid, day=day, shift=shift,
                           override_reason=str(getattr(r, "reason", "") or ""))
        except FangxianError as exc:
            problems.append(Problem(file, row, header["staff"], exc.key, exc.params))
            continue
        added += 1
    if problems:
        raise ImportRefused(problems)
    return {"added": added, "unchanged": unchanged}
