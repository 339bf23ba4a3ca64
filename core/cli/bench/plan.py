"""`fangxian bench plan`: the suggested plan on generated data, beside an LP optimum and a greedy baseline.

Inputs: ``core.demo.generator.generate(scale)`` → ``state_from_demo`` → ``compute_gaps`` (no database).
Measured in-process: planning wall time (optimiser input, community flows, choice of people) as the
median of ``--repeat`` runs, the peak resident memory of the process while planning (sampled), and the
Python-heap peak of one planning run (tracemalloc; OR-Tools' C++ memory is not in that figure).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import threading
import time
import tracemalloc
from typing import Any

import numpy as np
import pandas as pd


def people_from_demo(d: Any) -> pd.DataFrame:
    """The generated staff as the planner's people table (ids 1..n in code order, as seeding writes them)."""
    comm_id = pd.Series(np.arange(1, len(d.communities) + 1), index=d.communities["code"].to_numpy())
    st = d.staff
    skills = st["skills"] if "skills" in st else ""
    return pd.DataFrame({
        "id": np.arange(1, len(st) + 1), "code": st["code"].to_numpy(),
        "kind": pd.Categorical(st["kind"].to_numpy()),
        "community_id": st["community_code"].map(comm_id).to_numpy(), "movable": st["movable"].to_numpy(bool),
        "on_duty": st["on_duty"].to_numpy(bool), "home_lon": st["home_lon"].to_numpy(float),
        "home_lat": st["home_lat"].to_numpy(float),
        "home_community_id": st["home_community_code"].map(comm_id).to_numpy(),
        "skills": pd.Categorical(np.broadcast_to(np.asarray(skills, dtype=object), len(st))),
        "hours_week": st["hours_week"].to_numpy(float),
    })


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


class _PeakRss:
    """Sample the resident set size every 5 ms in a thread while a block runs."""

    def __enter__(self) -> _PeakRss:
        self.peak = _rss_mb()
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_mb())
            time.sleep(0.005)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, _rss_mb())


def build_inputs(scale: str, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    """The planner's inputs from generated data: (gap community table, people, norms).

    Run in a child process by the benchmark, so that the generator's own memory (names, phones,
    history of 790,000 people at province scale) is not counted as the planner's."""
    from core.demo.generator import generate
    from core.demo.state import state_from_demo
    from core.model.gaps import compute_gaps
    from core.model.norms import Norms

    demo = generate(scale, seed=seed)  # type: ignore[arg-type]
    norms = Norms()
    gaps = compute_gaps(state_from_demo(demo), norms)
    return gaps.community, people_from_demo(demo), norms


def run_plan(args: argparse.Namespace) -> int:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from core.model.optimizer.baselines import greedy_flows, lp_shortage
    from core.model.optimizer.network import PlanOptions, eligible_mask, evaluate, plan_input
    from core.model.optimizer.planner import plan

    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        gap_comm, people, norms = pool.submit(build_inputs, args.scale, args.seed).result()
    build = time.perf_counter() - t0
    opt = PlanOptions(k=args.k, max_km=args.max_km)
    kinds = norms.counted_kinds

    def planning() -> Any:
        pin = plan_input(gap_comm, people, opt, kinds)
        return pin, plan(pin, people[eligible_mask(people, opt, kinds)], opt)

    times: list[float] = []
    parts: list[dict[str, float]] = []
    import gc

    gc.collect()
    try:  # hand the generator's freed memory back to the OS, so RSS shows what is really held
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass
    rss_before = _rss_mb()
    with _PeakRss() as rss:
        planning()  # warm-up (imports, first-touch allocations), inside the memory window
        for _ in range(max(1, args.repeat)):
            t = time.perf_counter()
            pin, p = planning()
            times.append(time.perf_counter() - t)
            parts.append(p.timings)
    tracemalloc.start()
    planning()
    heap_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    t_plan = statistics.median(times)

    t = time.perf_counter()
    greedy = evaluate(pin, greedy_flows(pin, opt))
    t_greedy = time.perf_counter() - t
    t = time.perf_counter()
    minsum = plan(pin, None, PlanOptions(k=args.k, max_km=args.max_km, balance_worst=False)).totals
    t_minsum = time.perf_counter() - t
    t = time.perf_counter()
    lp_opt, lp_kind = lp_shortage(pin, opt, max_vars=args.lp_max_vars)
    t_lp = time.perf_counter() - t
    tot = p.totals
    print(f"scale={args.scale}: {len(pin):,} communities, {len(people):,} staff rows, "
          f"{int(((pin['movable'] > 0) & (pin['available'] > pin['required'])).sum()):,} with movable surplus; data built in {build:.1f} s")
    print(f"candidate edges {p.edges:,} (k={args.k}, max_km={args.max_km}), fallback rounds {p.fallback_rounds}")
    med = {k: statistics.median(d[k] for d in parts) for k in parts[0]}
    print(f"planning wall time (median of {len(times)}): {t_plan:.3f} s [input {t_plan - med['total']:.3f} s, "
          f"edges {med.get('t_edges', 0):.3f} s, level 1 {med.get('t_level1', 0):.3f} s, levels 2-4 "
          f"{med.get('t_levels', 0):.3f} s, choosing people {med['people']:.3f} s]")
    print(f"RSS before planning (data held): {rss_before:.0f} MiB; peak RSS while planning: {rss.peak:.0f} MiB "
          f"(+{rss.peak - rss_before:.0f} MiB for planning); "
          f"Python heap peak of one run: {heap_peak:.0f} MiB; ru_maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    rows = [
        ("no moves", tot.shortage_before, tot.worst_before, 0, 0.0, "–"),
        ("plan (lexicographic)", tot.shortage_after, tot.worst_after, tot.moves, tot.km, f"{t_plan:.3f} s"),
        ("plan, min-sum only (no worst-community level)", minsum.shortage_after, minsum.worst_after, minsum.moves,
         minsum.km, f"{t_minsum:.3f} s"),
        ("greedy: largest deficit takes nearest surplus", greedy.shortage_after, greedy.worst_after, greedy.moves,
         greedy.km, f"{t_greedy:.3f} s"),
        (f"LP optimum (linprog highs-ipm, {lp_kind})", lp_opt, None, None, None, f"{t_lp:.3f} s"),
    ]
    print(f"| {'method':<48} | shortage | worst community | moves | km | km per move | time |")
    print(f"|{'-' * 50}|---|---|---|---|---|---|")
    for name, s, w, mv, km, tm in rows:
        per = f"{km / mv:.2f}" if mv and km is not None else ""
        print(f"| {name:<48} | {s:,} | {'' if w is None else w} | {'' if mv is None else f'{mv:,}'} | "
              f"{'' if km is None else f'{km:,.1f}'} | {per} | {tm} |")
    limit = {"district": 0.3, "city": 1.0, "province": 10.0}[args.scale]
    checks = {
        f"time < {limit} s": t_plan < limit,
        "planning memory < 500 MiB": rss.peak - rss_before < 500,
        "whole process peak < 500 MiB": rss.peak < 500,
        "shortage = LP optimum": tot.shortage_after == lp_opt,
        "shortage <= greedy": tot.shortage_after <= greedy.shortage_after,
        "worst <= greedy": tot.worst_after <= greedy.worst_after,
        "km <= greedy": tot.km <= greedy.km + 1e-6,
        "km per move <= greedy": tot.km / max(tot.moves, 1) <= greedy.km / max(greedy.moves, 1) + 1e-9,
    }
    print("targets: " + "; ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in checks.items()))
    return 0 if checks["shortage = LP optimum"] else 1


def add_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--k", type=int, default=20, help="候选近邻数（默认 20）")
    p.add_argument("--max-km", type=float, default=None, help="最远调配距离（公里）")
    p.add_argument("--lp-max-vars", type=int, default=600_000, help="完全二部图 LP 的变量上限，超过则解等价的聚合 LP")
