"""The suggested reassignment plan: a community-level transportation problem, then the people.

Objective, lexicographic:
  1. least total shortage (with no travel cap this is the true optimum, min(surplus, need));
  2. then the least worst shortage of any one community (bisection on t with max-flow checks);
  3. then the fewest moves;
  4. then the fewest kilometres (integer metres as costs).

Candidate edges are each donor's k nearest receivers and each receiver's k nearest donors. When
nearby surplus runs out, rounds of "fallback" edges join every receiver still short to its k
nearest donors that still have people to give, until either side is exhausted (so level 1 reaches
the optimum of the complete bipartite graph). Individual cadres are then chosen per community flow
(nearest home to the destination; skills, then fewest hours this week as tie-breaks).

Pure: numpy/pandas/scipy/ortools only (see docs in ../shared/research/optimizer-prototype.md).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from core.model.geo import local_xy_km
from core.model.optimizer import flow_backends as fb

#: the columns ``plan`` needs per community (``floor`` is optional)
COMMUNITY_COLUMNS = ("id", "lon", "lat", "required", "available", "movable")
MOVE_COLUMNS = ["staff_id", "staff_code", "kind", "from_community_id", "to_community_id", "km", "home_km"]


@dataclass(frozen=True)
class PlanOptions:
    """What the coordinator can set."""

    max_km: float | None = None  # travel cap between communities
    keep_origin_at_requirement: bool = True  # donors never below their requirement
    floor_share: float = 0.8  # without the above: donors keep at least this share (or the ``floor`` column)
    respect_party_home: bool = True  # party members serving at home stay there ...
    party_home_weight_km: float | None = None  # ... unless a weight is given: moving them costs these extra km
    max_moves_per_community: int | None = None
    k: int = 20
    balance_worst: bool = True  # level 2 (turn off for a plain min-sum plan)
    backend: str | None = None  # "ortools" | "scipy"; default ortools when installed


DEFAULT_OPTIONS = PlanOptions()


@dataclass(frozen=True)
class PlanTotals:
    shortage_before: int
    shortage_after: int
    worst_before: int
    worst_after: int
    moves: int
    km: float
    short_before: int = 0  # communities short
    short_after: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"shortage_before": self.shortage_before, "shortage_after": self.shortage_after,
                "worst_before": self.worst_before, "worst_after": self.worst_after, "moves": self.moves,
                "km": round(self.km, 1), "short_before": self.short_before, "short_after": self.short_after}


@dataclass
class Plan:
    """Community flows (from, to, n, km), the individual moves and the totals."""

    flows: pd.DataFrame
    moves: pd.DataFrame
    totals: PlanTotals
    options: PlanOptions
    timings: dict[str, float] = field(default_factory=dict)
    edges: int = 0
    fallback_rounds: int = 0
    widen_rounds: int = 0


# --- the community network ----------------------------------------------------------------------


@dataclass
class Network:
    ids: np.ndarray
    x: np.ndarray  # projected km
    y: np.ndarray
    required: np.ndarray
    available: np.ndarray
    donors: np.ndarray  # community indices
    receivers: np.ndarray
    cap: np.ndarray  # surplus each donor may give without going below requirement
    below: np.ndarray  # extra each donor may give down to its floor (0 when origins are kept)
    need: np.ndarray


def build_network(comm: pd.DataFrame, opt: PlanOptions) -> Network:
    """Donors and receivers from per-community required / available / movable counts."""
    missing = [c for c in COMMUNITY_COLUMNS if c not in comm]
    if missing:
        raise ValueError(f"communities lack columns {missing}")
    req = comm["required"].to_numpy(dtype=np.int64)
    avail = comm["available"].to_numpy(dtype=np.int64)
    mov = np.maximum(comm["movable"].to_numpy(dtype=np.int64), 0)
    surplus = np.maximum(avail - req, 0)
    cap_all = np.minimum(mov, surplus)
    if opt.keep_origin_at_requirement:
        below_all = np.zeros_like(cap_all)
    else:
        floor = (comm["floor"].to_numpy(dtype=np.int64) if "floor" in comm
                 else np.ceil(req * opt.floor_share).astype(np.int64))
        below_all = np.clip(np.minimum(mov - cap_all, np.minimum(avail, req) - floor), 0, None)
    need_all = np.maximum(req - avail, 0)
    if opt.max_moves_per_community is not None:
        m = int(opt.max_moves_per_community)
        cap_all = np.minimum(cap_all, m)
        below_all = np.minimum(below_all, m - cap_all)
        need_all = np.minimum(need_all, m)
    lon = comm["lon"].to_numpy(dtype=float)
    lat = comm["lat"].to_numpy(dtype=float)
    x, y = local_xy_km(lon, lat, float(np.nanmean(lon)) if len(lon) else 0.0,
                       float(np.nanmean(lat)) if len(lat) else 0.0)
    donors = np.flatnonzero((cap_all + below_all) > 0)
    receivers = np.flatnonzero(need_all > 0)
    return Network(ids=comm["id"].to_numpy(), x=np.asarray(x), y=np.asarray(y), required=req, available=avail,
                   donors=donors, receivers=receivers, cap=cap_all[donors], below=below_all[donors],
                   need=need_all[receivers])


def _dist_m(net: Network, di: np.ndarray, ri: np.ndarray) -> np.ndarray:
    d, r = net.donors[di], net.receivers[ri]
    return np.rint(np.hypot(net.x[d] - net.x[r], net.y[d] - net.y[r]) * 1000).astype(np.int64)


def _knn_pairs(tree_pts: np.ndarray, query_pts: np.ndarray, k: int, max_km: float | None) -> tuple[np.ndarray, np.ndarray]:
    """(query index, tree index) of each query point's k nearest tree points within max_km."""
    if len(tree_pts) == 0 or len(query_pts) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    k = min(k, len(tree_pts))
    dist, idx = cKDTree(tree_pts).query(query_pts, k=k, distance_upper_bound=max_km if max_km else np.inf)
    dist, idx = dist.reshape(len(query_pts), k), idx.reshape(len(query_pts), k)
    ok = np.isfinite(dist) & (idx < len(tree_pts))
    q = np.repeat(np.arange(len(query_pts)), k).reshape(len(query_pts), k)
    return q[ok].astype(np.int64), idx[ok].astype(np.int64)


def candidate_edges(net: Network, k: int, max_km: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric kNN union of donor→receiver pairs (indices into donors / receivers)."""
    dp = np.column_stack([net.x[net.donors], net.y[net.donors]])
    rp = np.column_stack([net.x[net.receivers], net.y[net.receivers]])
    r1, d1 = _knn_pairs(dp, rp, k, max_km)
    d2, r2 = _knn_pairs(rp, dp, k, max_km)
    return _unique_pairs(np.concatenate([d1, d2]), np.concatenate([r1, r2]), len(net.receivers))


def _unique_pairs(d: np.ndarray, r: np.ndarray, nr: int) -> tuple[np.ndarray, np.ndarray]:
    key = np.unique(d.astype(np.int64) * max(nr, 1) + r.astype(np.int64))
    return key // max(nr, 1), key % max(nr, 1)


# --- solving ------------------------------------------------------------------------------------


def _graph(net: Network, d: np.ndarray, r: np.ndarray, cap: np.ndarray) -> fb.Graph:
    return fb.Graph(cap=cap.astype(np.int64), need=net.need.astype(np.int64), src=d, dst=r, cost=_dist_m(net, d, r))


def _level1(net: Network, d: np.ndarray, r: np.ndarray, opt: PlanOptions) -> tuple[fb.Graph, int, int]:
    """Max flow on the candidate edges, adding fallback edges while both sides have people left."""
    g = _graph(net, d, r, net.cap)
    best, flows = fb.max_flow(g, backend=opt.backend)
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
        qi, ti = _knn_pairs(dp, rp, max(opt.k, 1), opt.max_km)
        nd_, nr_ = _unique_pairs(np.concatenate([g.src, res_d[ti]]), np.concatenate([g.dst, res_r[qi]]), g.nr)
        if len(nd_) == len(g.src):
            break  # nothing new within reach (only possible with a travel cap)
        rounds += 1
        g = _graph(net, nd_, nr_, net.cap)
        best, flows = fb.max_flow(g, backend=opt.backend)
    return g, best, rounds


def _worst_bound(net: Network, g: fb.Graph, total: int, opt: PlanOptions) -> tuple[int, np.ndarray]:
    """Smallest t such that every receiver can be brought to a shortage of at most t (with the total kept)."""
    hi = int(net.need.max()) if len(net.need) else 0
    if not opt.balance_worst or total == 0:
        return hi, np.zeros(g.nr, dtype=np.int64)
    lo = max(0, math.ceil((int(net.need.sum()) - total) / max(len(net.need), 1)) - 1)

    def feasible(t: int) -> bool:
        low = np.maximum(g.need - t, 0)
        return fb.max_flow(g, need=low, backend=opt.backend)[0] == int(low.sum())

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


def _widen_for_worst(net: Network, g: fb.Graph, total: int, opt: PlanOptions) -> tuple[fb.Graph, int, int, np.ndarray]:
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
        qi, ti = _knn_pairs(dp, rp, min(k, len(net.donors)), opt.max_km)
        d2, r2 = _unique_pairs(np.concatenate([g.src, ti]), np.concatenate([g.dst, heavy[qi]]), g.nr)
        rounds += 1
        k *= 2
        if len(d2) == len(g.src):
            if k > 2 * len(net.donors):
                break
            continue
        g = _graph(net, d2, r2, net.cap)
        total = fb.max_flow(g, backend=opt.backend)[0]
        t, lower = _worst_bound(net, g, total, opt)
    return g, total, rounds, lower


def _solve_keep_origin(net: Network, g: fb.Graph, total: int, opt: PlanOptions) -> tuple[fb.Graph, np.ndarray, int]:
    g, total, rounds, lower = _widen_for_worst(net, g, total, opt)
    return g, fb.min_cost(g, lower, total, backend=opt.backend), rounds


def _solve_with_floor(net: Network, g: fb.Graph, total: int, opt: PlanOptions) -> np.ndarray:
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
        gg = fb.Graph(cap=np.concatenate([g.cap, below]), need=need, src=d2, dst=r2, cost=costs)
        try:
            return fb.min_cost(gg, lower, total + int(below.sum()), backend=opt.backend)
        except fb.SolverError:
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


def evaluate(comm: pd.DataFrame, flows: pd.DataFrame) -> PlanTotals:
    """Totals of a set of community flows (any planner's), from the community table."""
    req = comm["required"].to_numpy(dtype=np.int64)
    avail = comm["available"].to_numpy(dtype=np.int64)
    pos = pd.Series(np.arange(len(comm)), index=comm["id"].to_numpy())
    after = avail.copy()
    if len(flows):
        np.add.at(after, pos.loc[flows["from_community_id"]].to_numpy(), -flows["n"].to_numpy())
        np.add.at(after, pos.loc[flows["to_community_id"]].to_numpy(), flows["n"].to_numpy())
    s0, s1 = np.maximum(req - avail, 0), np.maximum(req - after, 0)
    return PlanTotals(shortage_before=int(s0.sum()), shortage_after=int(s1.sum()),
                      worst_before=int(s0.max(initial=0)), worst_after=int(s1.max(initial=0)),
                      moves=int(flows["n"].sum()) if len(flows) else 0,
                      km=float((flows["n"] * flows["km"]).sum()) if len(flows) else 0.0,
                      short_before=int((s0 > 0).sum()), short_after=int((s1 > 0).sum()))


# --- choosing the people ------------------------------------------------------------------------


def choose_cadres(flows: pd.DataFrame, staff: pd.DataFrame, comm: pd.DataFrame, opt: PlanOptions) -> pd.DataFrame:
    """Pick who moves for each community flow: nearest home to the destination, then skills, then fewest
    hours this week. ``staff`` holds the movable, on-duty people (id, code, kind, community_id,
    home_lon, home_lat, skills, hours_week, home_community_id)."""
    if len(flows) == 0 or len(staff) == 0:
        return pd.DataFrame(columns=MOVE_COLUMNS)
    from scipy.optimize import linear_sum_assignment

    pool = staff[staff["community_id"].isin(flows["from_community_id"].unique())].copy()
    cpos = comm.set_index("id")[["lon", "lat"]]
    lon0, lat0 = float(cpos["lon"].mean()), float(cpos["lat"].mean())
    hx, hy = local_xy_km(pool["home_lon"].fillna(pool["community_id"].map(cpos["lon"])).to_numpy(float),
                         pool["home_lat"].fillna(pool["community_id"].map(cpos["lat"])).to_numpy(float), lon0, lat0)
    pool["hx"], pool["hy"] = hx, hy
    nskills = pool["skills"].fillna("").astype(str).str.count(",") + (pool["skills"].fillna("").astype(str) != "")
    # sort key per person besides distance: more skills first, then fewer hours
    pool["tie"] = -nskills.to_numpy() * 1000.0 + pool["hours_week"].fillna(0).to_numpy(float)
    party_home = (pool["kind"] == "party_member") & (pool["home_community_id"] == pool["community_id"])
    pool["penalty"] = np.where(party_home, opt.party_home_weight_km or 0.0, 0.0)
    cx, cy = local_xy_km(comm["lon"].to_numpy(float), comm["lat"].to_numpy(float), lon0, lat0)
    cxy = pd.DataFrame({"x": cx, "y": cy}, index=comm["id"].to_numpy())

    ndest = flows.groupby("from_community_id")["to_community_id"].transform("size")
    out: list[pd.DataFrame] = []
    single = flows[ndest == 1]
    if len(single):  # one destination: the n best by (distance, tie) — vectorised
        p = pool.merge(single[["from_community_id", "to_community_id", "n", "km"]],
                       left_on="community_id", right_on="from_community_id")
        dx = p["hx"] - p["to_community_id"].map(cxy["x"])
        dy = p["hy"] - p["to_community_id"].map(cxy["y"])
        p["home_km"] = np.hypot(dx, dy)
        p["key"] = np.round(p["home_km"] + p["penalty"], 1) * 1e6 + p["tie"]
        p = p.sort_values(["from_community_id", "key"], kind="stable")
        p = p[p.groupby("from_community_id").cumcount() < p["n"]]
        out.append(p)
    multi = flows[ndest > 1].sort_values("from_community_id", kind="stable")
    if len(multi):  # several destinations: an exact assignment per donor, on numpy slices
        mp = pool[pool["community_id"].isin(multi["from_community_id"].unique())].sort_values(
            ["community_id", "id"], kind="stable")
        p_cid = mp["community_id"].to_numpy()
        p_x, p_y = mp["hx"].to_numpy(float), mp["hy"].to_numpy(float)
        p_pen, p_tie = mp["penalty"].to_numpy(float), mp["tie"].to_numpy(float)
        f_from = multi["from_community_id"].to_numpy()
        f_to = multi["to_community_id"].to_numpy()
        f_n = multi["n"].to_numpy(np.int64)
        f_km = multi["km"].to_numpy(float)
        f_x, f_y = cxy["x"].reindex(f_to).to_numpy(), cxy["y"].reindex(f_to).to_numpy()
        donors_u, f_start = np.unique(f_from, return_index=True)
        f_end = np.append(f_start[1:], len(f_from))
        p_start = np.searchsorted(p_cid, donors_u, side="left")
        p_end = np.searchsorted(p_cid, donors_u, side="right")
        sel_rows: list[np.ndarray] = []
        sel_flow: list[np.ndarray] = []
        sel_dist: list[np.ndarray] = []
        for k in range(len(donors_u)):
            fi = np.repeat(np.arange(f_start[k], f_end[k]), f_n[f_start[k]:f_end[k]])
            pi = np.arange(p_start[k], p_end[k])
            dist = np.hypot(p_x[pi, None] - f_x[None, fi], p_y[pi, None] - f_y[None, fi])
            cost = np.round(dist + p_pen[pi, None], 1) * 1e6 + p_tie[pi, None]
            rows, cols = linear_sum_assignment(cost)
            sel_rows.append(pi[rows])
            sel_flow.append(fi[cols])
            sel_dist.append(dist[rows, cols])
        r_idx, f_idx = np.concatenate(sel_rows), np.concatenate(sel_flow)
        pick = mp.iloc[r_idx].copy()
        pick["from_community_id"] = f_from[f_idx]
        pick["to_community_id"] = f_to[f_idx]
        pick["km"] = f_km[f_idx]
        pick["home_km"] = np.concatenate(sel_dist)
        out.append(pick)
    moves = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=MOVE_COLUMNS)
    moves = moves.rename(columns={"id": "staff_id", "code": "staff_code"})
    moves["home_km"] = moves["home_km"].astype(float).round(2)
    return moves[MOVE_COLUMNS].sort_values(["to_community_id", "km", "staff_id"], ignore_index=True)


def plan(comm: pd.DataFrame, staff: pd.DataFrame | None = None, opt: PlanOptions = DEFAULT_OPTIONS) -> Plan:
    """The suggested plan for the communities in ``comm`` (and, given ``staff``, who moves)."""
    t0 = time.perf_counter()
    flows, info = plan_flows(comm, opt)
    t1 = time.perf_counter()
    moves = choose_cadres(flows, staff, comm, opt) if staff is not None else pd.DataFrame(columns=MOVE_COLUMNS)
    t2 = time.perf_counter()
    totals = evaluate(comm, flows)
    return Plan(flows=flows, moves=moves, totals=totals, options=opt, edges=int(info["edges"]),
                fallback_rounds=int(info["fallback_rounds"]), widen_rounds=int(info["widen_rounds"]),
                timings={"flows": t1 - t0, "people": t2 - t1, "total": t2 - t0,
                         **{k: float(v) for k, v in info.items() if k.startswith("t_")}})


def with_options(opt: PlanOptions, **changes: Any) -> PlanOptions:
    return replace(opt, **changes)


# --- inputs from the gap engine -----------------------------------------------------------------


def eligible_mask(people: pd.DataFrame, opt: PlanOptions, counted_kinds: tuple[str, ...] | list[str]) -> np.ndarray:
    """Who the plan may move: movable, on duty, counted, never community workers or grid members;
    party members serving in their home community only when a weight for moving them is set."""
    from core.model.vocab import PINNED_KINDS

    kind = people["kind"].astype(str)
    ok = (people["movable"].fillna(False).astype(bool) & people["on_duty"].fillna(False).astype(bool)
          & kind.isin(list(counted_kinds)) & ~kind.isin([k.value for k in PINNED_KINDS])
          & people["community_id"].notna())
    if opt.respect_party_home and opt.party_home_weight_km is None:
        at_home = (kind == "party_member") & (people["home_community_id"] == people["community_id"])
        ok &= ~at_home
    return ok.to_numpy(bool)


def plan_input(gap_comm: pd.DataFrame, people: pd.DataFrame, opt: PlanOptions,
               counted_kinds: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """The optimiser's community table from the gap engine's community frame and the people table."""
    mov = people.loc[eligible_mask(people, opt, counted_kinds), "community_id"].value_counts()
    return pd.DataFrame({
        "id": gap_comm["community_id"].to_numpy(), "lon": gap_comm["lon"].to_numpy(float),
        "lat": gap_comm["lat"].to_numpy(float), "required": gap_comm["required"].to_numpy(np.int64),
        "available": gap_comm["available"].to_numpy(np.int64),
        "movable": gap_comm["community_id"].map(mov).fillna(0).to_numpy(np.int64),
    })
