"""Alert rules on plain data: which subjects fire for which threshold, merge with stored state, display."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core.i18n import error_text
from core.model import alert_rules as rules_model

NOW = dt.datetime(2026, 11, 29, 12, 0)


def _inputs() -> rules_model.AlertInputs:
    community = pd.DataFrame({
        "community_id": [1, 2, 3], "code": ["C1", "C2", "C3"], "name": ["甲社区", "乙社区", "丙社区"],
        "street_code": ["S1", "S1", "S2"], "street": ["一街道", "一街道", "二街道"],
        "shortage": [0, 25, 70], "checkpoint_shifts": [6, 12, 0], "checkpoint_shifts_staffed": [6, 1, 0],
    })
    grid = pd.DataFrame({
        "grid_id": [10, 11, 12], "code": ["G10", "G11", "G12"], "name": ["一网格", "二网格", "三网格"],
        "community": ["甲社区", "甲社区", "丙社区"], "street_code": ["S1", "S1", "S2"], "street": ["一街道", "一街道", "二街道"],
        "grid_members_on_duty": [0, 1, 2],
    })
    incidents = pd.DataFrame({
        "code": ["E1", "E2", "E3"], "community_id": [1, 2, 3], "type": ["other"] * 3, "severity": ["high"] * 3,
        "deadline": [NOW - dt.timedelta(hours=30), NOW - dt.timedelta(hours=2), NOW + dt.timedelta(hours=5)],
    })
    errands = pd.DataFrame({"code": ["R1", "R2"], "community_id": [2, 3], "kind": ["groceries", "medicine"],
                            "deadline": [NOW - dt.timedelta(hours=1), NOW - dt.timedelta(hours=8)],
                            "hours_late": [1.0, 8.0]})
    return rules_model.AlertInputs(community, grid, incidents, errands)


def _rule(kind: str, threshold: float, level: str = "warning", enabled: bool = True) -> pd.DataFrame:
    return pd.DataFrame([{"code": f"{kind}.{threshold}", "kind": kind, "threshold": threshold, "level": level,
                          "enabled": enabled, "note": ""}])


@pytest.mark.parametrize(("kind", "threshold", "subjects"), [
    ("community_short", 0, ["community:C2", "community:C3"]),
    ("community_short", 25, ["community:C3"]),
    ("community_short", 70, []),
    ("grid_uncovered", 0, ["grid:G10"]),
    ("grid_uncovered", 1, ["grid:G10", "grid:G11"]),
    ("incident_overdue", 0, ["incident:E1", "incident:E2"]),
    ("incident_overdue", 24, ["incident:E1"]),
    ("checkpoint_unstaffed", 0, ["checkpoints:C2"]),
    ("checkpoint_unstaffed", 11, []),
    ("errand_overdue", 0, ["errand:R1", "errand:R2"]),
    ("errand_overdue", 4, ["errand:R2"]),
])
def test_each_rule_kind_fires_exactly_for_the_subjects_past_its_threshold(kind, threshold, subjects) -> None:  # type: ignore[no-untyped-def]
    firing = rules_model.evaluate(_rule(kind, threshold), _inputs(), NOW)
    assert sorted(firing["subject"]) == subjects
    assert set(firing["kind"]) <= {kind}


def test_a_disabled_rule_fires_nothing() -> None:
    assert rules_model.evaluate(_rule("community_short", 0, enabled=False), _inputs(), NOW).empty


def test_firing_rows_carry_street_community_and_value_for_the_message() -> None:
    firing = rules_model.evaluate(pd.concat([_rule("community_short", 25), _rule("incident_overdue", 24)]), _inputs(), NOW)
    by = firing.set_index("subject")
    assert by.at["community:C3", "value"] == 70 and by.at["community:C3", "street"] == "二街道"
    assert by.at["incident:E1", "community"] == "甲社区" and by.at["incident:E1", "value"] == pytest.approx(30.0)
    # an overdue incident began firing when its deadline plus the threshold passed
    assert pd.Timestamp(by.at["incident:E1", "since"]) == pd.Timestamp(NOW - dt.timedelta(hours=6))


def test_an_unstored_alert_is_new_and_a_stored_old_one_is_not() -> None:
    firing = rules_model.evaluate(_rule("community_short", 0), _inputs(), NOW)
    stored = pd.DataFrame({"rule_code": ["community_short.0"], "subject": ["community:C2"],
                           "first_seen": [NOW - dt.timedelta(hours=3)], "acknowledged_by": [None],
                           "acknowledged_at": [None]})
    merged = rules_model.merge_instances(firing, stored, NOW, dt.timedelta(minutes=5)).set_index("subject")
    assert merged.at["community:C3", "is_new"] and not merged.at["community:C2", "is_new"]
    assert merged.at["community:C2", "first_seen"] == pd.Timestamp(NOW - dt.timedelta(hours=3))


def test_an_acknowledged_alert_leaves_the_display_and_each_subject_shows_once_at_its_worst_level() -> None:
    rules = pd.concat([_rule("community_short", 20, "warning"), _rule("community_short", 60, "critical")])
    firing = rules_model.evaluate(rules, _inputs(), NOW)
    stored = pd.DataFrame({"rule_code": ["community_short.20"], "subject": ["community:C2"],
                           "first_seen": [NOW], "acknowledged_by": ["coordinator"], "acknowledged_at": [NOW]})
    shown = rules_model.for_display(rules_model.merge_instances(firing, stored, NOW, dt.timedelta(minutes=5)))
    assert list(zip(shown["subject"], shown["level"], strict=True)) == [("community:C3", "critical")]


@pytest.mark.parametrize(("kind", "threshold", "level"), [
    ("nonsense", 1, "warning"), ("community_short", -1, "warning"), ("community_short", float("nan"), "warning"),
    ("community_short", 1, "loud"),
])
def test_a_bad_rule_is_refused_with_a_key_that_reads_in_chinese(kind, threshold, level) -> None:  # type: ignore[no-untyped-def]
    from core.model.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        rules_model.check_rule(kind, threshold, level)
    assert exc.value.key.startswith("alerts.")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error_text(exc.value))


def test_the_default_rules_cover_every_kind_including_the_errand_slot() -> None:
    assert set(rules_model.DEFAULT_RULES["kind"]) == set(rules_model.RULE_KINDS)
    assert rules_model.DEFAULT_RULES["code"].is_unique
