"""`fangxian alerts ...`: list the firing alerts, show the rules, and run the system sync job (cron)."""

from __future__ import annotations

import argparse
import time
from typing import Any

from core.cli.common import acting, add_identity, print_table
from core.i18n import translate


def _list(args: argparse.Namespace) -> int:
    from core.model.alert_rules import for_display
    from core.services.read_models.wall import load_wall
    from core.services.uow import unit_of_work

    with unit_of_work(args.database_url) as uow:
        data = load_wall(uow)
    shown = data.alerts if args.all else for_display(data.alerts)
    out = shown[["level", "kind", "street", "community", "target", "value", "threshold", "first_seen",
                 "acknowledged", "is_new", "rule_code", "subject"]].copy()
    # the column keeps its name (scripts read it); its words follow --lang
    out.insert(2, "kind_zh", [translate(f"alert_kind.{k}", args.lang) for k in out["kind"]])
    print_table(out, args.format)
    return 0


def _rules(args: argparse.Namespace) -> int:
    from core.config import database_url
    from core.services.alerts import rules_in_force
    from core.services.uow import unit_of_work

    with unit_of_work(database_url(args.database_url)) as uow:
        rules = rules_in_force(uow)
    print_table(rules, args.format)
    return 0


def _sync(args: argparse.Namespace) -> int:
    """Persist alert instances as ``--as-system`` (cron) or an admin account; ``--every S`` repeats
    (for a service unit)."""
    from core.services import clock
    from core.services.alerts import sync_alerts
    from core.services.read_models.wall import firing_now
    from core.services.uow import unit_of_work

    actor = acting(args.database_url, args, "admin")
    while True:
        with unit_of_work(args.database_url) as uow:  # one transaction per round
            now = clock.reference_now(uow)
            r = sync_alerts(uow, actor, firing_now(uow, now), now)
        print(translate("cli_alerts.synced", args.lang, opened=r.opened, still_open=r.still_open,
                        resolved=r.resolved), flush=True)
        if not args.every:
            return 0
        time.sleep(args.every)


def register(sub: Any) -> None:
    parser = sub.add_parser("alerts", help="预警：列表、规则、同步（定时任务）")
    asub = parser.add_subparsers(dest="alerts_cmd", metavar="ACTION", required=True)
    p = asub.add_parser("list", help="当前预警（默认只列大屏上显示的：未确认、每个对象取最高级别）")
    p.add_argument("--all", action="store_true", help="包括已确认和较低级别的预警")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.set_defaults(func=_list)
    p = asub.add_parser("rules", help="预警规则（阈值）")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.set_defaults(func=_rules)
    p = asub.add_parser("sync", help="以系统身份记录预警的首次出现与解除（供 cron 或常驻服务调用）")
    p.add_argument("--every", type=float, default=0.0, help="每隔多少秒重复一次（默认只运行一次）")
    add_identity(p)
    p.set_defaults(func=_sync)
