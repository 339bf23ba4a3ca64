"""`fangxian init | demo | serve`."""

from __future__ import annotations

import argparse
import os
import sys
import time

from core.config import PROJECT_ROOT, database_url
from core.i18n import DEFAULT_LANG, translate

COUNTED = ("streets", "communities", "grids", "checkpoints", "staff", "incidents")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("init", help="创建或升级数据库结构 (create or migrate the database)")
    p.add_argument("--with-demo", action="store_true", help="数据库为空时写入演示区 (seed the demo when empty)")
    p.add_argument("--repair-audit", action="store_true",
                   help="重建审计日志的防篡改触发器并记入审计日志（需数据库所有者，见 FANGXIAN_MIGRATE_URL）")
    p.add_argument("--grant-app-role", metavar="ROLE",
                   help="PostgreSQL：授予应用账号所需权限（审计日志只读、只追加）；以所有者身份运行")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="生成演示区数据 (generate the demo district)")
    p.add_argument("--scale", choices=["district", "city", "province"], default="district",
                   help="district≈180 社区; city≈1,400 社区; province≈27,000 社区、58 万下沉干部")
    p.add_argument("--seed", type=int, default=42, help="随机种子，同一种子生成同一数据")
    p.add_argument("--reset", action="store_true", help="先清空数据库 (drop every table first)")
    p.add_argument("--drop", action="store_true",
                   help="清空演示数据（保留管理员新建的账号，删除演示账号），之后可导入本辖区的真实文件；"
                        "需 --user 管理员账号 或 --as-system")
    from core.cli.common import add_identity

    add_identity(p)  # --drop writes: who does it
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="启动指挥台网页 (run the dashboard)")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="127.0.0.1", help="监听地址；放在反向代理后面时保持 127.0.0.1")
    p.add_argument("--no-demo", action="store_true", help="数据库为空时不写入演示数据")
    p.add_argument("--workers", type=int, default=1, help=translate("cli.serve.help.workers", DEFAULT_LANG))
    p.add_argument("--print-nginx", action="store_true", help=argparse.SUPPRESS)  # deploy/README.md
    p.set_defaults(func=cmd_serve)


def cmd_init(args: argparse.Namespace) -> int:
    from core.demo.setup import ensure_ready

    if getattr(args, "grant_app_role", None):
        from core.storage.db import grant_app_role, migrate, owner_url

        url = database_url(args.database_url)
        migrate(url)
        grant_app_role(owner_url(url), args.grant_app_role)
        print(translate("cli.audit_guard.granted", args.lang, role=args.grant_app_role))
    if getattr(args, "repair_audit", False):
        from core.cli.common import cli_actor
        from core.demo.setup import repair_audit

        repaired = repair_audit(args.database_url, cli_actor(args, "admin"))
        print(translate("cli.audit_guard.repaired" if repaired else "cli.audit_guard.intact", args.lang,
                        parts=repaired))
    seeded = ensure_ready(args.database_url, seed_demo=args.with_demo)
    print(translate("cli.setup.ready_seeded" if seeded else "cli.setup.ready", args.lang))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from core.demo.seed import seed_demo_database
    from core.storage.db import drop_everything, migrate

    url = database_url(args.database_url)
    if args.drop:
        return _drop_demo(url, args)
    if args.reset:
        from core.model.errors import InvalidInput
        from core.storage.audit_guard import may_reset

        if not may_reset(url):  # a district's own data (and its audit trail) is never dropped this way
            raise InvalidInput("audit_guard.reset_not_demo")
        drop_everything(url)
    migrate(url)
    t0 = time.perf_counter()
    counts = seed_demo_database(url, scale=args.scale, seed=args.seed)
    took = time.perf_counter() - t0
    print(translate("cli.setup.demo_done", args.lang, scale=args.scale, seed=args.seed, seconds=took))
    for key, n in counts.items():
        name = translate(f"cli.setup.count.{key}", args.lang) if key in COUNTED else key
        print(translate("cli.setup.count_line", args.lang, name=name, n=n))
    return 0


def _drop_demo(url: str, args: argparse.Namespace) -> int:
    from core.cli.common import acting
    from core.demo.drop import drop_demo

    counts = drop_demo(url, acting(url, args, "admin"))
    print(translate("cli.setup.demo_dropped", args.lang, accounts_kept=counts["accounts_kept"],
                    kiosk_tokens_kept=counts["kiosk_tokens_kept"]))
    if not counts["accounts_kept"]:
        print(translate("cli.setup.demo_dropped_no_accounts", args.lang, command="fangxian user add"))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from core.cli import serve_workers
    from core.demo.setup import ensure_ready

    url = database_url(args.database_url)
    serve_workers.check_workers(url, args.workers)
    if args.print_nginx:  # the site configuration for /etc/nginx/conf.d (the systemd layout)
        backends = [args.port + k for k in range(1, args.workers + 1)]
        print(serve_workers.site_config(f"{args.address}:{args.port}", backends, "/var/log/nginx/fangxian.access.log"))
        return 0
    if ensure_ready(url, seed_demo=not args.no_demo):
        print(translate("cli.setup.first_run", args.lang))
    elif hint := old_demo_hint(url, args.lang):
        print(hint)
    env = dict(os.environ, FANGXIAN_DATABASE_URL=url)
    if args.no_demo:
        env["FANGXIAN_DEMO"] = "0"  # the app's own start-up check seeds nothing either
    cmd = [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "dashboard" / "server.py")]
    if args.workers > 1:  # N app processes behind one nginx on --port, stopped together
        return serve_workers.serve_workers(cmd, env, port=args.port, address=args.address, workers=args.workers,
                                           lang=args.lang)
    cmd += ["--server.port", str(args.port), "--server.address", args.address]
    print(translate("cli.setup.address", args.lang, address=args.address, port=args.port), flush=True)
    # exec, not a child: SIGTERM/SIGINT from systemd, docker or ./scripts/run reach Streamlit itself,
    # so stopping the service never leaves a server behind
    os.chdir(PROJECT_ROOT)
    os.execve(sys.executable, cmd, env)
    return 0  # not reached


def old_demo_hint(url: str, lang: str = DEFAULT_LANG) -> str | None:
    """The demo lives on the day it was seeded: how to bring it to today (None: nothing to say)."""
    from core.services import clock
    from core.services.uow import unit_of_work

    with unit_of_work(url) as uow:
        day = clock.demo_day(uow)
    if day is not None and day < clock.wall_now().date():
        return translate("cli.setup.old_demo", lang, day=day.isoformat())
    return None
