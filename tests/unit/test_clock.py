"""The one clock: the demo's own day, or the real one (on a fake unit of work, no database)."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from core import config
from core.i18n import translate
from core.model.errors import InvalidInput
from core.services import clock
from core.storage.rows.base import now as row_now
from tests.fakes import FakeUnitOfWork


def test_the_demo_lives_on_its_own_day() -> None:
    uow = FakeUnitOfWork(meta={"demo": "1", "demo_today": "2026-03-01"})
    assert clock.reference_day(uow) == dt.date(2026, 3, 1)  # type: ignore[arg-type]
    now = clock.reference_now(uow)  # type: ignore[arg-type]
    assert now.date() == dt.date(2026, 3, 1) and now.microsecond == 0


def test_a_real_district_lives_on_the_real_day() -> None:
    uow = FakeUnitOfWork(meta={"demo_today": "2026-03-01"})  # a stray key without the demo flag
    assert clock.demo_day(uow) is None  # type: ignore[arg-type]
    assert clock.reference_day(uow) == config.district_now().date()  # type: ignore[arg-type]


# --- the district's zone, whatever the machine's ---------------------------------------------------

#: 2026-03-01 17:30:15.25 UTC = 2026-03-02 01:30:15.25 in Beijing (the next day)
INSTANT = dt.datetime(2026, 3, 1, 17, 30, 15, 250000, tzinfo=dt.UTC)


@pytest.fixture
def at_instant(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process clock held at INSTANT, on a machine set to UTC."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    monkeypatch.delenv("FANGXIAN_TIMEZONE", raising=False)
    monkeypatch.setattr(config, "instant", lambda: INSTANT)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


def test_now_is_the_district_time_naive_to_the_second_by_default_beijing(at_instant: None) -> None:
    assert config.district_timezone() == ZoneInfo("Asia/Shanghai")
    assert clock.wall_now() == dt.datetime(2026, 3, 2, 1, 30, 15)
    assert clock.wall_now().tzinfo is None
    assert clock.exact_now() == dt.datetime(2026, 3, 2, 1, 30, 15, 250000)
    assert row_now() == clock.exact_now()  # the rows' defaults (created_at, audit times) read the same clock
    assert clock.reference_day(FakeUnitOfWork(meta={})) == dt.date(2026, 3, 2)  # type: ignore[arg-type]


def test_the_zone_is_a_setting(at_instant: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FANGXIAN_TIMEZONE", "Europe/Berlin")
    assert clock.wall_now() == dt.datetime(2026, 3, 1, 18, 30, 15)
    monkeypatch.setenv("FANGXIAN_TIMEZONE", "  ")  # blank: the default
    assert clock.wall_now() == dt.datetime(2026, 3, 2, 1, 30, 15)


@pytest.mark.parametrize("zone", ["Asia/Nowhere", "Asia", "../etc/passwd", "/etc/localtime", "x" * 300])
def test_an_unknown_zone_is_refused_with_a_key(at_instant: None, monkeypatch: pytest.MonkeyPatch, zone: str) -> None:
    monkeypatch.setenv("FANGXIAN_TIMEZONE", zone)
    with pytest.raises(InvalidInput) as refused:
        clock.wall_now()
    assert refused.value.key == "config.timezone_unknown"
    assert refused.value.params == {"zone": zone}
    assert "FANGXIAN_TIMEZONE" in translate(refused.value.key, zone=zone)
    assert "FANGXIAN_TIMEZONE" in translate(refused.value.key, "en", zone=zone)


def test_the_demo_keeps_its_own_day_at_the_district_time(at_instant: None) -> None:
    uow = FakeUnitOfWork(meta={"demo": "1", "demo_today": "2026-11-29"})
    assert clock.reference_now(uow) == dt.datetime(2026, 11, 29, 1, 30, 15)  # type: ignore[arg-type]
