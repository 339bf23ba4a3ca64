"""The plan optimiser on hand-made and random small instances, checked against independent LPs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, vstack

from core.model.optimizer.baselines import greedy_flows, lp_shortage
from core.model.optimizer.network import (
    PlanOptions,
    build_network,
    eligible_mask,
    evaluate,
    plan_input,
)
from core.model.optimizer.planner import plan


def instance(n: int, seed: int, spread: float = 0.05) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    req = rng.integers(5, 40, n)
    avail = np.maximum(req + rng.integers(-15, 15, n), 0)
    return pd.DataFrame({"id": np.arange(100, 100 + n), "lon": 114.3 + rng.normal(0, spread, n),
                         "lat": 30.6 + rng.normal(0, spread * 0.8, n), "required": req, "available": avail,
                         "movable": (avail * rng.uniform(0.3, 0.9, n)).astype(int)})


def _full_lp(comm: pd.DataFrame, opt: PlanOptions):  # type: ignore[no-untyped-def]
    """Independent LPs on the complete bipartite graph: (max covered, min worst t, min metres at max cover)."""
    net = build_network(comm, opt)
    nd, nr = len(net.donors), len(net.receivers)
    di, ri = (a.ravel() for a in np.meshgrid(np.arange(nd), np.arange(nr), indexing="ij"))
    m = len(di)
    cols = np.arange(m)
    a_d = csr_matrix((np.ones(m), (di, cols)), shape=(nd, m))
    a_r = csr_matrix((np.ones(m), (ri, cols)), shape=(nr, m))
    b = np.concatenate([net.cap, net.need]).astype(float)
    cover = -linprog(-np.ones(m), A_ub=vstack([a_d, a_r]), b_ub=b, bounds=(0, None), method="highs").fun
    # min t: variables x (m) and t; need_r - in_r <= t, total = cover
    a_t = vstack([csr_matrix(np.hstack([a_d.toarray(), np.zeros((nd, 1))])),
                  csr_matrix(np.hstack([a_r.toarray(), np.zeros((nr, 1))])),
                  csr_matrix(np.hstack([-a_r.toarray(), -np.ones((nr, 1))]))])
    b_t = np.concatenate([b, -net.need.astype(float)])
    c_t = np.zeros(m + 1)
    c_t[-1] = 1
    res = linprog(c_t, A_ub=a_t, b_ub=b_t, A_eq=np.concatenate([np.ones(m), [0]])[None, :], b_eq=[cover],
                  bounds=(0, None), method="highs")
    d, r = net.donors[di], net.receivers[ri]
    metres = np.rint(np.hypot(net.x[d] - net.x[r], net.y[d] - net.y[r]) * 1000)
    km = linprog(metres, A_ub=vstack([a_d, a_r]), b_ub=b, A_eq=np.ones((1, m)), b_eq=[cover], bounds=(0, None),
                 method="highs").fun / 1000
    return round(cover), math.ceil(res.fun - 1e-7), km


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("backend", ["ortools", "scipy"])
def test_plan_reaches_the_lp_optimum_then_the_least_worst_community(seed: int, backend: str) -> None:
    comm = instance(30, seed)
    p = plan(comm, opt=PlanOptions(k=40, backend=backend))
    cover, worst, _ = _full_lp(comm, PlanOptions())
    assert p.totals.shortage_after == p.totals.shortage_before - cover
    assert p.totals.worst_after == max(worst, 0)
    assert p.totals.moves == cover  # each move covers one unit of shortage when origins are kept


@pytest.mark.parametrize("seed", range(8))
def test_few_candidate_edges_still_reach_the_least_worst_community_of_the_complete_graph(seed: int) -> None:
    comm = instance(30, seed)
    isolated = pd.DataFrame({"id": [999], "lon": [115.2], "lat": [31.1], "required": [80], "available": [10],
                             "movable": [0]})
    comm = pd.concat([comm, isolated], ignore_index=True)
    p = plan(comm, opt=PlanOptions(k=2))
    cover, worst, _ = _full_lp(comm, PlanOptions())
    assert p.totals.shortage_after == p.totals.shortage_before - cover
    assert p.totals.worst_after == worst


@pytest.mark.parametrize("seed", range(5))
def test_min_sum_plan_has_the_least_kilometres_of_any_optimal_cover(seed: int) -> None:
    comm = instance(30, seed)
    p = plan(comm, opt=PlanOptions(k=40, balance_worst=False))
    _, _, km = _full_lp(comm, PlanOptions())
    assert p.totals.km == pytest.approx(km, rel=1e-3, abs=0.01)


@pytest.mark.parametrize("seed", range(6))
def test_few_candidate_edges_still_reach_the_true_optimum_through_fallback_edges(seed: int) -> None:
    rng = np.random.default_rng(seed)
    # a tight cluster of receivers beside small donors, the big donors far away
    near = pd.DataFrame({"id": range(1, 21), "lon": 114.3 + rng.normal(0, 0.01, 20), "lat": 30.6 + rng.normal(0, 0.01, 20),
                         "required": 30, "available": np.where(np.arange(20) < 15, 10, 32), "movable": 30})
    far = pd.DataFrame({"id": range(21, 26), "lon": 115.5 + rng.normal(0, 0.01, 5), "lat": 31.2, "required": 10,
                        "available": 60, "movable": 40})
    comm = pd.concat([near, far], ignore_index=True)
    p = plan(comm, opt=PlanOptions(k=1))
    optimum, kind = lp_shortage(comm)
    assert kind == "full"
    assert p.totals.shortage_after == optimum
    assert p.fallback_rounds >= 1


def test_a_travel_cap_keeps_every_flow_within_it() -> None:
    comm = instance(40, 3, spread=0.2)
    p = plan(comm, opt=PlanOptions(max_km=8.0))
    assert len(p.flows) > 0
    assert (p.flows["km"] <= 8.0).all()
    assert p.totals.shortage_after == lp_shortage(comm, PlanOptions(max_km=8.0))[0]


def test_a_cap_on_moves_per_community_is_respected() -> None:
    comm = instance(40, 4)
    p = plan(comm, opt=PlanOptions(max_moves_per_community=3))
    assert p.flows.groupby("from_community_id")["n"].sum().max() <= 3
    assert p.flows.groupby("to_community_id")["n"].sum().max() <= 3


@pytest.mark.parametrize("seed", range(4))
def test_letting_donors_go_below_requirement_lowers_the_worst_gap_without_raising_the_total(seed: int) -> None:
    comm = instance(30, seed + 10)
    kept = plan(comm, opt=PlanOptions(k=40))
    floor = plan(comm, opt=PlanOptions(k=40, keep_origin_at_requirement=False, floor_share=0.8))
    assert floor.totals.shortage_after == kept.totals.shortage_after
    assert floor.totals.worst_after <= kept.totals.worst_after
    # no donor goes below its floor
    out = floor.flows.groupby("from_community_id")["n"].sum()
    c = comm.set_index("id")
    left = c.loc[out.index, "available"] - out
    assert (left >= np.ceil(c.loc[out.index, "required"] * 0.8)).all()


def test_no_surplus_anywhere_gives_an_empty_plan() -> None:
    comm = instance(20, 1).assign(available=lambda d: np.minimum(d["available"], d["required"]))
    p = plan(comm)
    assert len(p.flows) == 0 and len(p.moves) == 0
    assert p.totals.shortage_after == p.totals.shortage_before > 0


def test_everything_short_and_a_single_community_and_no_communities_are_handled() -> None:
    short = instance(10, 2).assign(available=0)
    assert plan(short).totals.moves == 0
    one = instance(1, 0)
    assert plan(one).totals.moves == 0
    empty = instance(0, 0)
    t = plan(empty).totals
    assert (t.shortage_before, t.shortage_after, t.moves, t.km) == (0, 0, 0, 0.0)


def test_everything_in_surplus_needs_no_moves() -> None:
    comm = instance(15, 5).assign(available=lambda d: d["required"] + 3)
    p = plan(comm)
    assert p.totals.moves == 0 and p.totals.shortage_after == 0


@pytest.mark.parametrize("seed", range(5))
def test_greedy_never_beats_the_plan_and_plan_never_travels_more_than_greedy_at_min_sum(seed: int) -> None:
    comm = instance(50, seed)
    g = evaluate(comm, greedy_flows(comm))
    p = plan(comm, opt=PlanOptions(balance_worst=False))
    assert p.totals.shortage_after <= g.shortage_after
    assert p.totals.km <= g.km + 1e-6
    assert plan(comm).totals.worst_after <= g.worst_after


def _people(comm: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    sid = 1
    for r in comm.itertuples():
        for j in range(int(r.available)):
            kind = "cadre" if j < r.movable else ("community_worker" if j % 2 else "grid_member")
            rows.append({"id": sid, "code": f"S{sid:05d}", "kind": kind, "community_id": r.id,
                         "movable": kind == "cadre", "on_duty": True, "home_lon": r.lon + rng.normal(0, 0.02),
                         "home_lat": r.lat + rng.normal(0, 0.02), "home_community_id": None,
                         "skills": "driving" if j % 3 == 0 else "", "hours_week": float(rng.integers(10, 60))})
            sid += 1
    return pd.DataFrame(rows)


def test_chosen_cadres_match_the_flows_and_nobody_moves_twice_or_against_the_rules() -> None:
    comm = instance(30, 7)
    people = _people(comm, 7)
    opt = PlanOptions()
    kinds = ("community_worker", "grid_member", "cadre", "party_member", "property_staff")
    pin = plan_input(comm.rename(columns={"id": "community_id"}), people, opt, kinds)
    p = plan(pin, people[eligible_mask(people, opt, kinds)], opt)
    assert len(p.moves) == p.totals.moves > 0
    assert p.moves["staff_id"].is_unique
    kinds_moved = people.set_index("id").loc[p.moves["staff_id"], "kind"]
    assert set(kinds_moved) == {"cadre"}
    origin = people.set_index("id").loc[p.moves["staff_id"], "community_id"].to_numpy()
    assert (origin == p.moves["from_community_id"].to_numpy()).all()
    per_edge = p.moves.groupby(["from_community_id", "to_community_id"]).size()
    flows = p.flows.set_index(["from_community_id", "to_community_id"])["n"]
    assert per_edge.sort_index().equals(flows.sort_index().rename(None).astype(per_edge.dtype))


def test_single_destination_donors_send_the_cadres_living_nearest_to_it() -> None:
    comm = pd.DataFrame({"id": [1, 2], "lon": [114.30, 114.40], "lat": [30.6, 30.6], "required": [10, 10],
                         "available": [14, 8], "movable": [4, 0]})
    people = pd.DataFrame({"id": [1, 2, 3, 4], "code": ["a", "b", "c", "d"], "kind": "cadre", "community_id": 1,
                           "movable": True, "on_duty": True, "home_lon": [114.29, 114.39, 114.35, 114.41],
                           "home_lat": 30.6, "home_community_id": None, "skills": "", "hours_week": 40.0})
    p = plan(comm, people)
    assert sorted(p.moves["staff_id"]) == [2, 4]


def test_party_members_at_home_stay_unless_a_weight_is_given() -> None:
    people = pd.DataFrame({"kind": ["party_member", "party_member", "cadre", "grid_member"],
                           "community_id": [1, 1, 1, 1], "home_community_id": [1, 2, None, None],
                           "movable": True, "on_duty": True})
    kinds = ("cadre", "party_member", "grid_member")
    assert eligible_mask(people, PlanOptions(), kinds).tolist() == [False, True, True, False]
    assert eligible_mask(people, PlanOptions(party_home_weight_km=5.0), kinds).tolist() == [True, True, True, False]
    assert eligible_mask(people, PlanOptions(respect_party_home=False), kinds).tolist() == [True, True, True, False]


def test_without_coordinates_the_plan_prefers_the_same_street_then_the_same_district() -> None:
    nan = float("nan")
    comm = pd.DataFrame({
        "id": [1, 2, 3, 4, 5],
        "street_code": ["420102001", "420102001", "420102002", "420103001", "420102002"],
        "lon": [nan, nan, nan, nan, nan], "lat": [nan, nan, nan, nan, nan],
        "required": [10, 5, 5, 5, 10], "available": [7, 9, 9, 9, 7], "movable": [0, 4, 4, 4, 0],
    })
    p = plan(comm)
    flows = {(int(r.from_community_id), int(r.to_community_id)): int(r.n) for r in p.flows.itertuples()}
    # 1 is short by 3 and takes them from 2 (its street), never from 3 (another street) or 4 (another
    # district); 5 is short by 3 and takes them from 3, its street
    assert flows == {(2, 1): 3, (3, 5): 3}
    assert p.unlocated == 5 and p.flows["km"].isna().all()  # distances are unknown, not 0 km
    assert p.totals.shortage_after == 0


def test_a_community_without_coordinates_sits_with_the_located_ones_of_its_street() -> None:
    comm = pd.DataFrame({
        "id": [1, 2, 3], "street_code": ["s1", "s1", "s2"],
        "lon": [114.30, float("nan"), 114.31], "lat": [30.60, float("nan"), 30.61],
        "required": [5, 8, 5], "available": [8, 5, 8], "movable": [3, 0, 3],
    })
    p = plan(comm)
    assert p.flows[["from_community_id", "to_community_id", "n"]].values.tolist() == [[1, 2, 3]]
    assert p.unlocated == 1 and p.flows["km"].isna().all()
