"""Deployment rules on plain data: conflicts, hours a day, days in a row, availability, the errand
life-cycle and deadlines, and who counts as worn out."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from core.i18n import TABLES, error_text
from core.i18n.volunteers import issue_text, weekdays_text
from core.model.errors import InvalidInput, RuleViolation
from core.model.volunteer_rules import (
    ERRAND_TRANSITIONS,
    check_assignments,
    errand_deadline,
    errand_step,
    fatigue_table,
    flag_errands,
    hours_by_day,
    weekdays,
)

D = dt.date(2026, 11, 23)  # a Monday


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(D + dt.timedelta(days=day), dt.time()) + dt.timedelta(hours=hour)


def person(sid: int, kind: str = "volunteer", on_duty: bool = True) -> dict[str, object]:
    return {"staff_id": sid, "code": f"S{sid:03d}", "kind": kind, "on_duty": on_duty}


def existing(*rows: tuple[int, int, int, int, int]) -> pd.DataFrame:
    """(staff_id, day, start hour, end hour on the same day (may pass 24), hours served or -1)."""
    return pd.DataFrame([{"staff_id": s, "task_code": f"T{i}", "starts_at": at(d, h0), "ends_at": at(d, h1),
                          "hours": np.nan if h < 0 else float(h)} for i, (s, d, h0, h1, h) in enumerate(rows)])


NO_AV = pd.DataFrame(columns=["staff_id", "days", "hour_from", "hour_to"])


def check(people: list[dict[str, object]], ex: pd.DataFrame, start: dt.datetime, end: dt.datetime, *,
          policy: str = "warn", max_h: float = 12, max_days: float = 6, av: pd.DataFrame = NO_AV) -> list:
    return check_assignments(pd.DataFrame(people), ex, av, starts_at=start, ends_at=end, max_hours_per_day=max_h,
                             max_consecutive_days=max_days, fatigue_policy=policy)


def kinds(issues: list) -> list[tuple[int, str, bool]]:
    return sorted((i.staff_id, i.kind, i.blocking) for i in issues)


def test_an_overlapping_task_is_a_blocking_conflict_and_a_touching_one_is_not() -> None:
    ex = existing((1, 0, 7, 15, -1), (2, 0, 15, 23, -1))
    issues = check([person(1), person(2)], ex, at(0, 14), at(0, 15))
    assert kinds(issues) == [(1, "conflict", True)]
    assert issues[0].key == "volunteer.issue.conflict" and issues[0].params["code"] == "S001"
    assert issue_text(issues[0]) == "S001 同一时段已有任务：T0 11-23 07:00–15:00"


@pytest.mark.parametrize(("policy", "blocking"), [("warn", False), ("refuse", True)])
def test_more_hours_a_day_than_the_limit_is_refused_or_warned_by_policy(policy: str, blocking: bool) -> None:
    ex = existing((1, 0, 7, 15, -1))
    issues = check([person(1)], ex, at(0, 15), at(0, 20), policy=policy)
    assert kinds(issues) == [(1, "hours", blocking)]
    assert "13.0 小时" in issue_text(issues[0]) and "12 小时" in issue_text(issues[0])
    assert issue_text(issues[0], "en") == "S001 would serve 13.0 h on 11-23, above the daily limit of 12 h"
    assert check([person(1)], ex, at(0, 15), at(0, 19), policy=policy) == []  # 12 h exactly is allowed


def test_served_hours_replace_the_planned_window_once_checked_out() -> None:
    ex = existing((1, 0, 7, 15, 3))  # left after 3 hours
    assert check([person(1)], ex, at(0, 15), at(0, 23)) == []


def test_a_night_shift_counts_on_both_calendar_days() -> None:
    per_day = hours_by_day(existing((1, 0, 22, 30, -1)))
    assert per_day[["day", "hours"]].values.tolist() == [[D, 2.0], [D + dt.timedelta(days=1), 6.0]]
    ex = existing((1, 0, 22, 30, -1))
    assert kinds(check([person(1)], ex, at(1, 8), at(1, 15))) == [(1, "hours", False)]


def test_days_in_a_row_count_across_the_new_task_and_a_gap_breaks_the_run() -> None:
    six = existing(*[(1, d, 9, 12, -1) for d in range(6)])
    issues = check([person(1)], six, at(6, 9), at(6, 12))
    assert kinds(issues) == [(1, "streak", False)] and "连续服务 7 天" in issue_text(issues[0])
    with_gap = existing(*[(1, d, 9, 12, -1) for d in (0, 1, 2, 4, 5)])
    assert check([person(1)], with_gap, at(6, 9), at(6, 12)) == []
    # filling the gap joins two runs into one of 6 days (0..5): allowed; a 7th day on either side is not
    assert check([person(1)], with_gap, at(3, 9), at(3, 12)) == []


def test_outside_the_registered_availability_is_a_warning_only() -> None:
    av = pd.DataFrame([{"staff_id": 1, "days": "56", "hour_from": 8, "hour_to": 20},
                       {"staff_id": 2, "days": "0123456", "hour_from": 8, "hour_to": 12}])
    issues = check([person(1), person(2)], existing(), at(0, 9), at(0, 13), av=av)
    assert kinds(issues) == [(1, "availability", False), (2, "availability", False)]
    assert "周六、周日" in issue_text(issues[0]) and "Sat, Sun" in issue_text(issues[0], "en")
    assert issues[0].params == {"code": "S001", "weekdays": "56", "hour_from": 8, "hour_to": 20}  # codes, no names


def test_only_active_volunteers_and_party_members_can_be_deployed() -> None:
    issues = check([person(1, "cadre"), person(2, on_duty=False), person(3, "party_member")], existing(),
                   at(0, 9), at(0, 12))
    assert kinds(issues) == [(1, "kind", True), (2, "off_duty", True)]


def test_a_task_window_must_end_after_it_starts_and_last_at_most_a_day() -> None:
    with pytest.raises(InvalidInput) as empty:
        check([person(1)], existing(), at(0, 9), at(0, 9))
    assert empty.value.key == "volunteer.window_empty" and "晚于开始" in error_text(empty.value)
    with pytest.raises(InvalidInput) as long:
        check([person(1)], existing(), at(0, 9), at(1, 10))
    assert long.value.key == "volunteer.window_too_long" and "24 小时，请拆成多个班次" in error_text(long.value)


def test_worn_out_means_over_the_daily_hours_today_or_a_current_streak_over_the_limit() -> None:
    ex = existing((1, 6, 7, 23, -1),  # 16 h today
                  *[(2, d, 9, 12, -1) for d in range(7)],  # 7 days in a row up to today
                  *[(3, d, 9, 12, -1) for d in range(4)])  # 4 days, ended two days ago
    fat = fatigue_table(hours_by_day(ex), D + dt.timedelta(days=6), 12, 6).set_index("staff_id")
    assert fat.loc[1, "hours_today"] == 16 and bool(fat.loc[1, "worn_out"])
    assert fat.loc[2, "streak"] == 7 and bool(fat.loc[2, "worn_out"]) and fat.loc[2, "hours_7d"] == 21
    assert fat.loc[3, "streak"] == 0 and not bool(fat.loc[3, "worn_out"])


@pytest.mark.parametrize(("days", "zh", "en"), [("0123456", "每天", "every day"), ("01234", "周一至周五", "Mon–Fri"),
                                              ("56", "周六、周日", "Sat, Sun"), ("", "无", "none")])
def test_weekday_sets_read_as_words_in_each_language(days: str, zh: str, en: str) -> None:
    assert weekdays_text(days) == zh and weekdays_text(days, "en") == en


def test_weekday_digits_are_cleaned_and_sorted() -> None:
    assert weekdays("6x05 5") == [0, 5, 6]


def test_every_issue_kind_has_its_text_in_both_languages() -> None:
    for kind in ("kind", "off_duty", "conflict", "hours", "streak", "availability"):
        assert f"volunteer.issue.{kind}" in TABLES["zh"] and f"volunteer.issue.{kind}" in TABLES["en"]


@pytest.mark.parametrize(("status", "action", "to"), [(s, a, t) for (a, s), t in ERRAND_TRANSITIONS.items()])
def test_every_allowed_errand_step_leads_where_the_table_says(status: str, action: str, to: str) -> None:
    assert errand_step(status, action) == to


@pytest.mark.parametrize(("status", "action"), [("new", "start"), ("new", "complete"), ("done", "assign"),
                                                ("done", "cancel"), ("cancelled", "start"), ("in_progress", "start")])
def test_other_errand_steps_are_refused_with_a_key_per_action(status: str, action: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        errand_step(status, action)
    assert exc.value.key == f"errand.cannot_{action}" and exc.value.params == {"status": status, "action": action}
    assert "代办事项" in error_text(exc.value) and "errand" in error_text(exc.value, "en")


def test_errand_deadlines_default_by_kind_and_can_be_given() -> None:
    t0 = dt.datetime(2026, 11, 29, 9, 0)
    assert errand_deadline("medicine", t0) == t0 + dt.timedelta(hours=4)
    assert errand_deadline("hospital", t0) == t0 + dt.timedelta(hours=2)
    assert errand_deadline("groceries", t0, 1.5) == t0 + dt.timedelta(hours=1.5)
    with pytest.raises(InvalidInput) as exc:
        errand_deadline("taxi", t0)
    assert exc.value.key == "errand.unknown_kind" and exc.value.params == {"kind": "taxi"}


def test_an_errand_is_overdue_only_while_open_and_past_its_deadline() -> None:
    now = dt.datetime(2026, 11, 29, 12, 0)
    df = pd.DataFrame({"status": ["new", "in_progress", "done", "assigned"],
                       "created_at": [now - dt.timedelta(hours=h) for h in (5, 1, 8, 3)],
                       "deadline": [now - dt.timedelta(hours=1), now + dt.timedelta(hours=1),
                                    now - dt.timedelta(hours=4), now - dt.timedelta(minutes=1)],
                       "closed_at": [pd.NaT, pd.NaT, now - dt.timedelta(hours=6), pd.NaT]})
    out = flag_errands(df, now)
    assert out["overdue"].tolist() == [True, False, False, True]
    assert out["age_h"].tolist() == [5.0, 1.0, 2.0, 3.0]
    assert out["left_h"].tolist() == [-1.0, 1.0, -4.0, 0.0]
