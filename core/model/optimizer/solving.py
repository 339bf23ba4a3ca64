"""The suggested plan, part 2: the community flows of the lexicographic optimum on the network
(least total shortage, then least worst community, then fewest moves, then fewest kilometres), with
fallback and widening rounds of candidate edges. Max-flow and min-cost solvers: ``flow_backends``."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pandas as pd

from core.model.optimizer import flow_backends
from core.model.optimizer.network import (
    DEFAULT_OPTIONS,
    Network,
    PlanOptions,
    build_network,
    candidate_edges,
    dist_m,
    knn_pairs,
    unique_pairs,
)


def _graph(net: Network, d: np.ndarray, r: np.ndarray, cap: np.ndarray) -> flow_backends.Graph:
    return flow_backends.Graph(cap=cap.astype(np.int64), need=net.need.astype(np.int64), src=d, dst=r, cost=dist_m(net, d, r))


def _level1(net: Network, d: np.ndarray, r: np.ndarray, opt: PlanOptions) -> tuple[flow_backends.Graph, int, int]:
    """Max flow on the candidate edges, adding fallback edges while both sides have people left."""
    g = _graph(net, d, r, net.cap)
    best, flows = flow_backends.max_flow(g, backend=opt.backend)
    rounds = 0
    while rounds < 50:
        out = np.bincount(g.src, weights=flows, minlength=g.nd)
        inn = np.bincount(g.dst, weights=flows, minlength=g.nr)
        res_d = np.flatnonzero(out < g.cap)
        res_r = np.flatnonzero(inn < g.need)
        if len(res_d) == 0 or len(res_r) == 0:
            break
        dp = np.column_stack([net.x[net.donors[res_d]], net.y[net.donors[res_d]]])
        rp = np.column_stack([net.x[net.receivers[res_r]], net.y[net.receivers[res_r]]])
        qi, ti = knn_pairs(dp, rp, max(opt.k, 1), opt.max_km)
        nd_, nr_ = unique_pairs(np.concatenate([g.src, res_d[ti]]), np.concatenate([g.dst, res_r[qi]]), g.nr)
        if len(nd_) == len(g.src):
            break  # nothing new within reach (only possible with a travel cap)
        rounds += 1
        g = _graph(net, nd_, nr_, net.cap)
        best, flows = flow_backends.max_flow(g, backend=opt.backend)
    return g, best, rounds


def _worst_bound(net: Network, g: flow_backends.Graph, total: int, opt: PlanOptions) -> tuple[int, np.ndarray]:
    """Smallest t such that every receiver can be brought to a shortage of at most t (with the total kept)."""
    hi = int(net.need.max()) if len(net.need) else 0
    if not opt.balance_worst or total == 0:
        return hi, np.zeros(g.nr, dtype=np.int64)
    lo = max(0, math.ceil((int(net.need.sum()) - total) / max(len(net.need), 1)) - 1)

    def feasible(t: int) -> bool:
        low = np.maximum(g.need - t, 0)
        return flow_backends.max_flow(g, need=low, backend=opt.backend)[0] == int(low.sum())

    while lo < hi:  # invariant: feasible(hi)
        mid = (lo + hi) // 2
        if feasible(mid):
            hi = mid
        else:
            lo = mid + 1
    return hi, np.maximum(g.need - hi, 0)


def _complete_graph_worst(net: Network, total: int) -> int:
    """Least worst shortage on the complete bipartite graph: the smallest t with
    sum(max(0, need - t)) <= total (every donor reaches every receiver)."""
    need = np.sort(net.need)[::-1]
    lo, hi = 0, int(need[0]) if len(need) else 0
    while lo < hi:
        mid = (lo + hi) // 2
        if int(np.maximum(need - mid, 0).sum()) <= total:
            hi = mid
        else:
            lo = mid + 1
    return hi


def _widen_for_worst(net: Network, g: flow_backends.Graph, total: int, opt: PlanOptions) -> tuple[flow_backends.Graph, int, int, np.ndarray]:
    """Level 2 on the candidate edges can be worse than on the complete graph (an isolated community
    whose k nearest donors are used up). Join the receivers still above the bound to ever more donors
    (k, 2k, 4k, ... nearest, within max_km) until the worst shortage reaches the bound or nothing new
    is within reach; the total is re-maximised on the wider graph."""
    t, lower = _worst_bound(net, g, total, opt)
    bound = _complete_graph_worst(net, total) if opt.max_km is None else 0
    k = max(opt.k, 1) * 2
    rounds = 0
    dp = np.column_stack([net.x[net.donors], net.y[net.donors]])
    max_rounds = 8 if opt.max_km is None else 3
    while opt.balance_worst and t > bound and rounds < max_rounds and k <= 4 * len(net.donors):
        heavy = np.flatnonzero(net.need > max(bound, 0))
        rp = np.column_stack([net.x[net.receivers[heavy]], net.y[net.receivers[heavy]]])
        qi, ti = knn_pairs(dp, rp, min(k, len(net.donors)), opt.max_km)
        d2, r2 = unique_pairs(np.concatenate([g.src, ti]), np.concatenate([g.dst, heavy[qi]]), g.nr)
        rounds += 1
        k *= 2
        if len(d2) == len(g.src):
            if k > 2 * len(net.donors):
                break
            continue
        g = _graph(net, d2, r2, net.cap)
        total = flow_backends.max_flow(g, backend=opt.backend)[0]
        t, lower = _worst_bound(net, g, total, opt)
    return g, total, rounds, lower


def _solve_keep_origin(net: Network, g: flow_backends.Graph, total: int, opt: PlanOptions) -> tuple[flow_backends.Graph, np.ndarray, int]:
    g, total, rounds, lower = _widen_for_worst(net, g, total, opt)
    return g, flow_backends.min_cost(g, lower, total, backend=opt.backend), rounds


def _solve_with_floor(net: Network, g: flow_backends.Graph, total: int, opt: PlanOptions) -> np.ndarray:
    """Donors may go below requirement (to their floor) when that lowers the worst shortage.

    Each donor is split into a surplus part (cap) and a below-requirement part (at most t); a dummy
    receiver absorbs unused below capacity so the total is fixed; moves out of the below part cost
    ``big`` so that levels 3 and 4 follow.
    """
    nd, nr = g.nd, g.nr
    dummy = nr
    d2 = np.concatenate([g.src, g.src + nd, np.arange(nd, 2 * nd)])
    r2 = np.concatenate([g.dst, g.dst, np.full(nd, dummy)])
    km = np.concatenate([g.cost, g.cost, np.zeros(nd, dtype=np.int64)])
    total_km = max(int(g.cost.max()) if len(g.cost) else 0, 1) * int(net.cap.sum() + net.below.sum() + 1)
    big = total_km + 1
    moves_cost = np.concatenate([np.zeros(len(g.src), dtype=np.int64), np.full(len(g.src), big, dtype=np.int64),
                                 np.zeros(nd, dtype=np.int64)])

    def solve(t: int, costs: np.ndarray) -> np.ndarray | None:
        below = np.minimum(net.below, t)
        need = np.concatenate([g.need, [int(below.sum())]])
        lower = np.concatenate([np.maximum(g.need - t, 0), [0]])
        gg = flow_backends.Graph(cap=np.concatenate([g.cap, below]), need=need, src=d2, dst=r2, cost=costs)
        try:
            return flow_backends.min_cost(gg, lower, total + int(below.sum()), backend=opt.backend)
        except flow_backends.SolverError:
            return None

    hi = int(net.need.max()) if len(net.need) else 0
    lo = 0 if opt.balance_worst else hi
    zero = np.zeros(len(d2), dtype=np.int64)
    while lo < hi:
        mid = (lo + hi) // 2
        if solve(mid, zero) is not None:
            hi = mid
        else:
            lo = mid + 1
    x = solve(hi, km + moves_cost)
    assert x is not None
    real = r2 < nr
    flows = np.zeros(len(g.src), dtype=np.int64)
    m = len(g.src)
    flows += x[:m] + x[m:2 * m]
    self_check = x[2 * m:]
    del self_check, real
    return flows


def plan_flows(comm: pd.DataFrame, opt: PlanOptions = DEFAULT_OPTIONS) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Community flows (from_community_id, to_community_id, n, km) of the lexicographic optimum."""
    t0 = time.perf_counter()
    net = build_network(comm, opt)
    info: dict[str, Any] = {"edges": 0, "fallback_rounds": 0, "widen_rounds": 0}
    if len(net.donors) == 0 or len(net.receivers) == 0:
        return _flows_frame(net, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64),
                            np.empty(0, dtype=np.int64)), {**info, "t_build": time.perf_counter() - t0}
    d, r = candidate_edges(net, opt.k, opt.max_km)
    t1 = time.perf_counter()
    g, total, rounds = _level1(net, d, r, opt)
    t2 = time.perf_counter()
    widen = 0
    if opt.keep_origin_at_requirement:
        g, x, widen = _solve_keep_origin(net, g, total, opt)
    else:
        x = _solve_with_floor(net, g, total, opt)
    t3 = time.perf_counter()
    info.update(edges=len(g.src), fallback_rounds=rounds, widen_rounds=widen, t_edges=t1 - t0, t_level1=t2 - t1,
                t_levels=t3 - t2)
    return _flows_frame(net, g.src, g.dst, x), info


def _flows_frame(net: Network, d: np.ndarray, r: np.ndarray, x: np.ndarray) -> pd.DataFrame:
    keep = x > 0
    d, r, x = d[keep], r[keep], x[keep]
    ci, cj = net.donors[d], net.receivers[r]
    km = np.hypot(net.x[ci] - net.x[cj], net.y[ci] - net.y[cj])
    return pd.DataFrame({"from_community_id": net.ids[ci], "to_community_id": net.ids[cj],
                         "n": x.astype(np.int64), "km": np.round(km, 3)})
