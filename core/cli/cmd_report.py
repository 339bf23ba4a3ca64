"""`fangxian report daily [--date D] [--street CODE] --format pdf|docx -o FILE`: the day's briefing from
the figures now, for cron or a desk without the app (the archived, signed versions are on the page)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from core.i18n import cli_lang, translate
from core.model.errors import InvalidInput


def _day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("report.day_invalid", day=text) from None


def cmd_daily(args: argparse.Namespace) -> int:
    from core.services.reports.archive import render_live
    from core.services.uow import unit_of_work

    day = _day(args.date)
    with unit_of_work(args.database_url) as uow:
        data = render_live(uow, day, args.street, args.format, args.lang)
    out = Path(args.output)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)  # whole or nothing: the file appears only once written
    tmp.replace(out)
    print(translate("cli.report.written", args.lang, path=str(out), size=len(data)), file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    lang = cli_lang()
    p = sub.add_parser("report", help=translate("cli.report.help", lang))
    rs = p.add_subparsers(dest="report_cmd", required=True, metavar="REPORT")
    d = rs.add_parser("daily", help=translate("cli.report.daily.help", lang))
    d.add_argument("--date", help=translate("cli.report.help.date", lang))
    d.add_argument("--street", metavar="CODE", help=translate("cli.report.help.street", lang))
    d.add_argument("--format", choices=["pdf", "docx"], required=True, help=translate("cli.report.help.format", lang))
    d.add_argument("-o", "--output", required=True, metavar="FILE", help=translate("cli.report.help.output", lang))
    d.set_defaults(func=cmd_daily)
