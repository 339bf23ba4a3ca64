"""`fangxian whatif FILE.json`: evaluate a scenario file (fangxian-scenario/1) against today's live
data and print the before/after summary and the communities that change (CSV or JSON). Nothing is
written. Exit 2 on a bad file (JSON line/column, field named) or a reference that does not exist."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from core.cli.common import print_table
from core.model.errors import InvalidInput, NotFound

COMMUNITY_COLUMNS = ["code", "name", "street", "risk_level_before", "risk_level_after", "required_before",
                     "required_after", "available_before", "available_after", "gap_before", "gap_after",
                     "shortage_before", "shortage_after", "delta_shortage", "unstaffed_shifts_before",
                     "unstaffed_shifts_after"]


def register(sub: Any) -> None:
    p = sub.add_parser("whatif", help="推演研判：按情景文件（fangxian-scenario/1）计算变化前后的缺口，不写入任何数据")
    p.add_argument("file", metavar="FILE.json", help="情景文件（格式见 docs/scenario-format.md）")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--top", type=int, default=0, help="只列出变化最大的前 N 个社区（默认全部有变化的社区）")
    p.set_defaults(func=cmd_whatif)


def _read(path: str) -> Any:
    from core.model.scenarios.file_format import loads

    f = Path(path)
    if not f.is_file():
        raise InvalidInput(f"{path}：文件不存在")
    return loads(f.read_bytes(), source=path)


def cmd_whatif(args: argparse.Namespace) -> int:
    from core.model.scenarios.evaluation import evaluate_live, load_baseline

    scenario = _read(args.file)
    if scenario.base != "live":
        raise InvalidInput(f"{args.file}：base 应为 \"live\"（导出的情景文件已包含其基础情景的全部变更），"
                           f"现为 {scenario.base!r}")
    try:
        res = evaluate_live(load_baseline(args.database_url), scenario)
    except NotFound as exc:  # a code in the file that the database does not hold: the file is wrong
        raise InvalidInput("whatif.file_invalid", file=args.file, cause=exc) from exc
    changed = res.top_changes(args.top) if args.top else res.top_changes(len(res.community))
    summary = res.district[["key", "name", "unit", "before", "after", "delta"]]
    communities = changed[COMMUNITY_COLUMNS].reset_index(drop=True)
    if args.format == "json":
        json.dump({"scenario": scenario.name, "changes": len(scenario.changes),
                   "summary": summary.to_dict("records"),
                   "communities": json.loads(communities.to_json(orient="records", force_ascii=False)),
                   "moves": int(len(res.moves)), "added_cadres": int(len(res.added))},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    print_table(summary, "csv")
    sys.stdout.write("\n")
    print_table(communities if len(communities) else pd.DataFrame(columns=COMMUNITY_COLUMNS), "csv")
    return 0
