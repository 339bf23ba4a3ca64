"""The day-by-day history's states (``states_on_days``: the history sorted once) equal the states rebuilt
one day at a time (``state_on``), frame for frame, on SQLite and PostgreSQL — on the demo, which has
moves, duty changes, condition changes and volunteer deployments across its fortnight, and after a move
made today."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from core.model.state import state_on, states_on_days
from core.services import clock
from core.services.staffing import read_tables
from core.services.uow import unit_of_work


def _assert_same_states(url: str) -> int:
    with unit_of_work(url) as uow:
        today = clock.reference_day(uow)
        raw = read_tables(uow, today)
    days = [today - dt.timedelta(days=k) for k in range(15, -1, -1)]  # before the demo's history began, too
    fast = states_on_days(raw, days)
    changed = 0
    for day, got in zip(days, fast, strict=True):
        want = state_on(raw, day)
        for field in ("communities", "grids", "staff", "deployed"):
            a, b = getattr(got, field), getattr(want, field)
            if b is None:
                assert a is None, (day, field)
                continue
            pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=True,
                                          obj=f"{field} on {day}")
        assert got.day == want.day
        changed += int(not want.staff.equals(state_on(raw, days[0]).staff))
    return changed


def test_the_history_states_equal_the_day_by_day_rebuild(demo_db: str) -> None:
    changed = _assert_same_states(demo_db)
    assert changed > 0  # the fortnight is not one state copied: the comparison covers real change


def test_they_stay_equal_after_a_move_made_today(demo_db: str) -> None:
    from core.services import reassign
    from tests.storage.test_one_clock import COORD

    with unit_of_work(demo_db) as uow:
        people = uow.reassign.movable_people()
        comms = uow.state.communities()
        person = people.iloc[0]
        target = int(comms.loc[comms["community_id"] != person["community_id"], "community_id"].iloc[0])
    with unit_of_work(demo_db) as uow:
        reassign.move_staff(uow, COORD, [int(person["id"])], target, "历史对比测试", override_shortage_reason="测试",
                           expected_versions={int(person["id"]): int(person["version"])})
    assert _assert_same_states(demo_db) > 0


def test_a_read_from_a_first_day_on_gives_the_same_states_from_that_day(demo_db: str) -> None:
    """``read_tables(..., since=D)`` leaves out deployments that ended before D: the days from D on are
    the same as from a full read, and it reads fewer rows (the demo's fortnight of volunteer tasks)."""
    with unit_of_work(demo_db) as uow:
        today = clock.reference_day(uow)
        first = today - dt.timedelta(days=5)
        full, part = read_tables(uow, today), read_tables(uow, today, since=first)
        now_only = read_tables(uow)
    assert full.deployments is not None and part.deployments is not None and now_only.deployments is not None
    assert len(now_only.deployments) < len(part.deployments) < len(full.deployments)
    days = [first + dt.timedelta(days=k) for k in range(6)]
    for got, want in zip(states_on_days(part, days), states_on_days(full, days), strict=True):
        assert got.deployed is not None and want.deployed is not None
        pd.testing.assert_frame_equal(got.deployed, want.deployed, obj=str(want.day))
    today_state = state_on(now_only, None)
    want_today = state_on(full, None)
    assert today_state.deployed is not None and want_today.deployed is not None
    pd.testing.assert_frame_equal(today_state.deployed, want_today.deployed)
