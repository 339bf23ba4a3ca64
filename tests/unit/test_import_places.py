"""The formats of grids, compounds and checkpoints: headers and cells cleaned, communities resolved,
and the checks their writers make against the stored places, on plain data."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from core.i18n import TABLES
from core.services.importer import cleaning
from core.services.importer.columns_places import PLACE_FORMATS
from core.services.importer.place_refs import Problems, check_grids
from core.services.importer.problems import ImportRefused
from core.services.importer.reading import read_table
from core.services.importer.validate import Validated, validate
from core.services.importer.write_checkpoints import place
from core.services.importer.write_grids import check_members, member_moves

ROOT = Path(__file__).resolve().parents[2]
KNOWN = pd.DataFrame({"code": ["420102001001", "420102001002"], "name": ["大智社区", "江汉社区"]})
GRIDS = pd.DataFrame({"code": ["G1", "G2"], "community": ["420102001001", "420102001002"]})
COMPOUNDS = pd.DataFrame({"code": ["C1", "C2"], "community": ["420102001001", "420102001002"], "grid": ["G1", None]})


def _validate(tmp_path: Path, kind: str, *lines: str) -> Validated:
    path = tmp_path / f"{kind}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return validate(read_table(path), PLACE_FORMATS[kind], communities=KNOWN)


def _problems(tmp_path: Path, kind: str, *lines: str) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRefused) as err:
        _validate(tmp_path, kind, *lines)
    return [(p.row, p.column, p.key) for p in err.value.problems]


def test_compound_kinds_accept_the_template_words_and_the_clerks_aliases() -> None:
    raw = pd.Series(["现代", "商品房", "老旧小区", "老旧", "开放式小区", "无物业", "open", "", "别墅"])
    values, errors = cleaning.compound_kinds(raw)
    assert values.tolist()[:7] == ["modern", "modern", "old", "old", "open", "open", "open"]
    assert pd.isna(values[7]) and pd.isna(values[8])
    assert errors[:8].isna().all()
    assert errors[8] == ("importer.bad_compound_kind", {"value": "别墅", "choices": ["现代", "老旧", "开放式"]})


def test_grids_are_cleaned_and_a_community_may_be_named(tmp_path: Path) -> None:
    v = _validate(tmp_path, "grids", "*网格编码,网格名称,社区,户数（户）,常住人口,网格员编号,备注",
                  "G1,大智第1网格,大智社区,\"1,560\",4320 人,S1,东片", "G2,江汉第1网格,420102001002,,,,")
    f = v.frame
    assert f["community"].tolist() == ["420102001001", "420102001002"]
    assert f["households"].tolist()[0] == 1560 and pd.isna(f["households"][1])
    assert f["population"].tolist()[0] == 4320
    assert f["grid_member"].tolist()[0] == "S1" and pd.isna(f["grid_member"][1])
    assert v.headers["community"] == "社区" and v.headers["code"] == "*网格编码"


def test_a_grid_without_its_community_or_with_an_unknown_one_is_refused(tmp_path: Path) -> None:
    assert _problems(tmp_path, "grids", "网格编码,网格名称,所属社区", "G1,一,", "G2,二,朝阳社区", "G1,三,大智社区") == [
        (2, "所属社区", "importer.value_missing"), (3, "所属社区", "importer.community_unknown"),
        (4, "网格编码", "importer.duplicate_code")]
    assert _problems(tmp_path, "grids", "网格编码,网格名称", "G1,一") == [(1, "所属社区", "importer.column_missing")]


def test_compounds_read_their_type_counts_and_coordinates(tmp_path: Path) -> None:
    v = _validate(tmp_path, "compounds", "小区编码,小区名称,所属社区,小区类型,户数,楼栋数,出入口数,所属网格,经度,纬度",
                  "C1,大智花园,420102001001,商品房,480,6,2,G1,114.2948,30.5879",
                  "C2,江汉里,江汉社区,无物业,,,,,,")
    f = v.frame
    assert f["kind"].tolist() == ["modern", "open"]
    assert (f["buildings"][0], f["gates"][0], f["grid"][0]) == (6, 2, "G1")
    assert round(float(f["lon"][0]), 4) == 114.2948 and pd.isna(f["lat"][1])
    assert _problems(tmp_path, "compounds", "小区编码,小区名称,所属社区,类型,出入口数,经度,纬度",
                     "C1,甲,420102001001,别墅,-1,30.58,114.29") == [
        (2, "类型", "importer.bad_compound_kind"), (2, "出入口数", "importer.below_minimum"),
        (2, "经度", "importer.outside_china_swapped")]


def test_checkpoints_read_their_figures_and_whether_they_are_in_use(tmp_path: Path) -> None:
    v = _validate(tmp_path, "checkpoints", "卡点编码,卡点名称,所属小区,所属社区,所属网格,班次,每班人数,是否在用",
                  "K1,东门,C1,,,3,2,是", "K2,路口,,江汉社区,G2,,,否", "K3,西门,C1,,,,,")
    f = v.frame
    assert f["community"].isna().tolist() == [True, False, True] and f["community"][1] == "420102001002"
    assert f["shifts_per_day"].tolist()[0] == 3 and f["people_per_shift"].tolist()[0] == 2
    assert f["active"].tolist()[:2] == [True, False] and pd.isna(f["active"][2])


def _frame(**cols: list[object]) -> Validated:
    n = len(next(iter(cols.values())))
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in cols.items()}).assign(_row=range(2, n + 2))
    return Validated("checkpoints", "k.csv", frame, list(cols), {"community": "社区"})


def test_a_checkpoint_is_placed_by_its_compound_or_its_community_and_both_must_agree() -> None:
    v = _frame(code=["K1", "K2", "K3", "K4", "K5"], compound=["C1", None, "C1", "C9", None],
               community=[None, "420102001002", "420102001002", None, None], grid=[None] * 5)
    v.frame["shifts_per_day"] = pd.array([3, 7, None, 0, None], dtype="Int64")
    out = Problems(v, PLACE_FORMATS["checkpoints"])
    placed = place(out, v.frame, COMPOUNDS, pd.Series(["K3"]))
    assert [(p.row, p.column, p.key) for p in out.found] == [
        (6, "社区", "importer.checkpoint_place_missing"), (5, "所属小区", "importer.compound_unknown"),
        (4, "所属小区", "importer.compound_other_community"), (3, "每日班次", "importer.out_of_range"),
        (5, "每日班次", "importer.out_of_range")]
    assert out.found[2].params == {"value": "C1", "community": "420102001002", "its": "420102001001"}
    assert out.found[3].params == {"value": 7, "minimum": 1, "maximum": 6}
    # K1 takes its compound's community and, being new, its compound's grid; K3 (stored) keeps its own
    assert placed["community"].tolist()[:2] == ["420102001001", "420102001002"]
    assert placed["grid"].tolist()[0] == "G1" and pd.isna(placed["grid"][2])


def test_a_grid_named_must_exist_and_lie_in_the_row_community() -> None:
    v = _frame(code=["A", "B", "C"], grid=["G1", "G2", "G9"])
    out = Problems(v, PLACE_FORMATS["checkpoints"])
    check_grids(out, v.frame["grid"], pd.Series(["420102001001"] * 3), GRIDS)
    assert [(p.row, p.column, p.key) for p in out.found] == [
        (4, "所属网格", "importer.grid_unknown"), (3, "所属网格", "importer.grid_other_community")]


def test_grid_members_must_be_known_grid_members_named_once() -> None:
    staff = pd.DataFrame({"code": ["S1", "S2", "S3"], "id": [1, 2, 3], "version": [1, 1, 1],
                          "kind": ["grid_member", "cadre", "grid_member"],
                          "community": ["420102001001", "420102001001", None], "grid": ["G1", None, None]})
    v = _frame(code=["G1", "G2", "G3", "G4"], community=["420102001001", "420102001002", "420102001001",
                                                        "420102001001"], grid_member=["S1", "S2", "S9", "S1"])
    out = Problems(v, PLACE_FORMATS["grids"])
    check_members(out, v.frame, staff)
    assert [(p.row, p.key, dict(p.params)) for p in out.found] == [
        (4, "importer.grid_member_unknown", {"value": "S9"}),
        (3, "importer.grid_member_not_grid_member", {"value": "S2", "kind": "下沉干部"}),
        (5, "importer.grid_member_twice", {"value": "S1", "first_row": 2})]
    ok = _frame(code=["G1", "G2"], community=["420102001001", "420102001001"], grid_member=["S1", "S3"])
    moves = member_moves(ok.frame, staff)
    assert moves[["staff", "to_grid", "to_community"]].values.tolist() == [["S3", "G2", "420102001001"]]


def test_every_key_the_place_importers_use_has_text_in_both_languages() -> None:
    used: set[str] = set()
    for name in ("place_refs", "write_grids", "write_compounds", "write_checkpoints", "boundaries", "cleaning"):
        text = (ROOT / "core" / "services" / "importer" / f"{name}.py").read_text("utf-8")
        used |= set(re.findall(r'"(importer\.[a-z_.]+)"', text))
    assert "importer.grid_member_not_grid_member" in used
    for lang in ("zh", "en"):
        assert sorted(k for k in used if k not in TABLES[lang]) == [], lang


def test_the_templates_validate_against_the_template_communities() -> None:
    for kind in ("grids", "compounds", "checkpoints"):
        v = validate(read_table(ROOT / "data" / "templates" / f"{kind}.csv"), PLACE_FORMATS[kind], communities=KNOWN)
        assert len(v.frame) == 2, kind
