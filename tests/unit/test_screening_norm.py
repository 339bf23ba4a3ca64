"""The screening workload of running campaigns feeds the required headcount (issue 9 → norms)."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from core.cli.bench.gaps_loop import compute_gaps_loop
from core.model.gaps import compute_gaps
from core.model.norms import DEFAULT_NORMS, Norms
from tests.unit.gap_fixtures import community, state

NORMS = Norms.from_params(DEFAULT_NORMS)


@pytest.mark.parametrize(("risk", "households_per_day", "expected"), [
    ("low", 0.0, 0),
    ("low", 150.0, 1),
    ("low", 151.0, 2),            # a part of a person rounds up
    ("medium", 300.0, 3),         # 2 people × 1.5
    ("high", 450.0, math.ceil(3 * 2.5)),
])
def test_screening_households_a_day_add_people_to_the_requirement(risk: str, households_per_day: float,
                                                                  expected: int) -> None:
    s = state([community(1, risk=risk)], [], [])
    work = pd.DataFrame({"community_id": [1], "households_per_day": [households_per_day]})
    assert compute_gaps(dataclasses.replace(s, screening=work), NORMS).community["required"].iat[0] == expected


def test_a_faster_screening_norm_needs_fewer_people() -> None:
    s = dataclasses.replace(state([community(1)], [], []),
                            screening=pd.DataFrame({"community_id": [1], "households_per_day": [600.0]}))
    fast = Norms.from_params({**DEFAULT_NORMS, "screening_households_per_person_per_day": 300.0})
    assert compute_gaps(s, NORMS).community["required"].iat[0] == 4
    assert compute_gaps(s, fast).community["required"].iat[0] == 2


def test_the_loop_baseline_counts_screening_the_same_way() -> None:
    s = dataclasses.replace(
        state([community(1, population=8000, checkpoints=2), community(2, risk="high")], [], []),
        screening=pd.DataFrame({"community_id": [1, 2, 2], "households_per_day": [200.0, 100.0, 90.0]}))
    engine = compute_gaps(s, NORMS).community.set_index("community_id")["required"]
    loop = compute_gaps_loop(s, NORMS).set_index("community_id")["required"]
    assert engine.to_dict() == loop.to_dict()


def test_the_screening_norm_is_validated() -> None:
    from core.i18n import error_text
    from core.model.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        Norms.from_params({**DEFAULT_NORMS, "screening_households_per_person_per_day": 0})
    assert [e.key for e in err.value.params["errors"]] == [  # type: ignore[attr-defined]
        "norms.term.screening_households_per_person_per_day.out_of_range"]
    assert "入户排查" in error_text(err.value)
