"""The one clock: the demo's own day, or the real one (on a fake unit of work, no database)."""

from __future__ import annotations

import datetime as dt

from core.services import clock
from tests.fakes import FakeUnitOfWork


def test_the_demo_lives_on_its_own_day() -> None:
    uow = FakeUnitOfWork(meta={"demo": "1", "demo_today": "2026-03-01"})
    assert clock.reference_day(uow) == dt.date(2026, 3, 1)  # type: ignore[arg-type]
    now = clock.reference_now(uow)  # type: ignore[arg-type]
    assert now.date() == dt.date(2026, 3, 1) and now.microsecond == 0


def test_a_real_district_lives_on_the_real_day() -> None:
    uow = FakeUnitOfWork(meta={"demo_today": "2026-03-01"})  # a stray key without the demo flag
    assert clock.demo_day(uow) is None  # type: ignore[arg-type]
    assert clock.reference_day(uow) == dt.date.today()  # type: ignore[arg-type]
