"""`fangxian roster gaps | export | import`: the empty shifts (checkpoints and grid watches) of the next hours (for a morning check
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
    out = pd.DataFrame({"kind": df["kind"], "post": df["checkpoint"], "community": df["community"],
                        "shift": [rosters.slot_label(str(x), args.lang) for x in df["shift"]],
                        "starts_at": df["starts_at"], "ends_at": df["ends_at"], "needed": df["needed"],
                        "taken": df["taken"], "empty": df["empty"]})
    print_table(out, args.format)
    print(translate("cli.roster.gaps_done", args.lang, shifts=len(out), people=int(out["empty"].sum()),
                    hours=args.hours), file=sys.stderr)
    return 0


def post_named(uow: Any, kind: str, code: str) -> pd.DataFrame:
    """The one post (a row of ``rosters.post_frame``) of ``kind`` with ``code``; bad input if none."""
    from core.services import rosters

    posts = rosters.post_frame(uow, kind, active_only=False)
    posts = posts[posts["code"].astype(str) == code]
    if not len(posts):
        raise InvalidInput(f"cli.roster.{kind}_unknown", code=code)
    return posts


def week_sheet(uow: Any, code: str, start: dt.date, days: int, lang: str, kind: str = "checkpoint") -> pd.DataFrame:
    from core.services.roster_import import week_table

    return week_table(uow, int(post_named(uow, kind, code)["id"].iloc[0]), start, days, lang, kind)


def cmd_export(args: argparse.Namespace) -> int:
    from core.services import clock
    from core.services.roster_import import entries_table, workbook
    from core.services.uow import unit_of_work

    try:
        start = dt.date.fromisoformat(args.start) if args.start else None
    except ValueError:
        raise InvalidInput("roster.import.date_invalid", value=args.start) from None
    kind, code = ("grid", args.grid) if args.grid else ("checkpoint", args.checkpoint)
    with unit_of_work(args.database_url) as uow:
        day = start or clock.reference_day(uow)
        week = week_sheet(uow, code, day, args.days, args.lang, kind)
        pid = int(post_named(uow, kind, code)["id"].iloc[0])
        entries = entries_table(uow, pid, day, args.days, kind)
    sheet = entries if args.entries else week
    if args.format == "xlsx":
        if not args.output:
            raise InvalidInput("cli.roster.xlsx_needs_output")
        Path(args.output).write_bytes(workbook(week, entries, args.lang))
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
        done = import_roster(uow, actor, path, args.format)
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
    post = p.add_mutually_exclusive_group(required=True)
    post.add_argument("--checkpoint", metavar="CODE")
    post.add_argument("--grid", metavar="CODE", help=translate("cli.roster.help.grid", lang))
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    p.add_argument("--days", type=int, default=7, choices=range(1, 32), metavar="N")
    p.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
    p.add_argument("-o", "--output", metavar="FILE")
    p.add_argument("--entries", action="store_true", help=translate("cli.roster.help.entries", lang))
    p.set_defaults(func=cmd_export)
    p = rsub.add_parser("import", help=translate("cli.roster.help.import", lang))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", choices=["csv", "xlsx", "json"], help=translate("cli.roster.help.import_format", lang))
    add_identity(p)
    p.set_defaults(func=cmd_import)
