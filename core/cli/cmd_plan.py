"""`fangxian plan`: the suggested reassignment plan (and, with --apply, commit it as one batch).

With ``--user`` the plan stays within the account's streets (its donors and receivers both inside):
``--streets`` outside them is refused, none given means all of them; ``--apply`` is done as that
account (coordinator or admin), or as the system with ``--as-system``."""

from __future__ import annotations

import argparse
import json
import sys

from core.cli.common import account_actor, add_identity, need_identity
from core.i18n import cli_lang, translate
from core.model.actor import Actor
from core.model.errors import InvalidInput, PermissionDenied

MOVE_FIELDS = ["staff_id", "staff_code", "from", "to", "km"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    lang = cli_lang()  # --help is printed before --lang is read: the environment's language
    p = sub.add_parser("plan", help=translate("cli.plan.help", lang))
    p.add_argument("--max-km", type=float, default=None, help=translate("cli.plan.help.max_km", lang))
    p.add_argument("--streets", nargs="+", metavar="CODE", help=translate("cli.plan.help.streets", lang))
    p.add_argument("--k", type=int, default=20, help=translate("cli.plan.help.k", lang))
    p.add_argument("--allow-below-requirement", action="store_true", help=translate("cli.plan.help.below", lang))
    p.add_argument("--max-moves-per-community", type=int, default=None,
                   help=translate("cli.plan.help.max_moves", lang))
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--apply", action="store_true", help=translate("cli.plan.help.apply", lang))
    add_identity(p)
    p.add_argument("--reason", help=translate("cli.plan.help.reason", lang))
    p.set_defaults(func=cmd_plan)


def _streets_in_scope(actor: Actor | None, asked: list[str] | None) -> list[str] | None:
    """The streets to plan over: those asked for (each within the account's scope), else the scope."""
    if actor is None or actor.streets is None:
        return asked
    if not asked:
        return sorted(actor.streets)
    outside = sorted(set(asked) - actor.streets)
    if outside:
        raise PermissionDenied("auth.denied.streets", user=actor.username, streets=outside)
    return asked


def cmd_plan(args: argparse.Namespace) -> int:
    from core.config import database_url
    from core.model.optimizer.network import PlanOptions
    from core.services.gaps import load_gaps
    from core.services.reassign import apply_plan, suggest_plan
    from core.services.uow import unit_of_work

    if args.max_km is not None and args.max_km <= 0:
        raise InvalidInput("cli.plan.max_km_positive")
    if args.apply and not (args.reason and args.reason.strip()):
        raise InvalidInput("cli.plan.apply_needs_reason")
    if args.apply:
        need_identity(args)
    opt = PlanOptions(max_km=args.max_km, k=args.k, keep_origin_at_requirement=not args.allow_below_requirement,
                      max_moves_per_community=args.max_moves_per_community)
    url = database_url(args.database_url)
    with unit_of_work(url) as uow:
        actor = (account_actor(uow, args, "coordinator", "admin") if args.apply
                 else account_actor(uow, args) if args.user else None)  # a look at the plan: the scope only
        streets = _streets_in_scope(actor, args.streets)
        gaps = load_gaps(uow)
        result = suggest_plan(uow, opt, streets=streets, gaps=gaps)
    totals = result.totals.as_dict()
    if args.apply and actor is not None and len(result.moves):
        # the write is a unit of work of its own that locks before it reads (SQLite cannot turn a read
        # into a write once another writer has committed); the plan's versions catch any change since
        with unit_of_work(url) as uow:
            res = apply_plan(uow, actor, result, None, args.reason)
        totals["batch_id"] = res.batch_id
    moves = result.moves.rename(columns={"from_community_id": "from", "to_community_id": "to"})
    if len(moves):
        codes = gaps.community.set_index("community_id")["code"]
        moves["from"] = moves["from"].map(codes)
        moves["to"] = moves["to"].map(codes)
    moves = moves.reindex(columns=MOVE_FIELDS)
    moves["km"] = moves["km"].astype(float).round(2)
    if args.format == "json":
        records = json.loads(moves.to_json(orient="records", force_ascii=False))
        json.dump({"moves": records, "totals": totals}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        moves.to_csv(sys.stdout, index=False)
        t = result.totals
        line = translate("cli.plan.summary", args.lang, shortage_before=t.shortage_before,
                         shortage_after=t.shortage_after, worst_before=t.worst_before, worst_after=t.worst_after,
                         moves=t.moves, km=f"{t.km:.1f}")
        if "batch_id" in totals:
            line += translate("cli.plan.summary_applied", args.lang, batch=totals["batch_id"])
        print(line, file=sys.stderr)
    return 0
