"""`fangxian incidents list` (CSV/JSON) and `fangxian isolation scan` (cron: raise due isolation incidents)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from core.cli.common import acting, add_identity, print_table
from core.i18n import cli_lang, translate
from core.model.errors import InvalidInput
from core.model.vocab import IncidentStatus

LIST_COLUMNS = ["code", "status", "type", "severity", "street", "community", "place", "reported_at", "deadline",
                "resolved_at", "age_h", "overdue", "assignee", "source"]
STATUS_CHOICES = ["open", "overdue", "all", *[s.value for s in IncidentStatus]]


def register(sub: Any) -> None:
    lang = cli_lang()  # --help is printed before --lang is read: the environment's language
    p = sub.add_parser("incidents", help=translate("cli.incidents.help", lang))
    isub = p.add_subparsers(dest="incidents_command", metavar="ACTION", required=True)
    ls = isub.add_parser("list", help=translate("cli.incidents.help.list", lang))
    ls.add_argument("--status", choices=STATUS_CHOICES, default="open",
                    help=translate("cli.incidents.help.status", lang))
    ls.add_argument("--since", help=translate("cli.incidents.help.since", lang))
    ls.add_argument("--street", action="append", default=[], metavar="CODE", help=translate("cli.incidents.help.street", lang))
    ls.add_argument("--format", choices=["csv", "json"], default="csv")
    ls.set_defaults(func=cmd_list)

    q = sub.add_parser("isolation", help=translate("cli.isolation.help", lang))
    qsub = q.add_subparsers(dest="isolation_command", metavar="ACTION", required=True)
    sc = qsub.add_parser("scan", help=translate("cli.isolation.help.scan", lang))
    sc.add_argument("--at", help=translate("cli.isolation.help.at", lang))
    add_identity(sc)
    sc.add_argument("--format", choices=["csv", "json"], default="json")
    sc.set_defaults(func=cmd_scan)


def _parse(text: str | None, flag: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput("cli.incidents.bad_moment", flag=flag, value=text) from exc


def cmd_list(args: argparse.Namespace) -> int:
    from core.services.incidents import filter_incidents, list_incidents
    from core.services.uow import unit_of_work

    since = _parse(args.since, "--since")
    with unit_of_work(args.database_url) as uow:
        df = list_incidents(uow, since=since)
    if args.street:
        unknown = sorted(set(args.street) - set(df["street_code"]))
        if unknown and len(df):
            raise InvalidInput("cli.incidents.unknown_streets", codes=unknown)
        df = filter_incidents(df, streets=args.street)
    if args.status == "open":
        df = df[df["open"]]
    elif args.status == "overdue":
        df = df[df["overdue"]]
    elif args.status != "all":
        df = df[df["status"] == args.status]
    print_table(df[LIST_COLUMNS], args.format)
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    import pandas as pd

    from core.services.isolation import scan_isolation
    from core.services.uow import unit_of_work

    at = _parse(args.at, "--at")
    actor = acting(args.database_url, args, "coordinator", "admin")
    with unit_of_work(args.database_url) as uow:
        res = scan_isolation(uow, actor, at)
    out = pd.DataFrame({"incident": res.incident_codes})
    print_table(out, args.format, extra={"day": res.day.isoformat(), "fever": res.fever, "missed": res.missed}
                if args.format == "json" else None)
    if args.format == "csv":
        print(translate("cli.isolation.scanned", args.lang, day=res.day.isoformat(), fever=res.fever,
                        missed=res.missed), file=sys.stderr)
    return 0
