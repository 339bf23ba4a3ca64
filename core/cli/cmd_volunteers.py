"""`fangxian errands list|escalate` (cron: overdue errands become service_overdue incidents) and
`fangxian volunteers tasks|hours` (today's tasks with needed vs assigned; who is worn out). CSV/JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from core.cli.common import cli_actor, print_table
from core.model.errors import InvalidInput

ERRAND_COLUMNS = ["code", "kind", "status", "street", "community", "created_at", "deadline", "age_h", "left_h",
                  "overdue", "assignee_code", "incident_code"]
TASK_COLUMNS = ["code", "type", "title", "street", "community", "starts_at", "ends_at", "needed", "assigned", "fill",
                "missing", "checked_in"]
HOURS_COLUMNS = ["code", "kind", "community", "hours_today", "hours_7d", "streak", "worn_out"]


def register(sub: Any) -> None:
    p = sub.add_parser("errands", help="代买代办：列出队列，定时把超时事项上报为事件")
    esub = p.add_subparsers(dest="errands_command", metavar="ACTION", required=True)
    ls = esub.add_parser("list", help="列出代办事项（不含居民姓名和电话），默认未办结的")
    ls.add_argument("--status", choices=["open", "overdue", "all"], default="open")
    ls.add_argument("--format", choices=["csv", "json"], default="csv")
    ls.set_defaults(func=cmd_errands)
    es = esub.add_parser("escalate", help="超过办理时限的未办结事项各生成一起“代买代办超时”事件（重复运行不会重复生成）")
    es.add_argument("--at", help="按此时刻判断（YYYY-MM-DDTHH:MM，默认现在）")
    es.add_argument("--user", help="审计记录中的操作人（默认 cli:<系统账号>）")
    es.add_argument("--format", choices=["csv", "json"], default="json")
    es.set_defaults(func=cmd_escalate)

    v = sub.add_parser("volunteers", help="志愿者：今日任务（已派/需要），服务时长与疲劳预警")
    vsub = v.add_subparsers(dest="volunteers_command", metavar="ACTION", required=True)
    tk = vsub.add_parser("tasks", help="今日任务，缺人的在前")
    tk.add_argument("--short", action="store_true", help="只列缺人的任务")
    tk.add_argument("--format", choices=["csv", "json"], default="csv")
    tk.set_defaults(func=cmd_tasks)
    hr = vsub.add_parser("hours", help="近 7 天服务时长（不含姓名），疲劳预警的在前")
    hr.add_argument("--worn-out", action="store_true", help="只列疲劳预警的人员")
    hr.add_argument("--format", choices=["csv", "json"], default="csv")
    hr.set_defaults(func=cmd_hours)


def cmd_errands(args: argparse.Namespace) -> int:
    from core.services.errands import list_errands

    df = list_errands(args.database_url, personal=False)
    if args.status == "open":
        df = df[df["open"]]
    elif args.status == "overdue":
        df = df[df["overdue"]]
    print_table(df[ERRAND_COLUMNS], args.format)
    return 0


def cmd_escalate(args: argparse.Namespace) -> int:
    import pandas as pd

    from core.services.errands import escalate_overdue

    at = None
    if args.at:
        try:
            at = dt.datetime.fromisoformat(args.at)
        except ValueError as exc:
            raise InvalidInput(f"参数 --at 的格式应为 YYYY-MM-DDTHH:MM，现为 {args.at!r}") from exc
    res = escalate_overdue(cli_actor(args, "coordinator"), args.database_url, at)
    print_table(pd.DataFrame({"incident": list(res.incident_codes)}), args.format,
                extra={"escalated": res.errands} if args.format == "json" else None)
    if args.format == "csv":
        print(f"# 上报 {res.errands} 起代买代办超时事件", file=sys.stderr)
    return 0


def cmd_tasks(args: argparse.Namespace) -> int:
    from core.services.volunteers import load_view

    view = load_view(args.database_url, personal=False)
    df = view.tasks.sort_values(["missing", "starts_at"], ascending=[False, True])
    if args.short:
        df = df[df["missing"] > 0]
    print_table(df[TASK_COLUMNS], args.format)
    return 0


def cmd_hours(args: argparse.Namespace) -> int:
    from core.services.volunteers import load_view

    p = load_view(args.database_url, personal=False).people
    p = p[p["hours_7d"] > 0].sort_values(["worn_out", "hours_7d"], ascending=False)
    if args.worn_out:
        p = p[p["worn_out"]]
    p = p.assign(hours_today=p["hours_today"].round(1), hours_7d=p["hours_7d"].round(1), streak=p["streak"].astype(int))
    print_table(p[HOURS_COLUMNS], args.format)
    return 0
