"""The roster's rules without a database: patterns (presets, the norms' shifts a day, the stored text form),
shifts past midnight, clashes, rest between shifts, hours a day and a week, days in a row."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core.model.errors import InvalidInput
from core.model.roster_rules import (
    PRESETS,
    FatigueLimits,
    check_shift,
    even_slots,
    format_slots,
    parse_slots,
)

D = dt.date(2026, 12, 1)
LIMITS = FatigueLimits(max_hours_day=12, max_hours_week=60, max_consecutive_days=5, min_rest_hours=8)


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(D + dt.timedelta(days=day), dt.time()) + dt.timedelta(hours=hour)


def shifts(*windows: tuple[dt.datetime, dt.datetime]) -> pd.DataFrame:
    return pd.DataFrame({"starts_at": [w[0] for w in windows], "ends_at": [w[1] for w in windows],
                         "place": ["丹水花园东门卡点"] * len(windows)})


def kinds(problems) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(p.kind for p in problems)


def test_patterns_come_from_presets_the_norms_or_their_text() -> None:
    assert even_slots(3) == PRESETS["3x8"] and even_slots(2) == PRESETS["2x12"]
    four = even_slots(4)
    assert [s.hours for s in four] == [6.0] * 4 and [f"{s.start:%H:%M}" for s in four] == ["08:00", "14:00", "20:00",
                                                                                          "02:00"]
    text = format_slots(PRESETS["3x8"])
    assert text == "early|08:00|8;middle|16:00|8;night|00:00|8" and parse_slots(text) == PRESETS["3x8"]
    assert parse_slots("夜岗|20:00|12")[0].name == "夜岗"  # a district's own names stay as written
    night = PRESETS["2x12"][1].window(D)
    assert night == (at(0, 20), at(1, 8))  # past midnight, on the day it starts


@pytest.mark.parametrize("text", ["", "早班|25:00|8", "早班|08:00|0", "早班|08:00|8;早班|16:00|8",
                                  "A|00:00|12;B|12:00|12;C|00:00|1", "早班 08:00 8"])
def test_a_pattern_that_does_not_make_sense_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_slots(text)


def test_an_overlap_anywhere_is_a_clash_and_nothing_else_is_checked() -> None:
    found = check_shift(7, shifts((at(0, 8), at(0, 16))), at(0, 12), at(0, 20), LIMITS)
    assert kinds(found) == ["clash"] and found[0].hard and found[0].params["place"] == "丹水花园东门卡点"


def test_rest_between_shifts_counts_before_and_after() -> None:
    assert kinds(check_shift(7, shifts((at(0, 0), at(0, 8))), at(0, 8), at(0, 16), LIMITS)) == ["hours_day", "rest"]
    assert kinds(check_shift(7, shifts((at(0, 0), at(0, 4))), at(0, 12), at(0, 20), LIMITS)) == []  # 8 h: enough
    after = check_shift(7, shifts((at(1, 2), at(1, 10))), at(0, 16), at(1, 0), LIMITS)
    assert kinds(after) == ["rest"] and after[0].params["hours"] == 2.0


def test_a_night_shift_splits_its_hours_over_the_two_days() -> None:
    # 20:00-08:00 after a day shift 00:00-04:00: 4 + 4 h on day 0 (under 12), 8 h on day 1
    assert kinds(check_shift(7, shifts((at(0, 0), at(0, 4))), at(0, 20), at(1, 8), LIMITS)) == []


def test_hours_a_week_and_days_in_a_row() -> None:
    five = shifts(*[(at(d, 8), at(d, 20)) for d in range(-5, 0)])  # 5 × 12 h before today
    found = check_shift(7, five, at(0, 8), at(0, 20), LIMITS)
    assert kinds(found) == ["hours_week", "streak"]
    assert {p.kind: p.params for p in found}["streak"]["days"] == 6
    assert not any(p.hard for p in found)
