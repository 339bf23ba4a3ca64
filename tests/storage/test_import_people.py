"""Import of units, pairings, home-isolated households, vulnerable residents and screening campaigns on
a real database (SQLite and PostgreSQL): the templates load after the communities, a re-import changes
nothing, a bad file is refused whole with every problem located, the counts follow, and the audit log
keeps no personal data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.cli.main import main
from core.model.actor import Actor
from core.model.errors import PermissionDenied
from core.services.importer.problems import ImportRefused
from core.services.importer.service import import_file
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import migrate, session_scope

CLERK = Actor("clerk-test", "录入员", frozenset({"clerk"}))
NOW = dt.datetime(2026, 11, 29, 10, 0)
TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"
PEOPLE = ["units", "pairings", "households", "vulnerable", "campaigns"]
TABLES = [orm.Community, orm.CommunityCondition, orm.Grid, orm.Unit, orm.Pairing, orm.IsolatedHousehold,
          orm.VulnerableResident, orm.ScreeningCampaign, orm.ScreeningTarget, orm.AuditLog]
#: the personal values of the templates: none may reach the audit log or a message
PERSONAL = ["张伟", "李娜", "王秀英", "刘强", "13800138000", "15912345678", "13912345678", "大智路12号3栋2单元501",
            "2单元501", "行动不便"]


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with session_scope(url) as s:
        return {t.__tablename__: [tuple(r) for r in s.execute(select(t.__table__).order_by(t.__table__.c.id))]
                for t in TABLES}


def run(url: str, kind: str, path: Path, *, actor: Actor = CLERK, **kw: Any) -> Any:
    kw.setdefault("now", NOW)
    with unit_of_work(url) as uow:
        return import_file(uow, actor, kind, path, **kw)


def refused(url: str, kind: str, path: Path) -> list[str]:
    """The located lines of a refused file; the database is untouched."""
    before = snapshot(url)
    with pytest.raises(ImportRefused) as exc:
        run(url, kind, path)
    assert snapshot(url) == before
    return exc.value.lines()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def district(empty_db: str) -> str:
    """The template communities, with one grid each (the grids import is another desk's)."""
    migrate(empty_db)
    run(empty_db, "communities", TEMPLATES / "communities.csv")
    with unit_of_work(empty_db) as uow:
        ids = uow.imports.community_refs().set_index("code")["id"]
        uow.imports.insert_rows("grid", [
            {"code": "G420102001001-01", "name": "大智第1网格", "community_id": int(ids["420102001001"]),
             "households": 1560, "population": 4320},
            {"code": "G420102001002-01", "name": "江汉第1网格", "community_id": int(ids["420102001002"]),
             "households": 1935, "population": 5120}])
    return empty_db


def load(url: str, model: Any, **where: Any) -> Any:
    with session_scope(url) as s:
        return s.execute(select(model).filter_by(**where)).scalar_one()


def test_the_templates_import_and_a_reimport_changes_nothing(district: str) -> None:
    for kind in PEOPLE:
        s = run(district, kind, TEMPLATES / f"{kind}.csv")
        assert (s.created, s.updated, s.unchanged) == (2, 0, 0), kind
    before = snapshot(district)
    for kind in PEOPLE:
        s = run(district, kind, TEMPLATES / f"{kind}.csv")
        assert (s.created, s.updated, s.unchanged) == (0, 0, 2), kind
    after = snapshot(district)
    assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in before.items() if k != "audit_log"}
    assert len(after["audit_log"]) == len(before["audit_log"]) + len(PEOPLE)  # one summary entry per file
    pairing = load(district, orm.Pairing, cadres_pledged=20)
    assert pairing.since == dt.date(2026, 11, 25)
    camp = load(district, orm.ScreeningCampaign, code="PC-2026-02")
    assert camp.deadline - camp.started_at == dt.timedelta(days=2)
    with session_scope(district) as s:
        targets = s.execute(select(orm.ScreeningTarget.target_households).join(orm.ScreeningCampaign)
                            .where(orm.ScreeningCampaign.code == "PC-2026-01")
                            .order_by(orm.ScreeningTarget.grid_id)).scalars().all()
    assert targets == [1560, 1935]  # the street's grids, at their households


def test_the_audit_log_and_the_messages_keep_no_personal_data(district: str) -> None:
    for kind in PEOPLE:
        run(district, kind, TEMPLATES / f"{kind}.csv")
    with session_scope(district) as s:
        entries = s.execute(select(orm.AuditLog.before, orm.AuditLog.after)
                            .where(orm.AuditLog.action.in_(["import.households", "import.vulnerable"]))).all()
    text = json.dumps([tuple(e) for e in entries], ensure_ascii=False)
    assert not [p for p in PERSONAL if p in text]
    assert "138****8000" in text and "张*" in text and "大智路12号3栋" in text


def test_counts_follow_the_households_and_residents_with_a_condition_row_of_the_day(district: str,
                                                                                    tmp_path: Path) -> None:
    hh = write(tmp_path, "hh.csv", "户编码,所属社区,所属网格,楼栋房号,人数,开始日期,状态\n"
               "H1,大智社区,G420102001001-01,1栋101,2,2026-11-28,在管\n"
               "H2,大智社区,,1栋102,1,2026-11-28,在管\n"
               "H3,江汉社区,,2栋201,1,2026-11-28,已解除\n")
    run(district, "households", hh)
    dz = load(district, orm.Community, code="420102001001")
    jh = load(district, orm.Community, code="420102001002")
    assert (dz.isolated_households, jh.isolated_households) == (2, 0)
    assert load(district, orm.Grid, code="G420102001001-01").isolated_households == 1
    assert load(district, orm.IsolatedHousehold, code="H2").planned_end == dt.date(2026, 12, 12)  # 14 days
    assert load(district, orm.IsolatedHousehold, code="H3").ended_at == NOW
    vr = write(tmp_path, "vr.csv", "编码,所属社区,所属网格,类别,姓名,状态\n"
               "V1,大智社区,G420102001001-01,空巢老人,赵一,在册\nV2,大智社区,,慢病,钱二,\n"
               "V3,江汉社区,,孕产妇,孙三,已结束\n")
    run(district, "vulnerable", vr)
    dz = load(district, orm.Community, code="420102001001")
    assert (dz.vulnerable_residents, load(district, orm.Community, code="420102001002").vulnerable_residents) == (2, 0)
    assert load(district, orm.Grid, code="G420102001001-01").vulnerable_residents == 1
    cond = load(district, orm.CommunityCondition, community_id=dz.id, valid_from=NOW.date())  # one row that day
    assert (cond.isolated_households, cond.vulnerable_residents, cond.risk_level) == (2, 2, "low")
    # ending a household by re-import: the counts follow, and the change is audited
    run(district, "households", write(tmp_path, "hh2.csv", "户编码,所属社区,楼栋房号,状态\nH1,大智社区,1栋101,已解除\n"))
    assert load(district, orm.Community, code="420102001001").isolated_households == 1
    assert load(district, orm.Grid, code="G420102001001-01").isolated_households == 0
    with session_scope(district) as s:
        last = s.execute(select(orm.AuditLog.before, orm.AuditLog.after).where(
            orm.AuditLog.action == "import.households", orm.AuditLog.entity == "community")
            .order_by(orm.AuditLog.id.desc()).limit(1)).one()
    assert tuple(last) == ({"isolated_households": 2}, {"isolated_households": 1})


def test_a_dry_run_writes_nothing(district: str) -> None:
    before = snapshot(district)
    s = run(district, "households", TEMPLATES / "households.csv", dry_run=True)
    assert (s.created, s.dry_run) == (2, True)
    assert snapshot(district) == before


def test_units_refuse_a_name_of_another_code_and_a_name_twice(district: str, tmp_path: Path) -> None:
    run(district, "units", TEMPLATES / "units.csv")
    lines = refused(district, "units", write(tmp_path, "u.csv", "单位编码,单位名称\nU9,江岸区财政局\nU8,区卫健委\n"
                                                                 "U7,区卫健委\nU00002,江岸区教育局\n"))
    assert lines == ["u.csv 第 2 行 「单位名称」：单位名称“江岸区财政局”已属于单位 U00001（单位名称不能重复）",
                     "u.csv 第 4 行 「单位名称」：单位名称“区卫健委”在本文件中重复（第 3 行已有）"]
    s = run(district, "units", write(tmp_path, "u2.csv", "单位编码,单位名称\nU00002,江岸区教育局（更名）\n"))
    assert (s.updated, load(district, orm.Unit, code="U00002").name) == (1, "江岸区教育局（更名）")


def test_pairings_refuse_an_unknown_unit_and_a_pair_twice_and_update_the_pledge(district: str,
                                                                               tmp_path: Path) -> None:
    run(district, "units", TEMPLATES / "units.csv")
    run(district, "pairings", TEMPLATES / "pairings.csv")
    lines = refused(district, "pairings", write(tmp_path, "p.csv", "包保单位,包保社区,承诺下沉人数\n区水务局,大智社区,3\n"
                                                                   "U00001,大智社区,4\n江岸区财政局,420102001001,5\n"))
    assert lines == ["p.csv 第 2 行 「包保单位」：包保单位“区水务局”不存在（填写单位编码或名称，请先导入单位）",
                     "p.csv 第 4 行 「包保社区」：“江岸区财政局”包保社区 420102001001 在本文件中重复（第 3 行已有）"]
    s = run(district, "pairings", write(tmp_path, "p2.csv", "包保单位,包保社区,承诺下沉人数\nU00001,大智社区,30\n"))
    assert (s.created, s.updated) == (0, 1)
    p = load(district, orm.Pairing, cadres_pledged=30)
    assert p.since == dt.date(2026, 11, 25)  # a blank cell keeps the stored value


def test_households_refuse_every_bad_row_located_without_personal_data(district: str, tmp_path: Path) -> None:
    path = write(tmp_path, "hh.csv", "户编码,所属社区,所属网格,楼栋房号,户主,联系电话,人数,开始日期,计划解除日期,状态\n"
                 "H1,大智社区,G420102001002-01,1栋101,周大,13800138000,2,2026-11-28,2026-12-10,在管\n"
                 "H2,大智社区,G9,1栋102,吴二,1380013800,21,2026-11-28,2026-11-20,隔离结束\n")
    lines = refused(district, "households", path)
    assert lines == [
        "hh.csv 第 2 行 「所属网格」：网格“G420102001002-01”不属于社区 420102001001",
        "hh.csv 第 3 行 「状态」：“隔离结束” 不是有效的隔离状态（可填：在管、已解除）",
        "hh.csv 第 3 行 「联系电话」：不是有效的电话号码（11 位手机号或带区号的固话）",
        "hh.csv 第 3 行 「人数」：人数应为 1–20 人，现为 21",
        "hh.csv 第 3 行 「所属网格」：网格“G9”不存在（请先导入网格）",
        "hh.csv 第 3 行 「计划解除日期」：计划解除日期 2026-11-20 早于开始日期 2026-11-28",
    ]
    assert not [p for p in ("周大", "吴二", "1380013800", "1栋10") if p in "\n".join(lines)]


def test_vulnerable_residents_refuse_a_bad_category_status_and_grid(district: str, tmp_path: Path) -> None:
    path = write(tmp_path, "vr.csv", "编码,所属社区,所属网格,类别,姓名,状态\nV1,江汉社区,G420102001001-01,独居老人,赵一,在册\n"
                 "V2,江汉社区,,老干部,钱二,注销了\n")
    lines = refused(district, "vulnerable", path)
    # the cells are cleaned first: a file with a bad word is refused before the database is consulted
    assert len(lines) == 1
    assert lines[0].startswith("vr.csv 第 3 行 「类别」：“老干部” 不是有效的关爱类别（可填：独居老人、残疾人")
    path = write(tmp_path, "vr2.csv", "编码,所属社区,所属网格,类别,姓名,状态\nV1,江汉社区,G420102001001-01,独居老人,赵一,在册\n"
                 "V2,江汉社区,,残疾人,钱二,注销了\n")
    assert refused(district, "vulnerable", path) == [
        "vr2.csv 第 2 行 「所属网格」：网格“G420102001001-01”不属于社区 420102001002",
        "vr2.csv 第 3 行 「状态」：“注销了” 不是有效的在册状态（可填：在册、已结束）"]


def test_campaigns_refuse_unknown_scopes_scopes_without_grids_and_days_out_of_range(district: str,
                                                                                   tmp_path: Path) -> None:
    run(district, "communities", write(tmp_path, "c.csv", "社区编码,社区名称,街道\n420102002001,一元社区,一元街道\n"))
    path = write(tmp_path, "pc.csv", "排查编号,名称,范围,天数\nP1,全面排查,大智街道、火星社区,3\nP2,一元排查,一元街道,0\n"
                 "P3,长期排查,大智社区,61\n")
    assert refused(district, "campaigns", path) == [
        "pc.csv 第 2 行 「范围」：范围中的“火星社区”既不是街道也不是社区（填写名称或编码，用、分隔）",
        "pc.csv 第 3 行 「天数」：天数应为 1–60 天，现为 0",
        "pc.csv 第 3 行 「范围」：范围中的“一元街道”还没有网格（请先导入网格）",
        "pc.csv 第 4 行 「天数」：天数应为 1–60 天，现为 61",
    ]


def test_a_campaign_total_is_split_and_its_targets_change_only_before_any_progress(district: str,
                                                                                 tmp_path: Path) -> None:
    head = "排查编号,名称,范围,开始时间,天数,排查户数\n"
    run(district, "campaigns", write(tmp_path, "pc.csv", head + "P1,排查,大智社区、江汉社区,2026-11-28 08:00,3,1000\n"))
    camp = load(district, orm.ScreeningCampaign, code="P1")
    with session_scope(district) as s:
        targets = s.execute(select(orm.ScreeningTarget.target_households).where(
            orm.ScreeningTarget.campaign_id == camp.id).order_by(orm.ScreeningTarget.grid_id)).scalars().all()
    assert targets == [446, 554] and sum(targets) == 1000
    s2 = run(district, "campaigns", write(tmp_path, "pc2.csv", head + "P1,排查（延期）,420102001,,5,1200\n"))
    assert (s2.created, s2.updated) == (0, 1)
    camp = load(district, orm.ScreeningCampaign, code="P1")
    assert (camp.name, camp.deadline) == ("排查（延期）", dt.datetime(2026, 12, 3, 8, 0))
    with unit_of_work(district) as uow:
        grid = uow.imports.grids()["id"].iat[0]
        uow.screening.insert_progress([{"campaign_id": camp.id, "grid_id": int(grid), "building": "", "at": NOW,
                                        "visited": 10, "at_home": 9, "not_home": 1, "discrepancies": 0,
                                        "entered_by": "grid-1"}])
    assert refused(district, "campaigns", write(tmp_path, "pc3.csv", head + "P1,排查（延期）,大智街道,,5,900\n")) == [
        "pc3.csv 第 2 行 「排查户数」：排查 P1 已有进度记录，不能再改范围或排查户数"]
    s3 = run(district, "campaigns", write(tmp_path, "pc4.csv", head + "P1,排查（再延期）,大智街道,,6,1200\n"))
    assert s3.updated == 1 and load(district, orm.ScreeningCampaign, code="P1").name == "排查（再延期）"


def test_a_clerk_of_another_street_may_not_import_its_households(district: str) -> None:
    other = Actor("clerk-x", "录入员", frozenset({"clerk"}), frozenset({"420102099"}))
    before = snapshot(district)
    with pytest.raises(PermissionDenied):
        run(district, "households", TEMPLATES / "households.csv", actor=other)
    assert snapshot(district) == before


def test_the_cli_imports_households_with_exit_0_and_refuses_a_bad_file_with_exit_2(
        district: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", district, "import", "households", str(TEMPLATES / "households.csv"),
                 "--as-system"]) == 0
    assert capsys.readouterr().out.startswith("导入完成：households.csv 新增 2 条，更新 0 条，未变 0 条")
    bad = write(tmp_path, "bad.csv", "户编码,所属社区,楼栋房号,人数\nH9,大智社区,1栋1,0\n")
    before = snapshot(district)
    assert main(["--database-url", district, "import", "households", str(bad), "--as-system"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.splitlines()[0] == "bad.csv 第 2 行 「人数」：人数应为 1–20 人，现为 0"
    assert snapshot(district) == before


def test_a_household_added_at_the_desk_never_takes_a_code_a_file_used(district: str, tmp_path: Path) -> None:
    from core.services.isolation import add_household

    path = write(tmp_path, "h.csv", "户编码,所属社区,楼栋房号,人数,开始日期,计划解除日期\n"
                 "H000002,420102001001,大智路1号,2,2026-11-20,2026-12-04\n")
    run(district, "households", path)
    with unit_of_work(district) as uow:
        comm = int(uow.imports.community_refs().set_index("code")["id"]["420102001001"])
        code = add_household(uow, Actor("c", "调度", frozenset({"coordinator"})), community_id=comm, grid_id=None,
                             address="大智路2号", head_name="", phone=None, members=1,
                             start_date=dt.date(2026, 11, 29), planned_end=dt.date(2026, 12, 13))
    assert code == "H000003"  # the next free code: H000002 (the next id) is the file's
