"""Cell cleaners: the words and number formats Chinese spreadsheets really contain (table-driven)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pandas as pd
import pytest

from core.i18n import error_text
from core.model.errors import InvalidInput
from core.services.importer import cleaning


def _s(*values: str) -> pd.Series:
    return pd.Series([unicodedata.normalize("NFKC", v).strip() for v in values], dtype=object)


def _ok(values: pd.Series, errors: pd.Series) -> list[object]:
    assert errors.isna().all(), list(errors.dropna())
    return [None if pd.isna(v) else v for v in values]


@pytest.mark.parametrize(("cell", "value"), [
    ("12", 12), ("１２３", 123), ("1,234", 1234), ("12,345", 12345), ("1 234", 1234), ("12.0", 12),
    ("3 人", 3), ("120户", 120), (" 7 ", 7), ("", None),
])
def test_integers_accept_full_width_digits_separators_and_units(cell: str, value: int | None) -> None:
    assert _ok(*cleaning.integers(_s(cell))) == [value]


@pytest.mark.parametrize(("cell", "message"), [
    ("abc", ("importer.not_integer", {"value": "abc"})), ("12.5", ("importer.not_integer", {"value": "12.5"})),
    ("-3", ("importer.below_minimum", {"value": "-3", "minimum": 0})),
])
def test_integers_report_what_they_cannot_read(cell: str, message: tuple[str, dict[str, object]]) -> None:
    values, errors = cleaning.integers(_s(cell))
    assert errors.tolist() == [message] and values.isna().all()


def test_a_bad_cell_message_is_a_key_that_renders_in_both_languages() -> None:
    key, params = cleaning.integers(_s("abc"))[1].iat[0]
    assert error_text(InvalidInput(key, **params), "zh") == "“abc” 不是整数"
    assert error_text(InvalidInput(key, **params), "en") == "“abc” is not a whole number"


@pytest.mark.parametrize(("cell", "value"), [
    ("是", True), ("否", False), ("yes", True), ("NO", False), ("Y", True), ("n", False), ("1", True),
    ("0", False), ("√", True), ("×", False), ("Ｙ", True), ("true", True), ("", None),
])
def test_booleans_accept_chinese_english_and_tick_marks(cell: str, value: bool | None) -> None:
    assert _ok(*cleaning.booleans(_s(cell))) == [value]


@pytest.mark.parametrize(("cell", "value"), [
    ("低", "low"), ("中", "medium"), ("高", "high"), ("低风险", "low"), ("中风险", "medium"), ("高风险", "high"),
    ("HIGH", "high"), ("medium", "medium"),
])
def test_risk_levels_accept_the_chinese_words(cell: str, value: str) -> None:
    assert _ok(*cleaning.risk_levels(_s(cell))) == [value]


@pytest.mark.parametrize(("cell", "kind", "vtype"), [
    ("下沉干部", "cadre", None), ("cadre", "cadre", None), ("社工", "community_worker", None),
    ("网格员", "grid_member", None), ("在职党员", "party_member", None), ("红色物业", "property_staff", None),
    ("志愿者", "volunteer", None), ("巾帼志愿者", "volunteer", "women"), ("民兵", "volunteer", "militia"),
])
def test_staff_kinds_accept_codes_chinese_words_and_volunteer_types(cell: str, kind: str, vtype: str | None) -> None:
    kinds, vtypes, errors = cleaning.staff_kinds(_s(cell))
    assert errors.isna().all()
    assert kinds.iat[0] == kind and (None if pd.isna(vtypes.iat[0]) else vtypes.iat[0]) == vtype


@pytest.mark.parametrize(("cell", "value"), [
    ("2026/11/28 8:30", dt.datetime(2026, 11, 28, 8, 30)),
    ("2026-11-28 08:30:00", dt.datetime(2026, 11, 28, 8, 30)),
    ("2026年11月28日", dt.datetime(2026, 11, 28)),
    ("2026年11月28日 8时30分", dt.datetime(2026, 11, 28, 8, 30)),
    ("2026.11.28", dt.datetime(2026, 11, 28)),
    ("46354.5", dt.datetime(2026, 11, 28, 12, 0)),  # an Excel serial date that lost its format
])
def test_datetimes_accept_text_dates_and_excel_serials(cell: str, value: dt.datetime) -> None:
    assert _ok(*cleaning.datetimes(_s(cell))) == [pd.Timestamp(value)]


@pytest.mark.parametrize(("cell", "value"), [
    ("13800138000", "13800138000"), ("138 0013 8000", "13800138000"), ("+86 138-0013-8000", "13800138000"),
    ("027-82345678", "02782345678"), ("(027)82345678", "02782345678"),
])
def test_phones_are_stored_as_digits(cell: str, value: str) -> None:
    assert _ok(*cleaning.phones(_s(cell))) == [value]


@pytest.mark.parametrize("cell", ["12345", "23800138000", "1380013800a"])
def test_malformed_phones_are_refused(cell: str) -> None:
    assert cleaning.phones(_s(cell))[1].notna().all()


def test_skills_map_to_codes_and_unknown_words_are_named() -> None:
    values, errors = cleaning.skills(_s("驾驶、医护", "driving, IT", "", "厨师、驾驶"))
    assert [None if pd.isna(v) else v for v in values] == ["driving,medical", "driving,it", None, None]
    assert errors.isna().tolist() == [True, True, True, False]
    key, params = errors.iat[3]
    assert key == "importer.bad_skills" and params["words"] == ["厨师"]
    assert error_text(InvalidInput(key, **params)).startswith("“厨师” 不是已知的技能")


def test_phones_are_masked_for_the_audit_log_and_exports() -> None:
    assert cleaning.mask_phone("13812345678") == "138****5678"
    assert cleaning.mask_phones(pd.Series(["13812345678", None])).tolist() == ["138****5678", None]


def test_a_masked_phone_from_an_export_counts_as_not_given() -> None:
    values, errors = cleaning.phones(_s("138****5678"))
    assert errors.isna().all() and values.isna().all()
