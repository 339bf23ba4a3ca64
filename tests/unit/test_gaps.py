"""The gap engine: the norms arithmetic, a hand-worked district, and agreement with the loop baseline."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from core.cli.bench.gaps_loop import compute_gaps_loop
from core.demo.generator import generate
from core.demo.state import state_from_demo
from core.model.gaps import compute_gaps
from core.model.norms import Norms
from tests.unit.gap_fixtures import community, grid, hand_worked_district, people, state


@pytest.mark.parametrize(
    ("population", "risk", "n_grids", "checkpoints", "isolated", "vulnerable", "required"),
    [
        (10_000, "low", 0, 0, 0, 0, 18),  # base only
        (10_000, "medium", 0, 0, 0, 0, 27),  # × 1.5
        (10_000, "high", 0, 0, 0, 0, 45),  # × 2.5
        (0, "low", 0, 0, 0, 0, 0),  # zero population, nothing to cover
        (0, "high", 3, 0, 0, 0, 8),  # 3 grids × 2.5 = 7.5, rounded up
        (1, "low", 0, 0, 0, 0, 1),  # 0.0018 of a person is still a person
        (0, "low", 0, 1, 0, 0, 6),  # one checkpoint: 2 people × 3 shifts
        (0, "low", 0, 0, 11, 0, 2),  # 11 isolated households / 10 = 1.1, rounded up
        (0, "low", 0, 0, 0, 20, 1),  # 20 vulnerable residents / 20
        (5_000, "medium", 1, 2, 5, 10, 35),  # (9 + 1 + 12 + 0.5 + 0.5) × 1.5 = 34.5
        (20_000, "low", 4, 0, 0, 0, 40),  # 36 + 4: exact sums are not rounded up further
    ],
)
def test_required_headcount_follows_the_norm_terms(population, risk, n_grids, checkpoints, isolated, vulnerable,
                                                   required) -> None:  # type: ignore[no-untyped-def]
    s = state([community(1, population=population, risk=risk, checkpoints=checkpoints, isolated=isolated,
                         vulnerable=vulnerable)], [grid(g + 1, 1) for g in range(n_grids)], [])
    res = compute_gaps(s, Norms())
    row = res.community.iloc[0]
    assert row["required"] == required
    assert row["available"] == 0
    assert row["gap"] == required and row["shortage"] == required


@pytest.mark.parametrize(
    ("kind", "on_duty", "movable", "counted_kinds", "available", "movable_on_duty"),
    [
        ("cadre", True, True, None, 1, 1),
        ("cadre", False, True, None, 0, 0),  # off duty: not available
        ("community_worker", True, False, None, 1, 0),
        ("volunteer", True, True, None, 0, 0),  # volunteers are not counted by default
        ("volunteer", True, True, ("volunteer", "cadre"), 1, 1),  # unless the district counts them
        ("party_member", True, True, ("cadre",), 0, 0),
    ],
)
def test_available_counts_only_on_duty_people_of_counted_kinds(kind, on_duty, movable, counted_kinds, available,
                                                               movable_on_duty) -> None:  # type: ignore[no-untyped-def]
    norms = Norms() if counted_kinds is None else Norms.from_params({"counted_kinds": list(counted_kinds)})
    s = state([community(1, population=10_000)], [], people(1, kind, 1, on_duty=on_duty, movable=movable))
    row = compute_gaps(s, norms).community.iloc[0]
    assert (row["available"], row["movable_on_duty"]) == (available, movable_on_duty)
    assert row["gap"] == 18 - available


def test_movable_surplus_is_capped_by_movable_people_and_by_the_surplus() -> None:
    s = state([community(1, population=10_000), community(2, population=10_000)], [],
              people(1, "cadre", 30, movable=True) + people(2, "cadre", 19) + people(2, "cadre", 5, movable=True))
    c = compute_gaps(s, Norms()).community.set_index("code")
    assert c.loc["C1", "movable_surplus"] == 12  # 30 available, 18 required, all movable
    assert c.loc["C2", "movable_surplus"] == 5  # surplus 6, but only 5 movable


def test_a_zero_multiplier_community_without_grids_has_blank_coverage_not_full() -> None:
    s = state([community(1)], [], [])
    c = compute_gaps(s, Norms()).community.iloc[0]
    assert math.isnan(c["grid_coverage"]) and math.isnan(c["checkpoint_shift_coverage"])
    assert math.isnan(c["staff_per_10k"]) and math.isnan(c["volunteers_per_1k"])


def test_engine_matches_the_hand_worked_district() -> None:
    res = compute_gaps(hand_worked_district(), Norms())
    c = res.community.set_index("code")
    # C1: 18 + 2 grids + 1 checkpoint × 6 + 10/10 + 20/20 = 28; 30 on duty (3 cadres off duty)
    # C2: (9 + 1 + 12 + 0.5 + 0.5) × 1.5 = 34.5 -> 35; 20 on duty (the grid member is off duty)
    # C3: nobody lives there, high risk: 0 required; 2 movable cadres are surplus
    assert c[["required", "available", "gap", "shortage", "movable_on_duty", "movable_surplus", "off_duty"]].to_dict(
        "index") == {
        "C1": {"required": 28, "available": 30, "gap": -2, "shortage": 0, "movable_on_duty": 10,
               "movable_surplus": 2, "off_duty": 3},
        "C2": {"required": 35, "available": 20, "gap": 15, "shortage": 15, "movable_on_duty": 15,
               "movable_surplus": 0, "off_duty": 1},
        "C3": {"required": 0, "available": 2, "gap": -2, "shortage": 0, "movable_on_duty": 2,
               "movable_surplus": 2, "off_duty": 0},
    }
    # checkpoint shifts: C1 30 - 20 = 10 left, 2 a shift -> all 3 shifts; C2 20 - 15 = 5 left, 3 a shift -> 1 of 6
    assert c.loc["C1", "checkpoint_shifts_staffed"] == 3 and c.loc["C2", "checkpoint_shifts_staffed"] == 1
    assert c.loc["C1", "grid_coverage"] == 100.0 and c.loc["C2", "grid_coverage"] == 0.0
    assert c.loc["C1", "volunteers_per_1k"] == pytest.approx(0.5)
    assert c.loc["C1", "on_duty_cadre"] == 18 and c.loc["C1", "on_duty_volunteer"] == 5

    g = res.grid.set_index("code")
    # G1: 1 + 6 + 0.6 + 0.5 = 8.1 -> 9; G2: 1 + 0.4 + 0.5 = 1.9 -> 2; pool 30 - 2 assigned - 18 base = 10
    assert g.loc["G1", ["required", "available", "gap"]].tolist() == [9, 1 + 8, 0]
    assert g.loc["G2", ["required", "available", "gap"]].tolist() == [2, 1 + 1, 0]
    assert g.loc["G3", "covered"] == False  # noqa: E712  (numpy bool)
    assert g.loc["G1", "movable_surplus"] == 1 and g.loc["G2", "movable_surplus"] == 0

    st = res.street.set_index("code")
    assert st.loc["S1", ["required", "available", "gap", "shortage", "movable_surplus", "short_communities"]].tolist() \
        == [63, 50, 13, 15, 2, 1]
    assert st.loc["S2", ["required", "available", "gap", "shortage", "movable_surplus"]].tolist() == [0, 2, -2, 0, 2]
    assert st.loc["S1", "name"] == "甲街道"

    d = res.district
    assert (d["required"], d["available"], d["gap"], d["shortage"], d["movable_surplus"]) == (63, 52, 11, 15, 4)
    assert res.coverage["grid_coverage"] == pytest.approx(200 / 3)
    assert res.coverage["checkpoint_shift_coverage"] == pytest.approx(400 / 9)
    assert res.coverage["staff_per_10k"] == pytest.approx(52 / 15_000 * 10_000)
    assert res.coverage["volunteers_per_1k"] == pytest.approx(5 / 15_000 * 1_000)


def test_higher_norms_raise_required_everywhere() -> None:
    s = hand_worked_district()
    low = compute_gaps(s, Norms()).community["required"].to_numpy()
    high = compute_gaps(s, Norms.from_params({"base_per_10k_residents": 25})).community["required"].to_numpy()
    assert (high >= low).all() and high.sum() > low.sum()


def test_community_columns_are_the_contract_the_optimiser_relies_on() -> None:
    cols = set(compute_gaps(hand_worked_district(), Norms()).community.columns)
    assert {"community_id", "code", "name", "street_code", "street", "population", "lon", "lat", "risk_level",
            "required", "available", "gap", "shortage", "movable_on_duty", "movable_surplus"} <= cols


@pytest.mark.parametrize("scale", ["district", "city", "province"])
def test_loop_baseline_and_engine_agree_on_a_generated_preset(scale: str) -> None:
    s = state_from_demo(generate(scale, seed=7, today=dt.date(2026, 11, 29)))  # type: ignore[arg-type]
    engine = compute_gaps(s, Norms.from_params({"base_per_10k_residents": 25}))
    loop = compute_gaps_loop(s, Norms.from_params({"base_per_10k_residents": 25}))
    for col in ("required", "available", "gap", "movable_surplus"):
        assert np.array_equal(engine.community[col].to_numpy(), loop[col].to_numpy()), col
    assert engine.district["required"] == int(loop["required"].sum())
    assert 0 < engine.district["short_communities"] < len(s.communities)
