"""The import service on a real database (SQLite and PostgreSQL): messy files accepted, bad files
refused whole with the database untouched, re-imports update without duplicating, history and
audit kept, roles and street scope checked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from core.i18n import translate
from core.model.actor import Actor
from core.model.errors import PermissionDenied
from core.services.importer.problems import ImportRefused
from core.services.importer.service import import_file
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import session_scope
from tests.unit.test_import_reading import FIXTURES, write_variants

CLERK = Actor("clerk-test", "录入员", frozenset({"clerk"}))
NOW = dt.datetime(2026, 11, 29, 10, 0)
TABLES = [orm.District, orm.Street, orm.Community, orm.CommunityCondition, orm.Unit, orm.Staff, orm.Assignment, orm.DutyChange,
          orm.Incident, orm.AuditLog]


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table an import may touch, in id order: equal snapshots = untouched."""
    with session_scope(url) as s:
        return {t.__tablename__: [tuple(r) for r in s.execute(select(t.__table__).order_by(t.__table__.c.id))]
                for t in TABLES}


def count(url: str, model: type[orm.Base], *where: Any) -> int:
    with session_scope(url) as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def run(url: str, kind: str, path: Path, *, actor: Actor = CLERK, **kw: Any) -> Any:
    """One import as one unit of work (as the page and the CLI do it)."""
    kw.setdefault("now", NOW)
    kw.setdefault("into_demo", True)  # most of these add files to the populated demo district on purpose
    with unit_of_work(url) as uow:
        return import_file(uow, actor, kind, path, **kw)


@pytest.mark.parametrize("variant", ["gbk", "bom", "xlsx"])
def test_messy_communities_are_imported_and_a_reimport_changes_nothing(demo_db: str, variant: str,
                                                                      tmp_path: Path) -> None:
    path = write_variants(FIXTURES / "communities_messy.csv", tmp_path)[variant]
    n_comm = count(demo_db, orm.Community)
    first = run(demo_db, "communities", path)
    assert (first.created, first.updated, first.unchanged) == (2, 1, 0)
    assert first.extra["streets_created"] == 1
    with session_scope(demo_db) as s:
        street = s.execute(select(orm.Street).where(orm.Street.name == "新建街道")).scalar_one()
        new = s.execute(select(orm.Community).where(orm.Community.code == "420102901002")).scalar_one()
        old = s.execute(select(orm.Community).where(orm.Community.code == "420102001001")).scalar_one()
        cond = s.execute(select(orm.CommunityCondition).where(
            orm.CommunityCondition.community_id == old.id, orm.CommunityCondition.valid_from == NOW.date())).scalar_one()
    assert street.code == "420102901"  # 统计用区划代码: the first 9 digits of its communities' codes
    assert (new.name, new.population, new.risk_level, new.checkpoints, new.street_id) == (
        "江滩社区（东）", 10240, "medium", 6, street.id)
    assert (old.population, old.risk_level, old.checkpoints) == (12345, "medium", 4)
    assert (cond.risk_level, cond.checkpoints, cond.isolated_households) == ("medium", 4, 26)
    before = snapshot(demo_db)
    second = run(demo_db, "communities", path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    after = snapshot(demo_db)
    assert count(demo_db, orm.Community) == n_comm + 2
    # only the summary entry of the second import was added
    assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in before.items() if k != "audit_log"}
    assert len(after["audit_log"]) == len(before["audit_log"]) + 1


#: the values row 2 of communities_messy.csv gives community 420102001001
MESSY_ROW = {"name": "中山社区", "street": "大智街道", "population": 12345, "households": 4160, "lon": 114.288109,
             "lat": 30.591662, "risk_level": "medium", "checkpoints": 4, "isolated_households": 26,
             "vulnerable_residents": 197}


def test_the_audit_trail_holds_one_summary_and_one_entry_per_changed_row(demo_db: str) -> None:
    with session_scope(demo_db) as s:
        c, street = s.execute(select(orm.Community, orm.Street.name).join(orm.Street, orm.Street.id == orm.Community.street_id)
                              .where(orm.Community.code == "420102001001")).one()
        stored = {f: getattr(c, f) for f in MESSY_ROW if f != "street"} | {"street": street}
    differs = {f for f, v in MESSY_ROW.items()
               if (abs(stored[f] - v) > 1e-7 if isinstance(v, float) else stored[f] != v)}
    assert "population" in differs  # the demo never has exactly 12,345 residents there
    run(demo_db, "communities", FIXTURES / "communities_messy.csv", district_name="不用")
    with session_scope(demo_db) as s:
        rows = s.execute(select(orm.AuditLog).where(orm.AuditLog.action == "import.communities")
                         .order_by(orm.AuditLog.id)).scalars().all()
    assert [(r.entity, r.entity_id) for r in rows] == [
        ("street", "420102901"), ("community", "420102901001"), ("community", "420102901002"),
        ("community", "420102001001"), ("file", None)]
    assert len({r.batch_id for r in rows}) == 1 and {r.actor for r in rows} == {"clerk-test"}
    changed = rows[3]
    assert changed.before is not None and changed.after is not None
    assert set(changed.after) == differs == set(changed.before)  # only the fields that changed
    assert changed.after["population"] == 12345 and changed.before["population"] == stored["population"]
    assert rows[-1].after == {"created": 2, "updated": 1, "unchanged": 0, "streets_created": 1,
                              "district_created": 0}
    assert rows[-1].reason == "communities_messy.csv"


def test_a_file_with_bad_rows_is_refused_whole_and_the_database_is_untouched(demo_db: str) -> None:
    before = snapshot(demo_db)
    with pytest.raises(ImportRefused) as err:
        run(demo_db, "communities", FIXTURES / "communities_bad.csv")
    assert {(p.row, p.column) for p in err.value.problems} == {
        (2, "常住人口"), (3, "户数"), (3, "风险等级"), (4, "社区编码"), (5, "社区编码"), (5, "经度"),
        (7, "街道"), (7, "纬度"), (7, "卡点数")}
    assert snapshot(demo_db) == before


def test_a_dry_run_reports_the_counts_and_writes_nothing(demo_db: str) -> None:
    before = snapshot(demo_db)
    summary = run(demo_db, "communities", FIXTURES / "communities_messy.csv", dry_run=True)
    assert (summary.created, summary.updated, summary.unchanged) == (2, 1, 0)
    assert "未写入数据库" in summary.text(translate)
    assert summary.text(lambda key, **params: translate(key, "en", **params)).startswith("Check passed")
    assert snapshot(demo_db) == before


def test_staff_import_keeps_assignment_and_duty_history_and_masks_phones(demo_db: str, tmp_path: Path) -> None:
    first = run(demo_db, "staff", FIXTURES / "staff_messy.csv")
    assert (first.created, first.updated, first.extra["units_created"]) == (4, 0, 1)
    with session_scope(demo_db) as s:
        p = s.execute(select(orm.Staff).where(orm.Staff.code == "T0000001")).scalar_one()
        unit = s.get(orm.Unit, p.unit_id)
        comm = {c.code: c.id for c in s.execute(select(orm.Community)).scalars()}
        assigned = s.execute(select(orm.Assignment).where(orm.Assignment.staff_id == p.id)).scalars().all()
    assert (p.name, p.kind, p.phone, p.movable, p.on_duty, p.skills) == (
        "张 伟", "cadre", "13800138000", True, True, "driving,medical")
    assert unit is not None and unit.name == "江岸区新设局" and unit.code == "U00056"
    assert [(a.community_id, a.valid_from, a.valid_to) for a in assigned] == [(comm["420102001001"], NOW, None)]
    assert count(demo_db, orm.DutyChange, orm.DutyChange.staff_id == p.id) == 1

    moved = tmp_path / "staff.csv"
    moved.write_text("编号,姓名,类别,所在社区,联系电话,在岗\n"
                     "T0000001,张伟,下沉干部,420102001005,13900139000,否\n"
                     "T0000002,李娜,巾帼志愿者,420102001002,15912345678,是\n", encoding="utf-8")
    later = NOW + dt.timedelta(hours=3)
    second = run(demo_db, "staff", moved, now=later)
    assert (second.created, second.updated, second.unchanged) == (0, 1, 1)
    with session_scope(demo_db) as s:
        p = s.execute(select(orm.Staff).where(orm.Staff.code == "T0000001")).scalar_one()
        history = s.execute(select(orm.Assignment).where(orm.Assignment.staff_id == p.id)
                            .order_by(orm.Assignment.valid_from)).scalars().all()
        duty = s.execute(select(orm.DutyChange).where(orm.DutyChange.staff_id == p.id)
                         .order_by(orm.DutyChange.at)).scalars().all()
        entry = s.execute(select(orm.AuditLog).where(orm.AuditLog.entity == "staff", orm.AuditLog.entity_id == "T0000001")
                          .order_by(orm.AuditLog.id.desc()).limit(1)).scalar_one()
    assert (p.community_id, p.on_duty, p.phone, p.unit_id) == (comm["420102001005"], False, "13900139000", unit.id)
    assert [(a.community_id, a.valid_to) for a in history] == [(comm["420102001001"], later),
                                                               (comm["420102001005"], None)]
    assert [(d.at, d.on_duty) for d in duty] == [(NOW, True), (later, False)]
    assert entry.before == {"name": "张 伟", "community_code": "420102001001", "phone": "138****8000",
                            "on_duty": True}
    assert entry.after == {"name": "张伟", "community_code": "420102001005", "phone": "139****9000",
                           "on_duty": False}


def test_staff_referring_to_an_unknown_community_are_refused(demo_db: str, tmp_path: Path) -> None:
    before = snapshot(demo_db)
    path = tmp_path / "s.csv"
    path.write_text("编号,姓名,类别,所在社区\nA1,甲,网格员,420102001001\nA2,乙,网格员,不存在社区\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as err:
        run(demo_db, "staff", path)
    assert [(p.row, p.column) for p in err.value.problems] == [(3, "所在社区")]
    assert snapshot(demo_db) == before


def test_incidents_are_upserted_by_code_with_a_deadline_from_their_severity(demo_db: str, tmp_path: Path) -> None:
    n = count(demo_db, orm.Incident)
    first = run(demo_db, "incidents", FIXTURES / "incidents_messy.csv")
    assert (first.created, first.updated) == (3, 0)
    path = tmp_path / "i.csv"
    path.write_text((FIXTURES / "incidents_messy.csv").read_text(encoding="utf-8").replace("处理中", "已办结"),
                    encoding="utf-8")
    second = run(demo_db, "incidents", path)
    assert (second.created, second.updated, second.unchanged) == (0, 1, 2)
    assert count(demo_db, orm.Incident) == n + 3
    with session_scope(demo_db) as s:
        rows = {i.code: i for i in s.execute(select(orm.Incident).where(orm.Incident.code.like("X%"))).scalars()}
    assert rows["X0000001"].deadline == dt.datetime(2026, 11, 28, 16, 30)  # high: 8 hours
    assert rows["X0000002"].status == "closed" and rows["X0000002"].version == 2


def test_boundaries_are_converted_stored_and_unknown_codes_refused(demo_db: str, tmp_path: Path) -> None:
    import json

    square = [[[114.30, 30.60], [114.31, 30.60], [114.31, 30.61], [114.30, 30.61], [114.30, 30.60]]]
    good = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "420102001001"}, "geometry": {"type": "Polygon",
                                                                               "coordinates": square}}]}
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps(good), encoding="utf-8")
    summary = run(demo_db, "boundaries", path, datum="gcj02")
    assert (summary.created, summary.updated) == (0, 1)  # the demo community already had a polygon
    with session_scope(demo_db) as s:
        c = s.execute(select(orm.Community).where(orm.Community.code == "420102001001")).scalar_one()
    ring = json.loads(c.geometry or "{}")["coordinates"][0]
    assert 114.29 < ring[0][0] < 114.30 and 30.60 < ring[0][1] < 30.61  # moved west and north to WGS-84
    bad = {"type": "FeatureCollection", "features": [
        good["features"][0], {"type": "Feature", "properties": {"code": "999"},
                              "geometry": {"type": "Point", "coordinates": [114.3, 30.6]}}]}
    path.write_text(json.dumps(bad), encoding="utf-8")
    before = snapshot(demo_db)
    with pytest.raises(ImportRefused) as err:
        run(demo_db, "boundaries", path)
    assert [(p.row, p.column) for p in err.value.problems] == [(2, "code"), (2, "geometry")]
    assert err.value.lines()[0].startswith("b.geojson 第 2 个要素 「code」")
    assert snapshot(demo_db) == before


def test_a_clerk_scoped_to_one_street_cannot_import_into_another(demo_db: str) -> None:
    scoped = Actor("clerk-2", "街道录入员", frozenset({"clerk"}), streets=frozenset({"420102005"}))
    before = snapshot(demo_db)
    with pytest.raises(PermissionDenied):
        run(demo_db, "communities", FIXTURES / "communities_messy.csv", actor=scoped)
    with pytest.raises(PermissionDenied):
        run(demo_db, "staff", FIXTURES / "staff_messy.csv", actor=Actor("lead", "指挥长", frozenset({"leader"})))
    assert snapshot(demo_db) == before


def test_the_templates_load_into_an_empty_database_and_create_the_district(empty_db: str) -> None:
    from core.storage.db import migrate

    migrate(empty_db)
    templates = Path(__file__).resolve().parents[2] / "data" / "templates"
    got = {kind: run(empty_db, kind, templates / name, district_name="江岸区", district_code="420102")
           for kind, name in [("communities", "communities.csv"), ("staff", "staff.csv"),
                              ("incidents", "incidents.csv"), ("boundaries", "boundaries.geojson")]}
    assert {k: v.created for k, v in got.items()} == {"communities": 2, "staff": 2, "incidents": 2, "boundaries": 2}
    assert got["communities"].extra == {"streets_created": 1, "district_created": 1}
    with session_scope(empty_db) as s:
        assert s.execute(select(orm.District.code, orm.District.name)).one() == ("420102", "江岸区")
        assert s.scalars(select(orm.Street.code)).all() == ["420102001"]
        assert s.scalar(select(func.count()).select_from(orm.Assignment)) == 2
