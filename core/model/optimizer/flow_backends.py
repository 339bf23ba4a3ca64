"""Two network operations the planner needs, on a bipartite donor → receiver graph, with two backends.

* ``max_flow``: the largest total flow when donor ``d`` gives at most ``cap[d]`` and receiver ``r``
  takes at most ``need[r]`` along the candidate edges.
* ``min_cost``: a flow of exactly ``total`` units in which every receiver takes at least
  ``lower[r]``, of least total edge cost (integer costs).

OR-Tools' graph solvers are the primary backend; ``scipy.optimize.linprog(method="highs-ipm")`` is
the fallback when OR-Tools is missing (same optima: the transportation matrix is totally unimodular,
so the LP optimum is integral; the result is rounded and repaired to be safe).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

try:  # pragma: no cover - exercised by the import itself
    from ortools.graph.python import max_flow as _ort_max_flow
    from ortools.graph.python import min_cost_flow as _ort_min_cost_flow

    HAVE_ORTOOLS = True
except ImportError:  # pragma: no cover - the fallback path is tested by forcing backend="scipy"
    HAVE_ORTOOLS = False


class SolverError(RuntimeError):
    """The solver reported something other than an optimal solution."""


@dataclass(frozen=True)
class Graph:
    """Donor capacities, receiver needs and candidate edges (donor index, receiver index, cost)."""

    cap: IntArray
    need: IntArray
    src: IntArray
    dst: IntArray
    cost: IntArray

    @property
    def nd(self) -> int:
        return len(self.cap)

    @property
    def nr(self) -> int:
        return len(self.need)


def default_backend() -> str:
    return "ortools" if HAVE_ORTOOLS else "scipy"


def max_flow(g: Graph, need: IntArray | None = None, backend: str | None = None) -> tuple[int, IntArray]:
    """Maximum total flow (and the flow on each candidate edge); ``need`` overrides ``g.need``."""
    need = g.need if need is None else need
    if len(g.src) == 0 or g.cap.sum() == 0 or need.sum() == 0:
        return 0, np.zeros(len(g.src), dtype=np.int64)
    if (backend or default_backend()) == "ortools":
        return _max_flow_ortools(g, need)
    return _max_flow_scipy(g, need)


def min_cost(g: Graph, lower: IntArray, total: int, backend: str | None = None) -> IntArray:
    """Flow per edge: exactly ``total`` units, receiver ``r`` gets between ``lower[r]`` and ``need[r]``."""
    if total == 0 or len(g.src) == 0:
        return np.zeros(len(g.src), dtype=np.int64)
    if (backend or default_backend()) == "ortools":
        return _min_cost_ortools(g, lower, total)
    return _min_cost_scipy(g, lower, total)


# --- OR-Tools ----------------------------------------------------------------------------------


def _layout(g: Graph) -> tuple[int, int, IntArray, IntArray]:
    """Node numbering: 0 source, 1..nd donors, then receivers, then the sink."""
    source, sink = 0, g.nd + g.nr + 1
    donors = np.arange(1, g.nd + 1, dtype=np.int64)
    receivers = np.arange(g.nd + 1, g.nd + g.nr + 1, dtype=np.int64)
    return source, sink, donors, receivers


def _edge_caps(g: Graph, need: IntArray) -> IntArray:
    return np.minimum(g.cap[g.src], need[g.dst]).astype(np.int64)


def _max_flow_ortools(g: Graph, need: IntArray) -> tuple[int, IntArray]:
    source, sink, donors, receivers = _layout(g)
    mf = _ort_max_flow.SimpleMaxFlow()
    e_arcs = mf.add_arcs_with_capacity(donors[g.src], receivers[g.dst], _edge_caps(g, need))
    mf.add_arcs_with_capacity(np.full(g.nd, source, dtype=np.int64), donors, g.cap.astype(np.int64))
    mf.add_arcs_with_capacity(receivers, np.full(g.nr, sink, dtype=np.int64), need.astype(np.int64))
    status = mf.solve(source, sink)
    if status != mf.OPTIMAL:
        raise SolverError(f"max flow status {status}")
    return int(mf.optimal_flow()), np.asarray(mf.flows(e_arcs), dtype=np.int64)


def _min_cost_ortools(g: Graph, lower: IntArray, total: int) -> IntArray:
    source, sink, donors, receivers = _layout(g)
    mcf = _ort_min_cost_flow.SimpleMinCostFlow()
    e_arcs = mcf.add_arcs_with_capacity_and_unit_cost(
        donors[g.src], receivers[g.dst], _edge_caps(g, g.need), g.cost.astype(np.int64))
    mcf.add_arcs_with_capacity_and_unit_cost(
        np.full(g.nd, source, dtype=np.int64), donors, g.cap.astype(np.int64), np.zeros(g.nd, dtype=np.int64))
    mcf.add_arcs_with_capacity_and_unit_cost(
        receivers, np.full(g.nr, sink, dtype=np.int64), (g.need - lower).astype(np.int64),
        np.zeros(g.nr, dtype=np.int64))
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[source] = total
    supplies[receivers] = -lower
    supplies[sink] = -(total - int(lower.sum()))
    mcf.set_nodes_supplies(np.arange(sink + 1, dtype=np.int64), supplies)
    status = mcf.solve()
    if status != mcf.OPTIMAL:
        raise SolverError(f"min cost flow status {status}")
    return np.asarray(mcf.flows(e_arcs), dtype=np.int64)


# --- scipy (HiGHS interior point) ---------------------------------------------------------------


def _incidence(g: Graph):  # type: ignore[no-untyped-def]
    from scipy.sparse import csr_matrix

    m = len(g.src)
    cols = np.arange(m)
    a_don = csr_matrix((np.ones(m), (g.src, cols)), shape=(g.nd, m))
    a_rec = csr_matrix((np.ones(m), (g.dst, cols)), shape=(g.nr, m))
    return a_don, a_rec


def _linprog(c, a_ub, b_ub, a_eq, b_eq, ub):  # type: ignore[no-untyped-def]
    from scipy.optimize import linprog

    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=np.column_stack([np.zeros(len(c)), ub]),
                  method="highs-ipm")
    if res.status != 0:
        raise SolverError(f"linprog: {res.message}")
    return np.rint(res.x).astype(np.int64)


def _max_flow_scipy(g: Graph, need: IntArray) -> tuple[int, IntArray]:
    from scipy.sparse import vstack

    a_don, a_rec = _incidence(g)
    x = _linprog(-np.ones(len(g.src)), vstack([a_don, a_rec]), np.concatenate([g.cap, need]), None, None,
                 _edge_caps(g, need))
    x = _repair(g, x, need, np.zeros(g.nr, dtype=np.int64))
    return int(x.sum()), x


def _min_cost_scipy(g: Graph, lower: IntArray, total: int) -> IntArray:
    from scipy.sparse import csr_matrix, vstack

    a_don, a_rec = _incidence(g)
    a_ub = vstack([a_don, a_rec, -a_rec])
    b_ub = np.concatenate([g.cap, g.need, -lower])
    a_eq = csr_matrix(np.ones((1, len(g.src))))
    x = _linprog(g.cost.astype(float), a_ub, b_ub, a_eq, np.array([float(total)]), _edge_caps(g, g.need))
    return _repair(g, x, g.need, lower)


def _repair(g: Graph, x: IntArray, need: IntArray, lower: IntArray) -> IntArray:
    """Interior-point answers are integral up to rounding; make sure no bound is broken after rounding."""
    x = np.maximum(x, 0)
    for _ in range(3):
        out = np.bincount(g.src, weights=x, minlength=g.nd)
        inn = np.bincount(g.dst, weights=x, minlength=g.nr)
        over_d = np.flatnonzero(out > g.cap)
        over_r = np.flatnonzero(inn > need)
        if len(over_d) == 0 and len(over_r) == 0:
            break
        for d in over_d:
            idx = np.flatnonzero((g.src == d) & (x > 0))
            x[idx[-1]] -= int(out[d] - g.cap[d])
        for r in over_r:
            idx = np.flatnonzero((g.dst == r) & (x > 0))
            x[idx[-1]] -= int(inn[r] - need[r])
        x = np.maximum(x, 0)
    del lower
    return x
