"""`fangxian bench ...`: speed and memory figures, printed (never timed unit tests).

Each benchmark is one function ``run_<name>(args) -> int`` plus one entry in ``BENCHES``; adding a
benchmark is adding that function and its line (``bench plan`` will join ``bench gaps`` here).
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from core.i18n import translate


def _median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def _peak_mb(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def _fmt_s(x: float) -> str:
    return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.2f} s"


def run_gaps(args: argparse.Namespace) -> int:
    """Full gap computation (every level and metric) against the loop baseline and the bincount floor."""
    from core.cli.bench.gaps_loop import compute_gaps_loop
    from core.demo.generator import generate
    from core.demo.state import state_from_demo
    from core.model.gaps import compute_gaps
    from core.model.norms import Norms

    t0 = time.perf_counter()
    state = state_from_demo(generate(args.scale, seed=args.seed))
    build = time.perf_counter() - t0
    norms = Norms()
    n_c, n_s = len(state.communities), len(state.staff)
    lang = args.lang
    print(translate("cli.bench.gaps.data", lang, scale=args.scale, communities=n_c, grids=len(state.grids),
                    staff=n_s, cadres=int((state.staff["kind"] == "cadre").sum()), seconds=build))

    cid = state.staff["community_id"].to_numpy()
    on = state.staff["on_duty"].to_numpy()
    first = int(state.communities["community_id"].iat[0])

    def floor() -> np.ndarray:
        return np.bincount(cid[on] - first, minlength=n_c)

    compute_gaps(state, norms)  # warm-up (first-touch allocations)
    t_floor, _ = _median_time(floor, args.repeat)
    t_engine, res = _median_time(lambda: compute_gaps(state, norms), args.repeat)
    t_loop, loop = _median_time(lambda: compute_gaps_loop(state, norms), max(1, args.loop_repeat))
    peak = _peak_mb(lambda: compute_gaps(state, norms))

    cols = ["required", "available", "gap", "movable_surplus"]
    agree = all(np.array_equal(loop[c].to_numpy(), res.community[c].to_numpy()) for c in cols)
    rows = [
        (translate("cli.bench.gaps.floor", lang), t_floor),
        (translate("cli.bench.gaps.engine", lang), t_engine),
        (translate("cli.bench.gaps.loop", lang), t_loop),
    ]
    what, median = translate("cli.bench.gaps.col.what", lang), translate("cli.bench.gaps.col.median", lang)
    width = max(len(r[0]) for r in [*rows, (what, 0.0)])
    print(f"{what:<{width}}  {median:>10}")
    for name, t in rows:
        print(f"{name:<{width}}  {_fmt_s(t):>10}")
    print(translate("cli.bench.gaps.engine_vs_floor", lang, ratio=t_engine / t_floor))
    print(translate("cli.bench.gaps.loop_vs_engine", lang, ratio=t_loop / t_engine))
    print(translate("cli.bench.gaps.peak", lang, mib=peak))
    d = res.district
    print(translate("cli.bench.gaps.totals", lang, required=d["required"], available=d["available"], gap=d["gap"],
                    shortage=d["shortage"], short_communities=d["short_communities"],
                    movable_surplus=d["movable_surplus"]))
    print(translate("cli.bench.gaps.agree", lang, columns=", ".join(cols),
                    answer=translate("cli.bench.yes" if agree else "cli.bench.no", lang)))
    met = "cli.bench.gaps.met" if t_engine < 0.2 else "cli.bench.gaps.missed"
    print(translate("cli.bench.gaps.target", lang, answer=translate(met, lang)))
    return 0 if agree else 1


def run_plan(args: argparse.Namespace) -> int:
    """Suggested reassignment plan vs LP optimum and greedy baseline (body in core.cli.bench.plan)."""
    from core.cli.bench.plan import run_plan as run

    return run(args)


def _plan_args(p: argparse.ArgumentParser) -> None:
    from core.cli.bench.plan import add_args

    add_args(p)


def run_whatif(args: argparse.Namespace) -> int:
    """What-if scenario of ten changes, warm, beside a full recomputation from the database (core.cli.bench.whatif)."""
    from core.cli.bench.whatif import run_whatif as run

    return run(args)


def _whatif_args(p: argparse.ArgumentParser) -> None:
    from core.cli.bench.whatif import add_args

    add_args(p)


#: name -> (runner, help, extra-argument adder)
BENCHES: dict[str, tuple[Callable[[argparse.Namespace], int], str, Callable[[argparse.ArgumentParser], object]]] = {
    "gaps": (run_gaps, "缺口计算：向量化引擎 vs 逐社区循环 vs bincount 下限", lambda p: p.add_argument(
        "--loop-repeat", type=int, default=1, help="循环基线重复次数（默认 1）")),
    "plan": (run_plan, "调配方案：规划耗时与内存，总缺口对照 LP 最优与贪心基线", _plan_args),
    "whatif": (run_whatif, "推演研判：十项变更的情景重算（内存中）对照从数据库完整重算；默认区和市两级", _whatif_args),
    "wallscreen": (lambda a: __import__("core.cli.bench.wall", fromlist=["x"]).run_wallscreen(a),
                   "指挥大屏：多次刷新的耗时与内存（是否持续增长）",
                   lambda p: __import__("core.cli.bench.wall", fromlist=["x"]).add_args(p)),
    "import": (lambda a: __import__("core.cli.bench.importing", fromlist=["x"]).run_import(a),
               "导入：20 万行人员的首次导入、原样再导入、1%% 变化再导入与城市导入，对照解析与写入基线",
               lambda p: __import__("core.cli.bench.importing", fromlist=["x"]).add_args(p)),
    "pages": (lambda a: __import__("core.cli.bench.pages", fromlist=["x"]).run_pages(a), translate("cli.bench.pages.help"),
              lambda p: __import__("core.cli.bench.pages", fromlist=["x"]).add_args(p)),
    "load": (lambda a: __import__("core.cli.bench.load", fromlist=["x"]).run_load(a), translate("cli.bench.load.help"),
             lambda p: __import__("core.cli.bench.load", fromlist=["x"]).add_args(p)),
}


def register(sub: Any) -> None:
    parser = sub.add_parser("bench", help="性能基准（打印耗时与内存）")
    bsub = parser.add_subparsers(dest="bench", metavar="BENCH", required=True)
    for name, (fn, help_, add_args) in BENCHES.items():
        p = bsub.add_parser(name, help=help_)
        p.add_argument("--scale", choices=["district", "city", "province"], default="province")
        p.add_argument("--seed", type=int, default=42)
        p.add_argument("--repeat", type=int, default=5, help="重复次数，取中位数")
        add_args(p)
        p.set_defaults(func=fn)
