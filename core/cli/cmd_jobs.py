"""`fangxian jobs list | run-due | retention`: the background jobs (alert sync, isolation scan, errand
escalation, the checkpoint register's purge) and their last runs; ``run-due`` runs what is due, once per
period across every app process (cron); ``retention`` shows or sets how long the register is kept."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import pandas as pd

from core.cli.common import acting, add_identity, print_table
from core.i18n import cli_lang, translate


def _selected(names: list[str] | None) -> tuple[Any, ...]:
    from core.services.jobs import JOBS, job_named

    return tuple(job_named(n) for n in names) if names else JOBS


def cmd_list(args: argparse.Namespace) -> int:
    from core.services.jobs import job_table
    from core.services.uow import unit_of_work

    with unit_of_work(args.database_url) as uow:
        rows = job_table(uow, _selected(args.job))
    df = pd.DataFrame(rows)
    df.insert(1, "what", [translate(f"jobs.name.{j}", args.lang) for j in df["job"]])
    print_table(df, args.format)
    return 0


def cmd_run_due(args: argparse.Namespace) -> int:
    from core.services.jobs import run_due
    from core.services.uow import unit_of_work

    jobs = _selected(args.job)
    actor = acting(args.database_url, args, "admin")
    out = run_due(lambda: unit_of_work(args.database_url), jobs, actor=actor)
    df = pd.DataFrame([{"job": o.job, "status": o.status, "summary": o.summary} for o in out],
                      columns=["job", "status", "summary"])
    print_table(df, args.format)
    counts = {s: sum(o.status == s for o in out) for s in ("ok", "failed", "not_due", "busy")}
    print(translate("cli.jobs.done", args.lang, ok=counts["ok"], failed=counts["failed"], not_due=counts["not_due"],
                    busy=counts["busy"]), file=sys.stderr)
    for o in out:
        if o.status == "failed":
            print(translate("cli.jobs.failed", args.lang, job=o.job, summary=o.summary), file=sys.stderr)
    return 1 if counts["failed"] else 0


def cmd_retention(args: argparse.Namespace) -> int:
    """The checkpoint register's retention (days before the purge job deletes a line); ``--days`` sets it."""
    from core.services import checkpoint_duty
    from core.services.uow import unit_of_work

    if args.days is not None:
        actor = acting(args.database_url, args, "admin")
        with unit_of_work(args.database_url) as uow:
            checkpoint_duty.set_retention_days(uow, actor, args.days, reason=args.reason or "")
    with unit_of_work(args.database_url) as uow:
        days = checkpoint_duty.retention_days(uow)
    print(translate("cli.jobs.retention", args.lang, days=days))
    return 0


def register(sub: Any) -> None:
    lang = cli_lang()  # --help is printed before --lang is read
    parser = sub.add_parser("jobs", help=translate("cli.jobs.help", lang))
    jsub = parser.add_subparsers(dest="jobs_cmd", metavar="ACTION", required=True)
    p = jsub.add_parser("list", help=translate("cli.jobs.help.list", lang))
    p.add_argument("--job", action="append", metavar="NAME", help=translate("cli.jobs.help.job", lang))
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.set_defaults(func=cmd_list)
    p = jsub.add_parser("run-due", help=translate("cli.jobs.help.run_due", lang))
    p.add_argument("--job", action="append", metavar="NAME", help=translate("cli.jobs.help.job", lang))
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    add_identity(p)
    p.set_defaults(func=cmd_run_due)
    p = jsub.add_parser("retention", help=translate("cli.jobs.help.retention", lang))
    p.add_argument("--days", type=int, metavar="N", help=translate("cli.jobs.help.days", lang))
    p.add_argument("--reason", metavar="TEXT")
    add_identity(p)
    p.set_defaults(func=cmd_retention)
