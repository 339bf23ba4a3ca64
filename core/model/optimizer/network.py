"""The suggested reassignment plan, part 1: its options and results, and the community network it is
solved on (donors, receivers, candidate edges), built from the gap engine's community table.

The plan is a community-level transportation problem, then the people. Objective, lexicographic:
  1. least total shortage (with no travel cap this is the true optimum, min(surplus, need));
  2. then the least worst shortage of any one community (bisection on t with max-flow checks);
  3. then the fewest moves;
  4. then the fewest kilometres (integer metres as costs).

Candidate edges are each donor's k nearest receivers and each receiver's k nearest donors
(``core.model.optimizer.solving`` adds fallback edges while both sides have people left); individual
cadres are then chosen per community flow (``core.model.optimizer.choosing``). The entry point is
``core.model.optimizer.planner.plan``.

Pure: numpy/pandas/scipy only (see docs in ../shared/research/optimizer-prototype.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from core.model.geo import local_xy_km

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
    #: communities of the plan without coordinates: their distances are unknown (km NaN); the plan
    #: prefers the same street, then the same district for them (``with_positions``)
    unlocated: int = 0


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


#: where communities without coordinates are put (``with_positions``): a street apart is this many
#: degrees (about 20 km), a district apart ten times more, all beyond the located ones
STREET_GAP_DEG = 0.2
DISTRICT_GAP_DEG = 2.0


def with_positions(comm: pd.DataFrame) -> pd.DataFrame:
    """``comm`` with every community placed: a community without coordinates takes the mean position
    of the located communities of its street (``street_code``), else a stand-in position shared by its
    street, a street apart from the next one and a district (the code's first 6 digits) further, all
    beyond the located ones, so that the plan prefers the same street, then the same district. The
    column ``located`` says which positions are real (distances to the others are unknown)."""
    out = comm.copy()
    lon = pd.to_numeric(out["lon"], errors="coerce").astype(float)
    lat = pd.to_numeric(out["lat"], errors="coerce").astype(float)
    located = lon.notna() & lat.notna()
    out["located"] = located.to_numpy()
    if located.all():
        return out
    street = (out["street_code"].astype(object).where(out["street_code"].notna(), "") if "street_code" in out
              else pd.Series("", index=out.index, dtype=object))
    mean_lon = lon[located].groupby(street[located]).mean()
    mean_lat = lat[located].groupby(street[located]).mean()
    lon = lon.where(located, street.map(mean_lon))
    lat = lat.where(located, street.map(mean_lat))
    rest = lon.isna() | lat.isna()
    if rest.any():
        east = float(lon[located].max()) if located.any() else 0.0
        south = float(lat[located].min()) if located.any() else 0.0
        streets = street[rest].astype(str)
        districts = streets.str[:6]
        s_rank = streets.rank(method="dense").to_numpy() - 1
        d_rank = districts.rank(method="dense").to_numpy() - 1
        lon[rest] = east + STREET_GAP_DEG * (1 + s_rank)
        lat[rest] = south + DISTRICT_GAP_DEG * d_rank
    out["lon"], out["lat"] = lon.to_numpy(), lat.to_numpy()
    return out


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


def dist_m(net: Network, di: np.ndarray, ri: np.ndarray) -> np.ndarray:
    d, r = net.donors[di], net.receivers[ri]
    return np.rint(np.hypot(net.x[d] - net.x[r], net.y[d] - net.y[r]) * 1000).astype(np.int64)


def knn_pairs(tree_pts: np.ndarray, query_pts: np.ndarray, k: int, max_km: float | None) -> tuple[np.ndarray, np.ndarray]:
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
    r1, d1 = knn_pairs(dp, rp, k, max_km)
    d2, r2 = knn_pairs(rp, dp, k, max_km)
    return unique_pairs(np.concatenate([d1, d2]), np.concatenate([r1, r2]), len(net.receivers))


def unique_pairs(d: np.ndarray, r: np.ndarray, nr: int) -> tuple[np.ndarray, np.ndarray]:
    key = np.unique(d.astype(np.int64) * max(nr, 1) + r.astype(np.int64))
    return key // max(nr, 1), key % max(nr, 1)


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
    out = pd.DataFrame({
        "id": gap_comm["community_id"].to_numpy(), "lon": gap_comm["lon"].to_numpy(float),
        "lat": gap_comm["lat"].to_numpy(float), "required": gap_comm["required"].to_numpy(np.int64),
        "available": gap_comm["available"].to_numpy(np.int64),
        "movable": gap_comm["community_id"].map(mov).fillna(0).to_numpy(np.int64),
    })
    if "street_code" in gap_comm:  # where a community without coordinates is placed (with_positions)
        out["street_code"] = gap_comm["street_code"].to_numpy()
    return out
