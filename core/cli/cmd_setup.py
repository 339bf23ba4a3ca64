"""`fangxian init | demo | serve`."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from core.config import PROJECT_ROOT, database_url


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("init", help="创建或升级数据库结构 (create or migrate the database)")
    p.add_argument("--with-demo", action="store_true", help="数据库为空时写入演示区 (seed the demo when empty)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="生成演示区数据 (generate the demo district)")
    p.add_argument("--scale", choices=["district", "city", "province"], default="district",
                   help="district≈180 社区; city≈1,400 社区; province≈27,000 社区、58 万下沉干部")
    p.add_argument("--seed", type=int, default=42, help="随机种子，同一种子生成同一数据")
    p.add_argument("--reset", action="store_true", help="先清空数据库 (drop every table first)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="启动指挥台网页 (run the dashboard)")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="127.0.0.1", help="监听地址；放在反向代理后面时保持 127.0.0.1")
    p.add_argument("--no-demo", action="store_true", help="数据库为空时不写入演示数据")
    p.set_defaults(func=cmd_serve)


def cmd_init(args: argparse.Namespace) -> int:
    from core.demo.setup import ensure_ready

    seeded = ensure_ready(args.database_url, seed_demo=args.with_demo)
    print("数据库已就绪" + ("，已写入演示数据" if seeded else ""))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from core.demo.seed import seed_demo_database
    from core.storage.db import get_engine, migrate
    from core.storage.rows import Base

    url = database_url(args.database_url)
    if args.reset:
        engine = get_engine(url)
        Base.metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    migrate(url)
    t0 = time.perf_counter()
    counts = seed_demo_database(url, scale=args.scale, seed=args.seed)
    took = time.perf_counter() - t0
    print(f"演示数据已生成（{args.scale}，种子 {args.seed}，用时 {took:.1f} 秒）：")
    labels = {"streets": "街道", "communities": "社区", "grids": "网格", "checkpoints": "卡点",
              "staff": "人员", "incidents": "事件"}
    for key, n in counts.items():
        print(f"  {labels.get(key, key)}：{n:,}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from core.demo.setup import ensure_ready

    url = database_url(args.database_url)
    if ensure_ready(url, seed_demo=not args.no_demo):
        print("首次运行：已创建数据库并写入演示数据（演示数据）")
    else:
        _hint_old_demo(url)
    env = dict(os.environ, FANGXIAN_DATABASE_URL=url)
    cmd = [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "dashboard" / "streamlit_app.py"),
           "--server.port", str(args.port), "--server.address", args.address]
    print(f"指挥台地址：http://{args.address}:{args.port}")
    return subprocess.call(cmd, cwd=PROJECT_ROOT, env=env)


def _hint_old_demo(url: str) -> None:
    """The demo lives on the day it was seeded; say how to bring it to today."""
    import datetime as dt

    from core.storage.db import session_scope
    from core.storage.repositories import tables_repo as repo

    with session_scope(url) as s:
        info = repo.demo_info(s)
    if info["demo"] == "1" and info["today"] and dt.date.fromisoformat(info["today"]) < dt.date.today():
        print(f"提示：演示数据生成于 {info['today']}；运行 fangxian demo --reset 可重新生成到今天。")
