"""`fangxian whatif FILE.json`: evaluate a scenario file (fangxian-scenario/1) against today's live
data and print the before/after summary and the communities that change (CSV or JSON). Nothing is
written, unless ``--handover --reason R`` (with ``--user`` a coordinator or admin, or ``--as-system``)
hands the scenario's moves of real people to the reassignment path as one batch, each with the
version and origin the scenario was computed on (core.services.whatif.to_batch: anyone moved since
fails the batch). Exit 2 on a bad file (JSON line/column, field named) or a reference that does not
exist."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from core.cli.common import acting, add_identity, need_identity, print_table
from core.i18n import cli_lang, translate
from core.model.errors import InvalidInput, NotFound

COMMUNITY_COLUMNS = ["code", "name", "street", "risk_level_before", "risk_level_after", "required_before",
                     "required_after", "available_before", "available_after", "gap_before", "gap_after",
                     "shortage_before", "shortage_after", "delta_shortage", "unstaffed_shifts_before",
                     "unstaffed_shifts_after"]


def register(sub: Any) -> None:
    lang = cli_lang()  # --help is printed before --lang is read: the environment's language
    p = sub.add_parser("whatif", help=translate("cli.whatif.help", lang))
    p.add_argument("file", metavar="FILE.json", help=translate("cli.whatif.help.file", lang))
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--top", type=int, default=0, help=translate("cli.whatif.help.top", lang))
    p.add_argument("--handover", action="store_true", help=translate("cli.whatif.help.handover", lang))
    p.add_argument("--reason", help=translate("cli.whatif.help.reason", lang))
    p.add_argument("--override-shortage-reason", help=translate("cli.whatif.help.override", lang))
    add_identity(p)
    p.set_defaults(func=cmd_whatif)


def _read(path: str) -> Any:
    from core.model.scenarios.file_format import loads

    f = Path(path)
    if not f.is_file():
        raise InvalidInput("cli.whatif.file_missing", file=path)
    return loads(f.read_bytes(), source=path)


def summary_table(district: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The district figures with their names and units in the CLI's language (key stays the code)."""
    out = district[["key", "unit", "before", "after", "delta"]].copy()
    out.insert(1, "name", [translate(f"whatif.kpi.{k}", lang) for k in out["key"]])
    out["unit"] = [translate(f"whatif.unit.{u}", lang) for u in out["unit"]]
    return out


def cmd_whatif(args: argparse.Namespace) -> int:
    from core.config import database_url
    from core.model.scenarios.evaluation import LIVE, evaluate_live
    from core.services.uow import unit_of_work
    from core.services.whatif import load_baseline, to_batch

    if args.handover and not (args.reason and args.reason.strip()):
        raise InvalidInput("cli.whatif.handover_needs_reason")
    if args.handover:
        need_identity(args)
    scenario = _read(args.file)
    if scenario.base != LIVE:
        raise InvalidInput("cli.whatif.base_not_live", file=args.file, base=repr(scenario.base))
    url = database_url(args.database_url)
    actor = acting(url, args, "coordinator", "admin") if args.handover else None
    with unit_of_work(url) as uow:
        baseline = load_baseline(uow)
    try:
        res = evaluate_live(baseline, scenario)
    except NotFound as exc:  # a code in the file that the database does not hold: the file is wrong
        raise InvalidInput("whatif.file_invalid", file=args.file, cause=exc) from exc
    batch = None
    if actor is not None:  # a unit of work of its own, which locks before it reads
        with unit_of_work(url) as uow:
            batch = to_batch(uow, actor, res, args.reason, args.override_shortage_reason)
    changed = res.top_changes(args.top) if args.top else res.top_changes(len(res.community))
    summary = summary_table(res.district, args.lang)
    communities = changed[COMMUNITY_COLUMNS].reset_index(drop=True)
    if args.format == "json":
        json.dump({"scenario": scenario.name, "changes": len(scenario.changes),
                   "summary": summary.to_dict("records"),
                   "communities": json.loads(communities.to_json(orient="records", force_ascii=False)),
                   "moves": int(len(res.moves)), "added_cadres": int(len(res.added)),
                   **({"batch_id": batch.batch_id, "moved": batch.moved} if batch is not None else {})},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    print_table(summary, "csv")
    sys.stdout.write("\n")
    print_table(communities if len(communities) else pd.DataFrame(columns=COMMUNITY_COLUMNS), "csv")
    if batch is not None:
        print(translate("cli.whatif.handed_over", args.lang, n=batch.moved, batch=batch.batch_id), file=sys.stderr)
    return 0
