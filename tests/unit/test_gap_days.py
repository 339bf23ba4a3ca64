"""The engine run once over many stacked days (``core.model.gap_days``) gives, day for day, what
``compute_gaps`` gives each day alone: district totals, coverage and the community rows — on generated
districts whose days differ in who is on duty, where people serve, risk levels, deployed volunteers,
screening work and the norms in force."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from core.demo.generator import generate
from core.demo.state import state_from_demo
from core.model.gap_days import HISTORY_COLUMNS, gaps_of_days
from core.model.gaps import compute_gaps
from core.model.norms import Norms
from core.model.state import StaffingState

TODAY = dt.date(2026, 11, 29)


def _days(base: StaffingState, n: int, rng: np.random.Generator) -> list[StaffingState]:
    out = []
    for k in range(n):
        staff = base.staff.copy()
        staff["on_duty"] = rng.random(len(staff)) > 0.1 * k / n
        moved = rng.random(len(staff)) < 0.05
        staff.loc[moved, "community_id"] = rng.choice(base.communities["community_id"].to_numpy(), int(moved.sum()))
        staff.loc[moved, "grid_id"] = -1
        comms = base.communities.copy()
        comms["risk_level"] = rng.choice(["low", "medium", "high", "unknown"], len(comms), p=[0.6, 0.25, 0.1, 0.05])
        vols = staff[staff["kind"] == "volunteer"].head(40 + k)
        deployed = pd.DataFrame({"staff_id": vols["staff_id"].to_numpy(),
                                 "community_id": rng.choice(comms["community_id"].to_numpy(), len(vols)).astype(float),
                                 "grid_id": np.nan,
                                 "task_type": rng.choice(["checkpoint", "delivery", "door_to_door"], len(vols))})
        screening = pd.DataFrame({"community_id": comms["community_id"].to_numpy()[: 5 + k],
                                  "households_per_day": rng.random(5 + k) * 400})
        out.append(dataclasses.replace(base, communities=comms, staff=staff, day=TODAY - dt.timedelta(days=n - 1 - k),
                                       deployed=deployed if k % 3 else None, screening=screening if k % 4 else None))
    return out


@pytest.mark.parametrize("scale", ["district", "city"])
def test_stacked_days_equal_the_engine_day_by_day(scale: str) -> None:
    rng = np.random.default_rng(16)
    base = state_from_demo(generate(scale, seed=3, today=TODAY))  # type: ignore[arg-type]
    states = _days(base, 6, rng)
    counting = Norms.from_params({"volunteers_count_for": ["checkpoint", "delivery"]})
    norms = [Norms(), Norms(), counting, Norms.from_params({"base_per_10k_residents": 30}), counting, Norms()]
    got = gaps_of_days(states, norms)
    assert [d.day for d in got] == [s.day for s in states]
    for state, n, day in zip(states, norms, got, strict=True):
        want = compute_gaps(state, n)
        assert day.district == want.district
        assert day.coverage == want.coverage
        pd.testing.assert_frame_equal(day.community, want.community[HISTORY_COLUMNS].reset_index(drop=True))
    # the days really differ (so the equality covers the per-day inputs, not one day copied)
    assert len({d.district["required"] for d in got}) > 2
    assert len({d.district["available"] for d in got}) > 2


def test_no_days_and_one_day() -> None:
    base = state_from_demo(generate("district", seed=3, today=TODAY))  # type: ignore[arg-type]
    assert gaps_of_days([], []) == []
    (one,) = gaps_of_days([base], [Norms()])
    assert one.district == compute_gaps(base, Norms()).district
    with pytest.raises(ValueError):
        gaps_of_days([base], [])
