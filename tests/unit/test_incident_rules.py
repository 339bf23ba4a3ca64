"""The incident life-cycle table, deadlines by type and severity, overdue flags, isolation alerts and
screening arithmetic: pure functions on plain data."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from core.i18n import TABLES, error_text
from core.model.errors import InvalidInput, RuleViolation
from core.model.incident_rules import (
    ANY_TYPE,
    TRANSITIONS,
    allowed_actions,
    deadline_for,
    deadline_hours,
    default_rules,
    flag_overdue,
    merge_rules,
    transition_for,
    validate_rule,
)
from core.services.isolation import IsolationSettings, find_alerts, mask_addresses
from core.services.screening import burn_down, grid_progress, schedule_share, summary

ALLOWED = [
    ("reported", "triage", "triaged"), ("reported", "dispatch", "dispatched"), ("triaged", "dispatch", "dispatched"),
    ("dispatched", "dispatch", "dispatched"), ("in_progress", "dispatch", "dispatched"),
    ("dispatched", "start", "in_progress"), ("in_progress", "resolve", "resolved"),
    ("resolved", "reopen", "in_progress"), ("resolved", "close", "closed"),
]
STATUSES = ["reported", "triaged", "dispatched", "in_progress", "resolved", "closed"]
ACTIONS = ["triage", "dispatch", "start", "resolve", "reopen", "close"]
REFUSED = [(s, a) for s in STATUSES for a in ACTIONS if (s, a) not in {(f, x) for f, x, _ in ALLOWED}]


def test_the_transition_table_is_exactly_the_documented_life_cycle() -> None:
    assert sorted((t.from_status.value, t.action, t.to_status.value) for t in TRANSITIONS) == sorted(ALLOWED)


@pytest.mark.parametrize(("status", "action", "to"), ALLOWED)
def test_each_allowed_step_leads_to_its_status(status: str, action: str, to: str) -> None:
    assert transition_for(status, action).to_status.value == to
    assert action in allowed_actions(status)


@pytest.mark.parametrize(("status", "action"), REFUSED)
def test_each_other_step_is_refused_with_a_reason_in_both_languages(status: str, action: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        transition_for(status, action)
    assert exc.value.key == f"incident.cannot_{action}"
    assert exc.value.params == {"status": status, "action": action, "offered": allowed_actions(status)}
    assert "不能" in error_text(exc.value) and "状态" in error_text(exc.value)
    assert "cannot" in error_text(exc.value, "en")
    assert action not in allowed_actions(status)


def test_every_refusal_key_of_the_life_cycle_has_its_text() -> None:
    for action in ACTIONS:
        assert f"incident.cannot_{action}" in TABLES["zh"] and f"incident.cannot_{action}" in TABLES["en"]
    assert {"incident.resolve_needs_note", "incident.reopen_needs_note"} <= set(TABLES["zh"])


def test_a_closed_incident_offers_nothing_and_an_unknown_action_is_bad_input() -> None:
    assert allowed_actions("closed") == []
    with pytest.raises(InvalidInput) as exc:
        transition_for("reported", "explode")
    assert exc.value.key == "incident.unknown_action" and error_text(exc.value) == "未知的操作：explode"


def test_dispatch_needs_an_assignee_and_resolve_and_reopen_need_a_note() -> None:
    assert {t.action for t in TRANSITIONS if t.needs_assignee} == {"dispatch"}
    assert {t.action for t in TRANSITIONS if t.needs_note} == {"resolve", "reopen"}


DEADLINES = [  # (stored rules, type, severity, expected hours)
    ([], "other", "low", 48.0),
    ([], "other", "critical", 2.0),
    ([], "fever_case", "critical", 1.0),
    ([], "fever_case", "high", 4.0),
    ([], "fever_case", "low", 48.0),  # no fever rule for low: the any-type rule
    ([], "refuses_hospital", "high", 4.0),
    ([(ANY_TYPE, "low", 72.0)], "other", "low", 72.0),  # a stored any-type rule replaces the default
    ([(ANY_TYPE, "low", 72.0)], "supplies_short", "medium", 24.0),
    ([("supplies_short", "medium", 6.0)], "supplies_short", "medium", 6.0),  # type rule beats any-type
    ([("fever_case", "high", 2.5)], "fever_case", "high", 2.5),  # stored beats default type rule
]


@pytest.mark.parametrize(("stored", "type_", "severity", "hours"), DEADLINES)
def test_deadline_hours_follow_type_then_any_type_then_severity(stored: list, type_: str, severity: str,
                                                                hours: float) -> None:
    rules = merge_rules(pd.DataFrame(stored, columns=["type", "severity", "hours"]))
    assert deadline_hours(rules, type_, severity) == hours
    at = dt.datetime(2026, 11, 29, 9, 0)
    assert deadline_for(rules, type_, severity, at) == at + dt.timedelta(hours=hours)


def test_an_empty_rule_table_falls_back_to_the_domain_figures() -> None:
    empty = pd.DataFrame(columns=["type", "severity", "hours"])
    assert deadline_hours(empty, "other", "medium") == 24.0
    assert len(default_rules()) == len(merge_rules(empty))


@pytest.mark.parametrize(("type_", "severity", "hours"), [("nope", "low", 5), ("other", "extreme", 5),
                                                          ("other", "low", 0), ("other", "low", 10_000),
                                                          ("other", "low", float("nan"))])
def test_bad_deadline_rules_are_refused(type_: str, severity: str, hours: float) -> None:
    with pytest.raises(InvalidInput) as exc:
        validate_rule(type_, severity, hours)
    assert exc.value.key in {"incident.unknown_type", "incident.unknown_severity", "incident.deadline_hours_range"}
    assert exc.value.key in TABLES["zh"]


def test_overdue_means_open_and_past_the_deadline() -> None:
    now = dt.datetime(2026, 11, 29, 12, 0)
    df = pd.DataFrame({
        "status": ["reported", "in_progress", "resolved", "closed", "dispatched"],
        "reported_at": pd.to_datetime(["2026-11-29 01:00"] * 5),
        "deadline": pd.to_datetime(["2026-11-29 11:00", "2026-11-29 13:00", "2026-11-29 11:00",
                                    "2026-11-29 11:00", None]),
        "resolved_at": pd.to_datetime([None, None, "2026-11-29 11:30", "2026-11-29 10:00", None]),
    })
    out = flag_overdue(df, now)
    assert out["overdue"].tolist() == [True, False, False, False, False]
    assert out["open"].tolist() == [True, True, False, False, True]
    assert out["late_resolved"].tolist() == [False, False, True, False, False]
    assert out["age_h"].tolist() == [11.0] * 5


# --- isolation alerts -------------------------------------------------------------------------


def _households() -> pd.DataFrame:
    return pd.DataFrame({"id": [1, 2, 3, 4], "status": ["active", "active", "active", "ended"],
                         "start_date": [dt.date(2026, 11, 20), dt.date(2026, 11, 20), dt.date(2026, 11, 30),
                                        dt.date(2026, 11, 20)]})


def _checks(rows: list[tuple[int, float]]) -> pd.DataFrame:
    return pd.DataFrame({"household_id": [r[0] for r in rows], "day": dt.date(2026, 11, 29),
                         "max_temp": [r[1] for r in rows]})


def test_a_reading_at_the_threshold_is_a_fever_and_below_is_not() -> None:
    now = dt.datetime(2026, 11, 29, 8, 0)  # before the missed-check hour
    out = find_alerts(_households(), _checks([(1, 37.3), (2, 37.2)]), pd.DataFrame(), IsolationSettings(), now)
    assert out[["household_id", "cause"]].values.tolist() == [[1, "fever"]]


def test_missed_checks_count_only_after_the_hour_and_only_active_started_households() -> None:
    checks = _checks([(1, 36.5)])
    early = find_alerts(_households(), checks, pd.DataFrame(), IsolationSettings(missed_hour=10),
                        dt.datetime(2026, 11, 29, 9, 59))
    late = find_alerts(_households(), checks, pd.DataFrame(), IsolationSettings(missed_hour=10),
                       dt.datetime(2026, 11, 29, 10, 0))
    assert early.empty
    assert late[["household_id", "cause"]].values.tolist() == [[2, "missed"]]  # 3 starts tomorrow, 4 ended


def test_alerts_already_raised_are_not_raised_again_and_the_threshold_is_configurable() -> None:
    now = dt.datetime(2026, 11, 29, 11, 0)
    seen = pd.DataFrame({"household_id": [1], "cause": ["fever"]})
    out = find_alerts(_households(), _checks([(1, 38.0), (2, 37.0)]), seen, IsolationSettings(fever_threshold=37.0), now)
    assert out[["household_id", "cause"]].values.tolist() == [[2, "fever"]]


def test_addresses_keep_the_building_and_hide_the_door() -> None:
    s = pd.Series(["幸福里3栋2单元501", "桂花苑12栋1单元1203室", None])
    assert mask_addresses(s).tolist() == ["幸福里3栋2单元***", "桂花苑12栋1单元***", None]


# --- screening arithmetic ---------------------------------------------------------------------

START, END = dt.datetime(2026, 11, 28, 8, 0), dt.datetime(2026, 11, 30, 8, 0)  # 48 hours


def test_the_linear_schedule_share_is_clipped_to_the_campaign() -> None:
    assert schedule_share(START, END, START - dt.timedelta(hours=1)) == 0.0
    assert schedule_share(START, END, START + dt.timedelta(hours=12)) == 0.25
    assert schedule_share(START, END, END + dt.timedelta(hours=5)) == 1.0
    assert schedule_share(END, START, START) == 1.0  # a degenerate campaign expects everything


def test_grid_progress_coverage_expected_shortfall_and_behind() -> None:
    targets = pd.DataFrame({"grid_id": [1, 2, 3, 4], "target_households": [400, 400, 100, 0]})
    progress = pd.DataFrame({"grid_id": [1, 1, 2, 3, 1], "at": pd.to_datetime(
        ["2026-11-28 12:00", "2026-11-28 20:00", "2026-11-28 20:00", "2026-11-28 20:00", "2026-11-29 23:00"]),
        "visited": [60, 60, 79, 30, 50], "at_home": [50, 50, 70, 25, 40], "not_home": [10, 10, 9, 5, 10],
        "discrepancies": [1, 2, 0, 1, 0]})
    now = START + dt.timedelta(hours=24)  # half-way: the last entry of grid 1 is still in the future
    g = grid_progress(targets, progress, START, END, now).set_index("grid_id")
    assert g["visited"].tolist() == [120, 79, 30, 0]
    assert g["coverage_pct"].tolist() == [30.0, 19.8, 30.0, 100.0]
    assert g["expected"].tolist() == [200.0, 200.0, 50.0, 0.0]
    assert g["shortfall"].tolist() == [80, 121, 20, 0]
    assert g["behind"].tolist() == [True, True, True, False]
    s = summary(g.reset_index(), START, END, now)
    assert (s["target"], s["visited"], s["coverage_pct"], s["expected"], s["behind_grids"], s["shortfall"]) == (
        900, 229, 25.4, 450, 3, 221)
    assert s["hours_left"] == 24.0 and s["discrepancies"] == 4


def test_a_grid_within_the_tolerance_is_not_behind() -> None:
    targets = pd.DataFrame({"grid_id": [1, 2], "target_households": [1000, 1000]})
    progress = pd.DataFrame({"grid_id": [1, 2], "at": [START, START], "visited": [460, 449], "at_home": [0, 0],
                             "not_home": [0, 0], "discrepancies": [0, 0]})
    g = grid_progress(targets, progress, START, END, START + dt.timedelta(hours=24))  # expected 500, 5 % = 50
    assert g["behind"].tolist() == [False, True]


def test_burn_down_falls_with_the_cumulative_visits_and_the_ideal_line_reaches_zero() -> None:
    targets = pd.DataFrame({"grid_id": [1], "target_households": [100]})
    progress = pd.DataFrame({"grid_id": [1, 1], "at": pd.to_datetime(["2026-11-28 20:00", "2026-11-29 08:00"]),
                             "visited": [30, 20]})
    b = burn_down(targets, progress, START, END, START + dt.timedelta(hours=24), points=4)
    actual = b[b["series"] == "actual"]
    assert actual["remaining"].tolist() == [100.0, 100.0, 70.0, 70.0, 50.0]
    ideal = b[b["series"] == "ideal"]
    assert ideal["remaining"].tolist() == [100.0, 0.0]
    assert np.all(np.diff(actual["remaining"].to_numpy()) <= 0)


def test_screening_workload_is_the_remaining_households_over_the_days_left() -> None:
    from core.services.screening import workload

    grids = pd.DataFrame({"community_id": [1, 1, 2], "remaining": [300, 100, 50]})
    w = workload(grids, END, END - dt.timedelta(days=2))
    assert w["remaining"].tolist() == [400, 50] and w["households_per_day"].tolist() == [200.0, 25.0]
    late = workload(grids, END, END + dt.timedelta(hours=1))
    assert late["households_per_day"].tolist() == [0.0, 0.0]
    short = workload(grids, END, END - dt.timedelta(hours=6))  # at least half a day
    assert short["households_per_day"].tolist() == [800.0, 100.0]
