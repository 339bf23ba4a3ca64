"""Norms as data: typed, validated with keyed errors (clear sentences in Chinese and English), round-tripped
through JSON params."""

from __future__ import annotations

import pytest

from core.i18n import error_text
from core.model.errors import InvalidInput
from core.model.norms import DEFAULT_NORMS, Norms, validate


def test_defaults_round_trip_through_params() -> None:
    n = Norms.from_params(DEFAULT_NORMS)
    assert n == Norms()
    assert n.to_params() == DEFAULT_NORMS
    assert n.people_per_checkpoint_day == 6.0


def test_missing_terms_take_the_defaults() -> None:
    assert Norms.from_params({"base_per_10k_residents": 25}).grid_members_per_grid == 1.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"base_per_10k_residents": -1}, "每万名常住人口社区工作者基数应在"),
        ({"base_per_10k_residents": "很多"}, "必须是数字"),
        ({"checkpoint_shifts_per_day": 0}, "卡点每日班次应在"),
        ({"isolated_households_per_person": 0}, "每人负责居家隔离户数应在"),
        ({"max_hours_per_day": 30}, "每人每日最长工作时长应在 1–24 小时之间"),
        ({"risk_multiplier": {"low": 1.0, "medium": 3.0, "high": 2.0}}, "低风险 ≤ 中风险 ≤ 高风险"),
        ({"risk_multiplier": {"low": 1.0, "medium": 1.5}}, "高风险系数必须是数字"),
        ({"counted_kinds": []}, "至少选择一类"),
        ({"counted_kinds": ["cadre", "robot"]}, "未知的人员类别：robot"),
        ({"typo_term": 3}, "未知的参数：typo_term"),
        ({"base_per_10k_residents": True}, "必须是数字"),
    ],
)
def test_invalid_norms_are_refused_with_a_chinese_message(change, message) -> None:  # type: ignore[no-untyped-def]
    params = {**DEFAULT_NORMS, **change}
    assert any(message in error_text(e) for e in validate(params))
    with pytest.raises(InvalidInput) as err:
        Norms.from_params(params)
    assert err.value.key == "norms.invalid"
    assert message in error_text(err.value)
    assert error_text(err.value).startswith("人员配置标准有误")


def test_every_problem_of_a_norm_set_is_in_the_one_error_in_either_language() -> None:
    params = {**DEFAULT_NORMS, "max_hours_per_day": 30, "counted_kinds": [], "typo_term": 1}
    with pytest.raises(InvalidInput) as err:
        Norms.from_params(params)
    zh, en = error_text(err.value), error_text(err.value, "en")
    assert zh == ("人员配置标准有误：未知的参数：typo_term；每人每日最长工作时长应在 1–24 小时之间，现为 30 小时；"
                  "至少选择一类计入在岗力量的人员")
    assert en.startswith("The staffing norms are invalid: Unknown terms: typo_term; Maximum hours per person per day "
                         "must be between 1 and 24 hours, not 30; ")
    assert [e.key for e in err.value.params["errors"]] == [  # type: ignore[attr-defined]
        "norms.unknown_terms", "norms.term.max_hours_per_day.out_of_range", "norms.counted_kinds_empty"]


def test_every_validation_key_has_a_text_in_both_languages() -> None:
    from core.i18n import TABLES
    from core.model.norms import NUMERIC_TERMS

    keys = {f"norms.term.{k}.{what}" for k in NUMERIC_TERMS for what in ("not_a_number", "out_of_range")}
    keys |= {f"norms.risk.{r}.{what}" for r in ("low", "medium", "high") for what in ("not_a_number", "out_of_range")}
    assert keys <= set(TABLES["zh"]) and keys <= set(TABLES["en"])
