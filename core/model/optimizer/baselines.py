"""Yardsticks for the planner: a greedy baseline and an independent LP of the same instance.

* ``greedy_flows``: the largest deficit first takes from the nearest donor with people left, one
  receiver at a time (what a coordinator would do by hand).
* ``lp_shortage``: the least total shortage, from ``scipy.optimize.linprog`` on the complete
  bipartite donor × receiver graph (edges within ``max_km`` when a cap is set). Above ``max_vars``
  pairs with no cap, the complete graph's LP is solved in its equivalent aggregated form (every donor
  reaches every receiver, so only the donor and receiver totals matter).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.model.optimizer.network import DEFAULT_OPTIONS, PlanOptions, build_network


def greedy_flows(comm: pd.DataFrame, opt: PlanOptions = DEFAULT_OPTIONS) -> pd.DataFrame:
    """Largest deficit takes nearest surplus."""
    from scipy.spatial import cKDTree

    net = build_network(comm, opt)
    cap = net.cap.astype(np.int64).copy()
    dx, dy = net.x[net.donors], net.y[net.donors]
    rows: list[tuple[int, int, int, float]] = []
    if len(cap) == 0:
        return pd.DataFrame(rows, columns=["from_community_id", "to_community_id", "n", "km"])
    kq = min(48, len(cap))
    _, near = cKDTree(np.column_stack([dx, dy])).query(
        np.column_stack([net.x[net.receivers], net.y[net.receivers]]), k=kq)
    near = np.asarray(near).reshape(len(net.receivers), kq)
    def take(order: np.ndarray, ci: int, need: int) -> int:
        """Fill ``need`` from the donors in ``order`` (nearest first); returns what is still needed."""
        for i in order:
            if need == 0:
                break
            if cap[i] == 0:
                continue
            dist = float(np.hypot(dx[i] - net.x[ci], dy[i] - net.y[ci]))
            if opt.max_km is not None and dist > opt.max_km:
                break
            n = int(min(need, cap[i]))
            cap[i] -= n
            need -= n
            rows.append((int(net.ids[net.donors[i]]), int(net.ids[ci]), n, round(dist, 3)))
        return need

    for j in np.argsort(-net.need, kind="stable"):
        ci = net.receivers[j]
        need = int(net.need[j])
        if (cap[near[j]] > 0).any():
            need = take(near[j], ci, need)
        if need and kq < len(cap):  # the nearest are used up or not enough: scan every donor, nearest first
            take(np.argsort(np.hypot(dx - net.x[ci], dy - net.y[ci]), kind="stable"), ci, need)
    return pd.DataFrame(rows, columns=["from_community_id", "to_community_id", "n", "km"])


def lp_shortage(comm: pd.DataFrame, opt: PlanOptions = DEFAULT_OPTIONS, max_vars: int = 600_000) -> tuple[int, str]:
    """Least total shortage by linprog, and which LP was solved ("full" or "aggregated")."""
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, vstack

    net = build_network(comm, opt)
    s0 = int(np.maximum(net.required - net.available, 0).sum())
    nd, nr = len(net.donors), len(net.receivers)
    if nd == 0 or nr == 0:
        return s0, "trivial"
    if opt.max_km is None and nd * nr > max_vars:
        # complete graph: max sum x_d = sum y_r, x <= cap, y <= need
        c = -np.concatenate([np.ones(nd), np.zeros(nr)])
        a_eq = csr_matrix(np.concatenate([np.ones(nd), -np.ones(nr)])[None, :])
        res = linprog(c, A_eq=a_eq, b_eq=[0.0], bounds=np.column_stack(
            [np.zeros(nd + nr), np.concatenate([net.cap, net.need])]), method="highs-ipm")
        return s0 - int(round(-res.fun)), "aggregated"
    if opt.max_km is None:
        gd, gr = np.meshgrid(np.arange(nd), np.arange(nr), indexing="ij")
        di, ri = gd.ravel(), gr.ravel()
    else:  # every pair within the cap (a KD-tree finds them without forming all pairs)
        from scipy.spatial import cKDTree

        dt_ = cKDTree(np.column_stack([net.x[net.donors], net.y[net.donors]]))
        rt_ = cKDTree(np.column_stack([net.x[net.receivers], net.y[net.receivers]]))
        pairs = dt_.query_ball_tree(rt_, r=opt.max_km)
        di = np.repeat(np.arange(nd), [len(p) for p in pairs]).astype(np.int64)
        ri = np.fromiter((j for p in pairs for j in p), dtype=np.int64, count=len(di))
    m = len(di)
    if m == 0:
        return s0, "full"
    cols = np.arange(m)
    a = vstack([csr_matrix((np.ones(m), (di, cols)), shape=(nd, m)),
                csr_matrix((np.ones(m), (ri, cols)), shape=(nr, m))])
    res = linprog(-np.ones(m), A_ub=a, b_ub=np.concatenate([net.cap, net.need]), bounds=(0, None),
                  method="highs-ipm")
    return s0 - int(round(-res.fun)), "full"
