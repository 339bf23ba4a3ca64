"""The pure parts of the desk edits (core.services.desk): shares of a campaign's target, the latest
condition of each community, and the state read's due-change check costing nothing when none is due."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core.model.errors import InvalidInput
from core.services import desk
from core.services.screening import grid_targets
from tests.fakes import FakeUnitOfWork


def _spread(households: list[int], ids: list[int], total: int) -> dict[int, int]:
    g = grid_targets(pd.DataFrame({"grid_id": ids, "households": households}), total=total)
    return dict(zip(g["grid_id"], g["target_households"], strict=True))


def test_a_total_is_spread_over_grids_by_households_and_adds_up() -> None:
    got = _spread([100, 200, 0], [7, 8, 9], 10)
    assert got == {7: 3, 8: 7, 9: 0} and sum(got.values()) == 10


def test_grids_without_households_share_a_total_equally() -> None:
    got = _spread([0, 0, 0], [1, 2, 3], 7)
    assert sorted(got.values()) == [2, 2, 3] and sum(got.values()) == 7


def test_a_negative_total_is_refused() -> None:
    with pytest.raises(InvalidInput):
        _spread([1], [1], -1)


def test_the_latest_condition_of_each_community_wins() -> None:
    rows = pd.DataFrame({"community_id": [1, 1, 2, 1], "risk_level": ["low", "high", "medium", "medium"],
                         "valid_from": [dt.date(2026, 1, 1), dt.date(2026, 1, 5), dt.date(2026, 1, 2),
                                        dt.date(2026, 1, 3)]})
    got = desk.latest_per_community(rows)
    assert list(got[["community_id", "risk_level"]].itertuples(index=False, name=None)) == [(1, "high"), (2, "medium")]


def test_nothing_due_costs_one_meta_read_and_touches_no_table() -> None:
    uow = FakeUnitOfWork()  # no ``desk`` repository: reaching for it would fail
    assert desk.apply_due_risk(uow) == 0  # type: ignore[arg-type]
    later = FakeUnitOfWork(meta={desk.DUE_KEY: "2999-01-01"})
    assert desk.apply_due_risk(later) == 0  # type: ignore[arg-type]
