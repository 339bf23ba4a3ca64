"""`fangxian roster gaps | export | import`: the empty checkpoint shifts of the next hours (for a morning check
or a cron mail), a post's roster for a week (CSV / JSON / XLSX: the sheet a checkpoint pins to its wall; the
XLSX's second sheet and ``--entries`` hold one row a person a shift), and such entries imported back
(``core.services.roster_import``: all or nothing)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from core.cli.common import add_identity, print_table
from core.i18n import cli_lang, translate
from core.model.errors import InvalidInput


def cmd_gaps(args: argparse.Namespace) -> int:
    from core.services import rosters
    from core.services.uow import unit_of_work

    if not 1 <= args.hours <= 24 * 7:
        raise InvalidInput("cli.roster.hours_range", hours=args.hours)
    with unit_of_work(args.database_url) as uow:
        df = rosters.empty_shifts(uow, float(args.hours), tuple(args.street) if args.street else None)
    out = pd.DataFrame({"checkpoint": df["checkpoint"], "community": df["community"],
                        "shift": [rosters.slot_label(str(x), args.lang) for x in df["shift"]],
                        "starts_at": df["starts_at"], "ends_at": df["ends_at"], "needed": df["needed"],
                        "taken": df["taken"], "empty": df["empty"]})
    print_table(out, args.format)
    print(translate("cli.roster.gaps_done", args.lang, shifts=len(out), people=int(out["empty"].sum()),
                    hours=args.hours), file=sys.stderr)
    return 0


def week_sheet(uow: Any, code: str, start: dt.date, days: int, lang: str) -> pd.DataFrame:
    """A post's shifts × days: "2 / 3 S0001、S0002" (taken / needed and who), one row a shift."""
    from core.services import rosters

    cps = uow.duty.checkpoints(active_only=False)
    cps = cps[cps["code"] == code]
    if not len(cps):
        raise InvalidInput("cli.roster.checkpoint_unknown", code=code)
    since = dt.datetime.combine(start, dt.time())
    shifts = rosters.shifts_of(uow, cps, since, since + dt.timedelta(days=days))
    shifts["day"] = pd.to_datetime(shifts["starts_at"]).dt.strftime("%m-%d")
    shifts["cell"] = [f"{t} / {n} " + "、".join(c) for t, n, c in zip(shifts["taken"], shifts["needed"], shifts["codes"],
                                                                       strict=True)]
    order = [slot.name for slot in rosters.pattern_of(uow, int(cps["id"].iloc[0]), start).slots]
    sheet = shifts.pivot_table(index="shift", columns="day", values="cell", aggfunc="first").reindex(order)
    sheet.index = [rosters.slot_label(str(n), lang) for n in sheet.index]
    return sheet.rename_axis(translate("cli.roster.col.shift", lang)).reset_index().fillna("")


def cmd_export(args: argparse.Namespace) -> int:
    from core.services import clock
    from core.services.roster_import import ENTRIES_SHEET, entries_table
    from core.services.uow import unit_of_work

    try:
        start = dt.date.fromisoformat(args.start) if args.start else None
    except ValueError:
        raise InvalidInput("roster.import.date_invalid", value=args.start) from None
    with unit_of_work(args.database_url) as uow:
        day = start or clock.reference_day(uow)
        week = week_sheet(uow, args.checkpoint, day, args.days, args.lang)
        posts = uow.duty.checkpoints(active_only=False)
        cid = int(posts.loc[posts["code"] == args.checkpoint, "id"].iloc[0])
        entries = entries_table(uow, cid, day, args.days)
    sheet = entries if args.entries else week
    if args.format == "xlsx":
        if not args.output:
            raise InvalidInput("cli.roster.xlsx_needs_output")
        with pd.ExcelWriter(Path(args.output)) as xl:  # the week to pin up, then the entries to edit and import
            week.to_excel(xl, index=False, sheet_name=translate("cli.roster.sheet", args.lang))
            entries.to_excel(xl, index=False, sheet_name=ENTRIES_SHEET)
    elif args.output:
        Path(args.output).write_text(sheet.to_csv(index=False) if args.format == "csv" else sheet.to_json(
            orient="records", force_ascii=False), encoding="utf-8-sig" if args.format == "csv" else "utf-8")
    else:
        print_table(sheet, args.format)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from core.cli.common import acting
    from core.services.roster_import import import_roster
    from core.services.uow import unit_of_work

    path = Path(args.file)
    if not path.is_file():
        raise InvalidInput("importer.file_missing", path=str(path))
    actor = acting(args.database_url, args, "coordinator", "admin")
    with unit_of_work(args.database_url) as uow:  # one file, one transaction
        done = import_roster(uow, actor, path)
    print(translate("cli.roster.imported", args.lang, added=done["added"], unchanged=done["unchanged"]), file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    lang = cli_lang()
    parser = sub.add_parser("roster", help=translate("cli.roster.help", lang))
    rsub = parser.add_subparsers(dest="roster_cmd", metavar="ACTION", required=True)
    p = rsub.add_parser("gaps", help=translate("cli.roster.help.gaps", lang))
    p.add_argument("--hours", type=int, default=24, help=translate("cli.roster.help.hours", lang))
    p.add_argument("--street", action="append", metavar="CODE")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.set_defaults(func=cmd_gaps)
    p = rsub.add_parser("export", help=translate("cli.roster.help.export", lang))
    p.add_argument("--checkpoint", required=True, metavar="CODE")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    p.add_argument("--days", type=int, default=7, choices=range(1, 32), metavar="N")
    p.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
    p.add_argument("-o", "--output", metavar="FILE")
    p.add_argument("--entries", action="store_true", help=translate("cli.roster.help.entries", lang))
    p.set_defaults(func=cmd_export)
    p = rsub.add_parser("import", help=translate("cli.roster.help.import", lang))
    p.add_argument("file", metavar="FILE")
    add_identity(p)
    p.set_defaults(func=cmd_import)
