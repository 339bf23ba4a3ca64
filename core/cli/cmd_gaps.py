"""`fangxian gaps`: required, available and gap per grid, community or street (CSV or JSON)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from core.cli.common import print_table
from core.model.errors import InvalidInput

COLUMNS = {
    "grid": ["code", "name", "community", "street", "required", "available", "gap", "shortage", "movable_surplus",
             "checkpoints", "isolated_households", "grid_members_on_duty"],
    "community": ["code", "name", "street", "risk_level", "population", "required", "available", "gap", "shortage",
                  "movable_surplus", "movable_on_duty", "grid_coverage", "checkpoint_shift_coverage",
                  "staff_per_10k", "volunteers_per_1k"],
    "street": ["code", "name", "street", "communities", "short_communities", "population", "required", "available",
               "gap", "shortage", "movable_surplus", "grid_coverage", "checkpoint_shift_coverage", "staff_per_10k",
               "volunteers_per_1k"],
}


def register(sub: Any) -> None:
    p = sub.add_parser("gaps", help="人员缺口：按网格、社区或街道列出应配、在岗、缺口、可调出人数")
    p.add_argument("--level", choices=list(COLUMNS), default="community", help="统计层级（默认 community）")
    p.add_argument("--date", help="历史日期 YYYY-MM-DD（按当日在用的配置标准计算；默认今天）")
    p.add_argument("--street", action="append", default=[], metavar="CODE", help="只看这些街道（可重复）")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.set_defaults(func=cmd_gaps)


def _parse_day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput("cli.gaps.date_invalid", text=text) from exc


def cmd_gaps(args: argparse.Namespace) -> int:
    from core.services.gaps import load_gaps
    from core.services.uow import unit_of_work

    day = _parse_day(args.date)
    with unit_of_work(args.database_url) as uow:
        res = load_gaps(uow, day)
    df = {"grid": res.grid, "community": res.community, "street": res.street}[args.level]
    if args.street:
        known = set(res.street["code"])
        unknown = [s for s in args.street if s not in known]
        if unknown:
            raise InvalidInput("cli.gaps.streets_unknown", codes=unknown)
        df = df[df["street_code" if args.level != "street" else "code"].isin(args.street)]
    out = df[COLUMNS[args.level]].copy()
    for col in ("grid_coverage", "checkpoint_shift_coverage", "staff_per_10k", "volunteers_per_1k"):
        if col in out:
            out[col] = out[col].round(1)
    out = out.sort_values(["gap", "code"], ascending=[False, True])
    print_table(out, args.format)
    return 0
