"""`fangxian plan`: the suggested reassignment plan (and, with --apply, commit it as one batch)."""

from __future__ import annotations

import argparse
import json
import sys

from core.cli.common import cli_actor
from core.model.errors import InvalidInput

MOVE_FIELDS = ["staff_id", "staff_code", "from", "to", "km"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("plan", help="计算建议调配方案 (suggested reassignment plan)")
    p.add_argument("--max-km", type=float, default=None, help="最远调配距离（公里），默认不限")
    p.add_argument("--streets", nargs="+", metavar="CODE", help="只在这些街道内调配（街道编码）")
    p.add_argument("--k", type=int, default=20, help="每个社区的候选近邻数（默认 20）")
    p.add_argument("--allow-below-requirement", action="store_true",
                   help="允许调出社区低于需求（不低于下限），以缩小最大缺口")
    p.add_argument("--max-moves-per-community", type=int, default=None, help="每个社区最多调入/调出人数")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--apply", action="store_true", help="提交方案（一个审计批次）")
    p.add_argument("--user", help="提交人（写入审计记录）")
    p.add_argument("--reason", help="调配原因（--apply 时必填）")
    p.set_defaults(func=cmd_plan)


def cmd_plan(args: argparse.Namespace) -> int:
    from core.config import database_url
    from core.model.optimizer.network import PlanOptions
    from core.services.reassign import apply_plan, suggest_plan

    if args.max_km is not None and args.max_km <= 0:
        raise InvalidInput("--max-km 必须大于 0")
    if args.apply and not (args.reason and args.reason.strip()):
        raise InvalidInput("--apply 需要 --reason 说明调配原因")
    url = database_url(args.database_url)
    opt = PlanOptions(max_km=args.max_km, k=args.k, keep_origin_at_requirement=not args.allow_below_requirement,
                      max_moves_per_community=args.max_moves_per_community)
    result = suggest_plan(url, opt, streets=args.streets)
    moves = result.moves.rename(columns={"from_community_id": "from", "to_community_id": "to"})
    codes = None
    if len(moves):
        from core.services.gaps import load_gaps

        codes = load_gaps(url).community.set_index("community_id")["code"]
        moves["from"] = moves["from"].map(codes)
        moves["to"] = moves["to"].map(codes)
    moves = moves.reindex(columns=MOVE_FIELDS)
    moves["km"] = moves["km"].astype(float).round(2)
    totals = result.totals.as_dict()
    if args.apply and len(result.moves):
        actor = cli_actor(args, "coordinator")
        res = apply_plan(actor, url, result, None, args.reason)
        totals["batch_id"] = res.batch_id
    if args.format == "json":
        records = json.loads(moves.to_json(orient="records", force_ascii=False))
        json.dump({"moves": records, "totals": totals}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        moves.to_csv(sys.stdout, index=False)
        t = result.totals
        print(f"# 缺口 {t.shortage_before} → {t.shortage_after} 人；最大社区缺口 {t.worst_before} → {t.worst_after} 人；"
              f"调动 {t.moves} 人，合计 {t.km:.1f} 公里" + (f"；已提交批次 {totals['batch_id']}" if "batch_id" in totals else ""),
              file=sys.stderr)
    return 0
