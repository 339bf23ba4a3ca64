"""Personal data is masked for roles that do not need it, and always on the wall screen."""

from __future__ import annotations

import pandas as pd
import pytest

from core.model.actor import Actor
from core.model.privacy import mask_frame, mask_name, mask_names, mask_phone, mask_record


@pytest.mark.parametrize(("name", "masked"), [
    ("张三", "张*"), ("张三明", "张*明"), ("欧阳娜娜", "欧**娜"), ("王", "*"), (" 李四 ", "李*"), ("", ""),
])
def test_names_keep_only_the_first_and_last_character(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(("phone", "masked"), [
    ("13812345678", "138****5678"), ("027-85881234", "027*****1234"), ("110", "*10"), ("12345678", "123*5678"),
])
def test_phones_keep_the_first_three_and_last_four_digits(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_missing_values_stay_missing() -> None:
    assert mask_name(None) is None
    assert mask_names(pd.Series(["张三", None])).tolist() == ["张*", None]


def _actor(*roles: str) -> Actor:
    return Actor("u", "测试", frozenset(roles))


FRAME = pd.DataFrame({"community": ["大智社区"], "staff_name": ["张三明"], "phone": ["13812345678"], "n": [3]})


@pytest.mark.parametrize(("roles", "sees"), [
    (("leader",), False), (("planner",), False), (("clerk",), False), (("coordinator",), True),
    (("admin",), True), (("wallscreen",), False), (("wallscreen", "admin"), False),
])
def test_a_frame_is_masked_unless_the_role_may_see_personal_data(roles: tuple[str, ...], sees: bool) -> None:
    out = mask_frame(FRAME, _actor(*roles))
    assert out["community"].tolist() == ["大智社区"] and out["n"].tolist() == [3]
    if sees:
        assert out["staff_name"].tolist() == ["张三明"] and out["phone"].tolist() == ["13812345678"]
    else:
        assert out["staff_name"].tolist() == ["张*明"] and out["phone"].tolist() == ["138****5678"]
    assert FRAME["staff_name"].iat[0] == "张三明"  # the input is never changed


def test_nobody_signed_in_sees_masked_data() -> None:
    assert mask_frame(FRAME, None)["phone"].iat[0] == "138****5678"


def test_a_person_called_name_in_an_explicit_column_is_masked() -> None:
    df = pd.DataFrame({"name": ["欧阳娜娜"]})
    assert mask_frame(df, _actor("leader"), name_columns=["name"])["name"].iat[0] == "欧**娜"


def test_audit_records_mask_a_persons_name_but_not_a_communitys() -> None:
    assert mask_record({"name": "张三明", "phone": "13812345678"}, "staff") == {"name": "张*明", "phone": "138****5678"}
    assert mask_record({"name": "大智社区"}, "community") == {"name": "大智社区"}
    assert mask_record({"moved": {"staff_name": "李四"}}, "assignment") == {"moved": {"staff_name": "李*"}}
