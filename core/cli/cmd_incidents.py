"""`fangxian incidents list` (CSV/JSON) and `fangxian isolation scan` (cron: raise due isolation incidents)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from core.cli.common import cli_actor, print_table
from core.model.errors import InvalidInput
from core.model.vocab import IncidentStatus

LIST_COLUMNS = ["code", "status", "type", "severity", "street", "community", "place", "reported_at", "deadline",
                "resolved_at", "age_h", "overdue", "assignee", "source"]
STATUS_CHOICES = ["open", "overdue", "all", *[s.value for s in IncidentStatus]]


def register(sub: Any) -> None:
    p = sub.add_parser("incidents", help="事件：列出事件（CSV/JSON）")
    isub = p.add_subparsers(dest="incidents_command", metavar="ACTION", required=True)
    ls = isub.add_parser("list", help="列出事件，默认未办结的")
    ls.add_argument("--status", choices=STATUS_CHOICES, default="open",
                    help="open（未办结，默认）、overdue（逾期）、all 或某一状态")
    ls.add_argument("--since", help="只列出此日期（YYYY-MM-DD）以来上报的")
    ls.add_argument("--street", action="append", default=[], metavar="CODE", help="只看这些街道（可重复）")
    ls.add_argument("--format", choices=["csv", "json"], default="csv")
    ls.set_defaults(func=cmd_list)

    q = sub.add_parser("isolation", help="居家隔离：定时扫描漏检和发热，自动生成事件")
    qsub = q.add_subparsers(dest="isolation_command", metavar="ACTION", required=True)
    sc = qsub.add_parser("scan", help="扫描今天的健康监测：发热（≥ 阈值）和漏检各生成一起事件（重复运行不会重复生成）")
    sc.add_argument("--at", help="按此时刻扫描（YYYY-MM-DDTHH:MM，默认现在）")
    sc.add_argument("--user", help="审计记录中的操作人（默认 cli:<系统账号>）")
    sc.add_argument("--format", choices=["csv", "json"], default="json")
    sc.set_defaults(func=cmd_scan)


def _parse(text: str | None, flag: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"参数 {flag} 的格式应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM，现为 {text!r}") from exc


def cmd_list(args: argparse.Namespace) -> int:
    from core.services.incidents import filter_incidents, list_incidents

    since = _parse(args.since, "--since")
    df = list_incidents(args.database_url, since=since)
    if args.street:
        unknown = sorted(set(args.street) - set(df["street_code"]))
        if unknown and len(df):
            raise InvalidInput(f"参数 --street：没有这些街道编码的事件：{'、'.join(unknown)}")
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

    at = _parse(args.at, "--at")
    res = scan_isolation(cli_actor(args, "coordinator"), args.database_url, at)
    out = pd.DataFrame({"incident": res.incident_codes})
    print_table(out, args.format, extra={"day": res.day.isoformat(), "fever": res.fever, "missed": res.missed}
                if args.format == "json" else None)
    if args.format == "csv":
        print(f"# {res.day}: 发热 {res.fever} 起，漏检 {res.missed} 起", file=sys.stderr)
    return 0
