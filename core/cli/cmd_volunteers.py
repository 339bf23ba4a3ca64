"""`fangxian errands list|escalate` (cron: overdue errands become service_overdue incidents) and
`fangxian volunteers tasks|hours` (today's tasks with needed vs assigned; who is worn out). CSV/JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from core.cli.common import acting, add_identity, print_table
from core.i18n import cli_lang, translate
from core.model.errors import InvalidInput

ERRAND_COLUMNS = ["code", "kind", "status", "street", "community", "created_at", "deadline", "age_h", "left_h",
                  "overdue", "assignee_code", "incident_code"]
TASK_COLUMNS = ["code", "type", "title", "street", "community", "starts_at", "ends_at", "needed", "assigned", "fill",
                "missing", "checked_in"]
HOURS_COLUMNS = ["code", "kind", "community", "hours_today", "hours_7d", "streak", "worn_out"]


def register(sub: Any) -> None:
    lang = cli_lang()  # --help is printed before --lang is read: the environment's language
    p = sub.add_parser("errands", help=translate("cli.errands.help", lang))
    esub = p.add_subparsers(dest="errands_command", metavar="ACTION", required=True)
    ls = esub.add_parser("list", help=translate("cli.errands.help.list", lang))
    ls.add_argument("--status", choices=["open", "overdue", "all"], default="open")
    ls.add_argument("--format", choices=["csv", "json"], default="csv")
    ls.set_defaults(func=cmd_errands)
    es = esub.add_parser("escalate", help=translate("cli.errands.help.escalate", lang))
    es.add_argument("--at", help=translate("cli.errands.help.at", lang))
    add_identity(es)
    es.add_argument("--format", choices=["csv", "json"], default="json")
    es.set_defaults(func=cmd_escalate)

    v = sub.add_parser("volunteers", help=translate("cli.volunteers.help", lang))
    vsub = v.add_subparsers(dest="volunteers_command", metavar="ACTION", required=True)
    tk = vsub.add_parser("tasks", help=translate("cli.volunteers.help.tasks", lang))
    tk.add_argument("--short", action="store_true", help=translate("cli.volunteers.help.short", lang))
    tk.add_argument("--format", choices=["csv", "json"], default="csv")
    tk.set_defaults(func=cmd_tasks)
    hr = vsub.add_parser("hours", help=translate("cli.volunteers.help.hours", lang))
    hr.add_argument("--worn-out", action="store_true", help=translate("cli.volunteers.help.worn_out", lang))
    hr.add_argument("--format", choices=["csv", "json"], default="csv")
    hr.set_defaults(func=cmd_hours)


def cmd_errands(args: argparse.Namespace) -> int:
    from core.services.errands import list_errands
    from core.services.uow import unit_of_work

    with unit_of_work(args.database_url) as uow:
        df = list_errands(uow, personal=False)
    if args.status == "open":
        df = df[df["open"]]
    elif args.status == "overdue":
        df = df[df["overdue"]]
    print_table(df[ERRAND_COLUMNS], args.format)
    return 0


def cmd_escalate(args: argparse.Namespace) -> int:
    import pandas as pd

    from core.services.errands import escalate_overdue
    from core.services.uow import unit_of_work

    at = None
    if args.at:
        try:
            at = dt.datetime.fromisoformat(args.at)
        except ValueError as exc:
            raise InvalidInput("cli.errands.bad_moment", value=args.at) from exc
    actor = acting(args.database_url, args, "coordinator", "admin")
    with unit_of_work(args.database_url) as uow:
        res = escalate_overdue(uow, actor, at)
    print_table(pd.DataFrame({"incident": list(res.incident_codes)}), args.format,
                extra={"escalated": res.errands} if args.format == "json" else None)
    if args.format == "csv":
        print(translate("cli.errands.escalated", args.lang, n=res.errands), file=sys.stderr)
    return 0


def cmd_tasks(args: argparse.Namespace) -> int:
    from core.services.uow import unit_of_work
    from core.services.volunteers import load_view

    with unit_of_work(args.database_url) as uow:
        view = load_view(uow, personal=False)
    df = view.tasks.sort_values(["missing", "starts_at"], ascending=[False, True])
    if args.short:
        df = df[df["missing"] > 0]
    print_table(df[TASK_COLUMNS], args.format)
    return 0


def cmd_hours(args: argparse.Namespace) -> int:
    from core.services.uow import unit_of_work
    from core.services.volunteers import load_view

    with unit_of_work(args.database_url) as uow:
        p = load_view(uow, personal=False).people
    p = p[p["hours_7d"] > 0].sort_values(["worn_out", "hours_7d"], ascending=False)
    if args.worn_out:
        p = p[p["worn_out"]]
    p = p.assign(hours_today=p["hours_today"].round(1), hours_7d=p["hours_7d"].round(1), streak=p["streak"].astype(int))
    print_table(p[HOURS_COLUMNS], args.format)
    return 0
