"""The people formats on plain data: words and scopes read, targets split exactly, residents masked
for roles without need-to-know, and problems located without personal data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from core.i18n import error_text
from core.model.actor import Actor
from core.services.care import building_only, vulnerable_list
from core.services.importer import cleaning
from core.services.importer.columns_people import (
    PEOPLE_FORMATS,
    Located,
    private_phones,
    split_scope,
)
from core.services.importer.problems import ImportRefused
from core.services.importer.reading import read_table
from core.services.importer.registry import KINDS
from core.services.importer.validate import validate
from core.services.screening import grid_targets
from tests.fakes import FakeUnitOfWork

TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"
COMMUNITIES = pd.DataFrame({"code": ["420102001001", "420102001002"], "name": ["大智社区", "江汉社区"]})


def test_the_five_kinds_load_after_the_places_and_before_incidents() -> None:
    names = list(KINDS)
    assert names[names.index("units"):names.index("incidents")] == [
        "units", "pairings", "households", "vulnerable", "campaigns"]
    assert all((TEMPLATES / KINDS[k].template).is_file() for k in names[names.index("units"):])


@pytest.mark.parametrize(("word", "code"), [("独居老人", "elderly_alone"), ("空巢老人", "elderly_alone"),
                                            ("残疾人", "disabled"), ("重病", "ill"), ("慢病", "ill"),
                                            ("孕产妇", "pregnant"), ("困境儿童", "child"), ("其他", "other"),
                                            ("ill", "ill")])
def test_vulnerable_category_words_are_read(word: str, code: str) -> None:
    values, errors = cleaning.vulnerable_categories(pd.Series([word]))
    assert values.iat[0] == code and pd.isna(errors.iat[0])


def test_an_unknown_category_lists_the_choices() -> None:
    _, errors = cleaning.vulnerable_categories(pd.Series(["老干部", ""]))
    key, params = errors.iat[0]
    assert key == "importer.bad_vulnerable_category" and "独居老人" in params["choices"]
    assert pd.isna(errors.iat[1])


def test_a_scope_splits_on_every_separator() -> None:
    assert split_scope("大智街道、江汉社区, 420102001001;塔子湖街道") == [
        "大智街道", "江汉社区", "420102001001", "塔子湖街道"]


@pytest.mark.parametrize(("total", "households", "expected"), [
    (100, [1, 1, 1], [34, 33, 33]),
    (10, [500, 300, 200], [5, 3, 2]),
    (7, [0, 0], [4, 3]),  # no households known: equal parts
    (1500, [1560, 1935], [670, 830]),
])
def test_a_total_is_split_in_proportion_to_households_and_sums_exactly(total: int, households: list[int],
                                                                      expected: list[int]) -> None:
    grids = pd.DataFrame({"grid_id": range(1, len(households) + 1), "households": households})
    out = grid_targets(grids, total=total)
    assert out["target_households"].tolist() == expected and out["target_households"].sum() == total


def test_without_a_total_the_targets_are_the_households() -> None:
    grids = pd.DataFrame({"grid_id": [1, 2], "households": [10, 20]})
    assert grid_targets(grids)["target_households"].tolist() == [10, 20]
    assert grid_targets(grids, {2: 5})["target_households"].tolist() == [10, 5]


def test_an_address_is_cut_to_its_building() -> None:
    s = pd.Series(["大智路12号3栋2单元501", "江汉路88号1幢302室", "黎黄陂路9号", None])
    assert building_only(s).tolist() == ["大智路12号3栋", "江汉路88号1幢", "黎黄陂路***", None]


def test_the_household_template_validates() -> None:
    v = validate(read_table(TEMPLATES / "households.csv"), PEOPLE_FORMATS["households"], communities=COMMUNITIES)
    assert v.frame["community_code"].tolist() == ["420102001001", "420102001002"]
    assert v.frame["members"].tolist() == [3, 2]


def test_a_bad_resident_phone_is_located_without_its_digits(tmp_path: Path) -> None:
    path = tmp_path / "hh.csv"
    path.write_text("户编码,所属社区,楼栋房号,联系电话\nH1,大智社区,1栋101,1380013800\n", encoding="utf-8")
    v = validate(read_table(path), PEOPLE_FORMATS["households"], communities=COMMUNITIES)
    located = Located(v, PEOPLE_FORMATS["households"].columns)
    private_phones(located)
    with pytest.raises(ImportRefused) as exc:
        located.done()
    (line,) = exc.value.lines()
    assert line.startswith("hh.csv 第 2 行 「联系电话」") and "1380013800" not in line
    assert "1380013800" not in error_text(exc.value, "en")


class FakeCare:
    def __init__(self, df: pd.DataFrame) -> None:
        self.df = df

    def residents(self, *, active_only: bool = False) -> pd.DataFrame:
        return self.df[self.df["status"] == "active"] if active_only else self.df


RESIDENTS = pd.DataFrame({
    "code": ["V1", "V2", "V3"], "street_code": ["420102001", "420102001", "420102002"],
    "name": ["王秀英", "刘强", "陈芳"], "phone": ["13912345678", None, "13700001111"],
    "address": ["大智路12号5栋1单元201", "江汉路88号2栋101", "一元路3号1栋1楼"], "note": ["行动不便", "", "孕 30 周"],
    "status": ["active", "active", "ended"], "category": ["elderly_alone", "disabled", "pregnant"]})


@pytest.mark.parametrize(("roles", "masked"), [({"leader"}, True), ({"clerk"}, True), ({"coordinator"}, False),
                                               ({"admin"}, False)])
def test_the_vulnerable_list_is_masked_without_need_to_know(roles: set[str], masked: bool) -> None:
    uow: Any = FakeUnitOfWork(care=FakeCare(RESIDENTS))
    out = vulnerable_list(uow, Actor("u", "u", frozenset(roles)))
    assert out["code"].tolist() == ["V1", "V2"]  # active only
    if masked:
        assert out["name"].tolist() == ["王*英", "刘*"]
        assert out["phone"].tolist() == ["139****5678", None]
        assert out["address"].tolist() == ["大智路12号5栋", "江汉路88号2栋"]
        assert out["note"].tolist() == ["***", ""]
    else:
        assert out["name"].tolist() == ["王秀英", "刘强"] and out["phone"].iat[0] == "13912345678"


def test_the_vulnerable_list_keeps_to_the_actors_streets() -> None:
    uow: Any = FakeUnitOfWork(care=FakeCare(RESIDENTS))
    actor = Actor("u", "u", frozenset({"coordinator"}), frozenset({"420102002"}))
    assert vulnerable_list(uow, actor, active_only=False)["code"].tolist() == ["V3"]
