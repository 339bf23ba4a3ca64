"""Grids, compounds and checkpoints imported on a real database (SQLite and PostgreSQL), after the
communities and staff templates: all-or-nothing, upsert by code, audited, grid members placed with
their assignment history, checkpoint rows counted into the community's checkpoints."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.cli.main import main
from core.model.actor import Actor
from core.services.importer.problems import ImportRefused
from core.services.importer.service import import_file
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import migrate, session_scope

CLERK = Actor("clerk-test", "录入员", frozenset({"clerk"}))
NOW = dt.datetime(2026, 11, 29, 10, 0)
LATER = dt.datetime(2026, 11, 30, 9, 0)
TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"
TABLES = [orm.Community, orm.CommunityCondition, orm.Staff, orm.Assignment, orm.Grid, orm.Compound, orm.Checkpoint,
          orm.AuditLog]
GRID_HEAD = "网格编码,网格名称,所属社区,户数,常住人口,网格员"
COMPOUND_HEAD = "小区编码,小区名称,所属社区,类型,户数,楼栋数,出入口数,所属网格,经度,纬度"
CHECKPOINT_HEAD = "卡点编码,卡点名称,所属小区,所属社区,所属网格,每日班次,每班人数,在用,经度,纬度"
G1, G2 = "42010200100101", "42010200100201"  # the grids of the template, in 大智 and 江汉


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with session_scope(url) as s:
        return {t.__tablename__: [tuple(r) for r in s.execute(select(t.__table__).order_by(t.__table__.c.id))]
                for t in TABLES}


def run(url: str, kind: str, path: Path, *, now: dt.datetime = NOW, **kw: Any) -> Any:
    with unit_of_work(url) as uow:
        return import_file(uow, CLERK, kind, path, now=now, district_name="江岸区", district_code="420102", **kw)


def csv(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def refused(url: str, kind: str, path: Path) -> list[tuple[int, str, str]]:
    before = snapshot(url)
    with pytest.raises(ImportRefused) as err:
        run(url, kind, path)
    assert snapshot(url) == before  # nothing written
    return [(p.row, p.column, p.key) for p in err.value.problems]


@pytest.fixture
def district(empty_db: str) -> str:
    """An empty database with the communities and staff templates imported."""
    migrate(empty_db)
    for kind in ("communities", "staff"):
        run(empty_db, kind, TEMPLATES / f"{kind}.csv")
    return empty_db


@pytest.fixture
def places(district: str) -> str:
    for kind in ("grids", "compounds", "checkpoints"):
        run(district, kind, TEMPLATES / f"{kind}.csv")
    return district


def _staff(url: str, code: str) -> orm.Staff:
    with session_scope(url) as s:
        return s.execute(select(orm.Staff).where(orm.Staff.code == code)).scalar_one()


def _ids(url: str, model: Any) -> dict[str, int]:
    with session_scope(url) as s:
        return {code: id_ for code, id_ in s.execute(select(model.code, model.id))}


def test_the_templates_import_in_sequence_and_a_reimport_changes_nothing(district: str) -> None:
    got = {k: run(district, k, TEMPLATES / f"{k}.csv") for k in ("grids", "compounds", "checkpoints")}
    assert {k: (s.created, s.updated, s.unchanged) for k, s in got.items()} == {
        "grids": (2, 0, 0), "compounds": (2, 0, 0), "checkpoints": (2, 0, 0)}
    grid, comm = _ids(district, orm.Grid), _ids(district, orm.Community)
    with session_scope(district) as s:
        compounds = {c.code: (c.kind, c.community_id, c.grid_id, c.gates) for c in s.scalars(select(orm.Compound))}
        posts = {c.code: (c.community_id, c.grid_id, c.compound_id is not None, c.shifts_per_day, c.people_per_shift,
                          c.active) for c in s.scalars(select(orm.Checkpoint))}
    assert compounds == {"420102001001C01": ("modern", comm["420102001001"], grid[G1], 2),
                         "420102001002C01": ("old", comm["420102001002"], None, 3)}
    # a post placed by its compound takes the compound's community and grid
    assert posts == {"420102001001C01G1": (comm["420102001001"], grid[G1], True, 3, 2, True),
                     "420102001002K01": (comm["420102001002"], grid[G2], False, 2, 3, True)}
    before = snapshot(district)
    again = {k: run(district, k, TEMPLATES / f"{k}.csv", now=LATER) for k in ("grids", "compounds", "checkpoints")}
    assert {k: (s.created, s.updated, s.unchanged) for k, s in again.items()} == {
        "grids": (0, 0, 2), "compounds": (0, 0, 2), "checkpoints": (0, 0, 2)}
    after = snapshot(district)
    assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in before.items() if k != "audit_log"}
    assert len(after["audit_log"]) == len(before["audit_log"]) + 3  # one file entry per import


def test_each_import_is_audited_in_one_batch(places: str) -> None:
    with session_scope(places) as s:
        rows = s.scalars(select(orm.AuditLog).where(orm.AuditLog.action.in_(
            ["import.grids", "import.compounds", "import.checkpoints"])).order_by(orm.AuditLog.id)).all()
    by_action: dict[str, list[orm.AuditLog]] = {}
    for r in rows:
        by_action.setdefault(r.action, []).append(r)
    assert [(r.entity, r.entity_id) for r in by_action["import.grids"]] == [("grid", G1), ("grid", G2), ("file", None)]
    assert [(r.entity, r.entity_id) for r in by_action["import.checkpoints"]] == [
        ("checkpoint", "420102001001C01G1"), ("checkpoint", "420102001002K01"),
        ("community", "420102001001"), ("community", "420102001002"), ("file", None)]
    for entries in by_action.values():
        assert len({r.batch_id for r in entries}) == 1 and entries[0].batch_id
        assert {r.actor for r in entries} == {"clerk-test"}
    assert by_action["import.grids"][1].after == {"code": G2, "name": "江汉第1网格", "community": "420102001002",
                                                  "households": 1935, "population": 5120,
                                                  "isolated_households": 0, "vulnerable_residents": 0}
    assert by_action["import.grids"][1].community_code == "420102001002"


def test_a_grid_member_is_placed_and_their_assignment_history_kept(district: str, tmp_path: Path) -> None:
    staff = csv(tmp_path, "网格员.csv", "编号,姓名,类别,所在社区", "S0000009,王芳,网格员,420102001001")
    run(district, "staff", staff)
    run(district, "grids", TEMPLATES / "grids.csv")
    grids = csv(tmp_path, "grids.csv", GRID_HEAD, f"{G1},大智第1网格,420102001001,1560,4320,S0000009")
    summary = run(district, "grids", grids, now=LATER)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 0)
    grid, comm = _ids(district, orm.Grid), _ids(district, orm.Community)
    person = _staff(district, "S0000009")
    assert (person.grid_id, person.community_id) == (grid[G1], comm["420102001001"])
    # moved to the other community's grid: the community follows the grid
    moved = csv(tmp_path, "moved.csv", GRID_HEAD, f"{G2},江汉第1网格,420102001002,,,S0000009")
    run(district, "grids", moved, now=LATER + dt.timedelta(hours=1))
    person = _staff(district, "S0000009")
    assert (person.grid_id, person.community_id) == (grid[G2], comm["420102001002"])
    with session_scope(district) as s:
        history = s.execute(select(orm.Assignment.community_id, orm.Assignment.grid_id, orm.Assignment.valid_from,
                                   orm.Assignment.valid_to, orm.Assignment.batch_id)
                            .where(orm.Assignment.staff_id == person.id).order_by(orm.Assignment.id)).all()
        batch = s.scalars(select(orm.AuditLog.batch_id).where(
            orm.AuditLog.entity == "staff", orm.AuditLog.entity_id == "S0000009",
            orm.AuditLog.action == "import.grids").order_by(orm.AuditLog.id)).all()
    later2 = LATER + dt.timedelta(hours=1)
    assert [tuple(h[:4]) for h in history] == [
        (comm["420102001001"], None, NOW, LATER), (comm["420102001001"], grid[G1], LATER, later2),
        (comm["420102001002"], grid[G2], later2, None)]
    assert [h[4] for h in history[1:]] == batch and len(set(batch)) == 2
    # named again for the grid they are in: nothing to do
    again = run(district, "grids", moved, now=later2 + dt.timedelta(hours=1))
    assert (again.updated, again.unchanged) == (0, 1)


def test_a_grid_may_move_to_another_community_and_the_move_is_audited(places: str, tmp_path: Path) -> None:
    path = csv(tmp_path, "g.csv", GRID_HEAD, f"{G1},大智第1网格,江汉社区,,,")
    assert run(places, "grids", path, now=LATER).updated == 1
    comm = _ids(places, orm.Community)
    with session_scope(places) as s:
        assert s.execute(select(orm.Grid.community_id).where(orm.Grid.code == G1)).scalar_one() == comm["420102001002"]
        entry = s.execute(select(orm.AuditLog).where(orm.AuditLog.entity == "grid", orm.AuditLog.entity_id == G1)
                          .order_by(orm.AuditLog.id.desc()).limit(1)).scalar_one()
    assert (entry.before, entry.after) == ({"community": "420102001001"}, {"community": "420102001002"})


@pytest.mark.parametrize(("line", "expected"), [
    (f"{G1},一,420102001001,,,S9999999", (2, "网格员", "importer.grid_member_unknown")),
    (f"{G1},一,420102001001,,,S0000001", (2, "网格员", "importer.grid_member_not_grid_member")),
])
def test_a_grid_member_must_be_a_known_grid_member(district: str, tmp_path: Path, line: str,
                                                   expected: tuple[int, str, str]) -> None:
    assert refused(district, "grids", csv(tmp_path, "g.csv", GRID_HEAD, line)) == [expected]


def test_a_person_named_for_two_grids_is_refused(district: str, tmp_path: Path) -> None:
    run(district, "staff", csv(tmp_path, "s.csv", "编号,姓名,类别,所在社区", "S0000009,王芳,网格员,420102001001"))
    path = csv(tmp_path, "g.csv", GRID_HEAD, f"{G1},一,420102001001,,,S0000009", f"{G2},二,420102001002,,,S0000009")
    assert refused(district, "grids", path) == [(3, "网格员", "importer.grid_member_twice")]


def test_compound_grids_must_exist_and_lie_in_the_compound_community(places: str, tmp_path: Path) -> None:
    path = csv(tmp_path, "c.csv", COMPOUND_HEAD, f"X1,甲,420102001001,现代,,,,{G2},,",
               "X2,乙,420102001001,商品房,,,,G404,,", "X3,丙,420102001001,别墅,,,,,,")
    with pytest.raises(ImportRefused) as err:  # the type is a cell problem, found before the database is asked
        run(places, "compounds", path)
    assert [(p.row, p.column, p.key) for p in err.value.problems] == [(4, "类型", "importer.bad_compound_kind")]
    path = csv(tmp_path, "c.csv", COMPOUND_HEAD, f"X1,甲,420102001001,现代,,,,{G2},,",
               "X2,乙,420102001001,商品房,,,,G404,,")
    assert refused(places, "compounds", path) == [(2, "所属网格", "importer.grid_other_community"),
                                                 (3, "所属网格", "importer.grid_unknown")]


def test_checkpoint_places_and_figures_are_checked(places: str, tmp_path: Path) -> None:
    path = csv(tmp_path, "k.csv", CHECKPOINT_HEAD,
               "K1,甲,,,,,,,,",
               "K2,乙,420102001001C01,420102001002,,,,,,",
               "K3,丙,C404,,,,,,,",
               "K4,丁,,420102001001,,7,21,,,",
               f"K5,戊,420102001001C01,,{G2},,,,,")
    assert refused(places, "checkpoints", path) == [
        (2, "所属社区", "importer.checkpoint_place_missing"), (3, "所属小区", "importer.compound_other_community"),
        (4, "所属小区", "importer.compound_unknown"), (5, "每日班次", "importer.out_of_range"),
        (5, "每班人数", "importer.out_of_range"), (6, "所属网格", "importer.grid_other_community")]


def _checkpoints_of(url: str, code: str, day: dt.date) -> tuple[int, list[int]]:
    with session_scope(url) as s:
        c = s.execute(select(orm.Community).where(orm.Community.code == code)).scalar_one()
        conds = s.scalars(select(orm.CommunityCondition.checkpoints).where(
            orm.CommunityCondition.community_id == c.id, orm.CommunityCondition.valid_from == day)).all()
        return c.checkpoints, list(conds)


def test_active_checkpoint_rows_become_the_community_count_with_one_condition_row_a_day(
        places: str, tmp_path: Path) -> None:
    # the communities template said 4 and 6 posts; the rows now say 1 each
    assert _checkpoints_of(places, "420102001001", NOW.date()) == (1, [1])
    assert _checkpoints_of(places, "420102001002", NOW.date()) == (1, [1])
    path = csv(tmp_path, "k.csv", CHECKPOINT_HEAD, "420102001001C01G2,大智花园西门卡点,420102001001C01,,,,,是,,",
               "420102001001K09,旧卡点,,420102001001,,,,否,,")
    first = run(places, "checkpoints", path)
    assert first.created == 2 and first.extra["communities_recounted"] == 1
    assert _checkpoints_of(places, "420102001001", NOW.date()) == (2, [2])  # same day: the row is updated
    off = csv(tmp_path, "off.csv", CHECKPOINT_HEAD, "420102001001C01G1,大智花园东门卡点,420102001001C01,,,,,否,,")
    run(places, "checkpoints", off, now=LATER)
    assert _checkpoints_of(places, "420102001001", LATER.date()) == (1, [1])
    assert _checkpoints_of(places, "420102001001", NOW.date())[1] == [2]  # the past day's row is kept
    with session_scope(places) as s:
        risk = s.execute(select(orm.CommunityCondition.risk_level, orm.CommunityCondition.isolated_households)
                         .join(orm.Community, orm.Community.id == orm.CommunityCondition.community_id)
                         .where(orm.Community.code == "420102001001",
                                orm.CommunityCondition.valid_from == LATER.date())).one()
    assert tuple(risk) == ("low", 6)  # the other conditions carried over from the community


def test_a_dry_run_counts_and_writes_nothing(district: str) -> None:
    run(district, "grids", TEMPLATES / "grids.csv")
    before = snapshot(district)
    summary = run(district, "compounds", TEMPLATES / "compounds.csv", dry_run=True)
    assert (summary.created, summary.dry_run) == (2, True)
    assert snapshot(district) == before


def test_grid_boundaries_are_stored_with_a_centre(places: str, tmp_path: Path) -> None:
    square = [[[114.2935, 30.5870], [114.2950, 30.5870], [114.2950, 30.5885], [114.2935, 30.5885],
               [114.2935, 30.5870]]]
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"网格编码": G1}, "geometry": {"type": "Polygon", "coordinates": square}},
        {"type": "Feature", "properties": {"code": "420102001002"},
         "geometry": {"type": "Polygon", "coordinates": square}}]}), encoding="utf-8")
    summary = run(places, "boundaries", path)
    assert (summary.created, summary.updated) == (2, 0)
    with session_scope(places) as s:
        g = s.execute(select(orm.Grid).where(orm.Grid.code == G1)).scalar_one()
        entry = s.execute(select(orm.AuditLog).where(orm.AuditLog.entity == "grid",
                                                     orm.AuditLog.action == "import.boundaries")).scalar_one()
    assert json.loads(g.geometry or "{}")["type"] == "Polygon"
    assert g.lon is not None and 114.2935 < g.lon < 114.2950 and 30.5870 < (g.lat or 0) < 30.5885
    assert entry.community_code == "420102001001"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "G404"}, "geometry": {"type": "Polygon", "coordinates": square}}]}),
        encoding="utf-8")
    with pytest.raises(ImportRefused) as err:
        run(places, "boundaries", path)
    assert [p.key for p in err.value.problems] == ["importer.feature_code_unknown_place"]


def test_the_cli_imports_grids_and_prints_located_chinese_problems(
        district: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", district, "import", "grids", str(TEMPLATES / "grids.csv"), "--as-system"]) == 0
    assert capsys.readouterr().out.startswith("导入完成：grids.csv 新增 2 条，更新 0 条，未变 0 条")
    bad = csv(tmp_path, "坏网格.csv", GRID_HEAD, f"{G1},一,420102001001,,,S0000001")
    before = snapshot(district)
    assert main(["--database-url", district, "import", "grids", str(bad), "--as-system"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0] == "坏网格.csv 第 2 行 「网格员」：“S0000001” 不是网格员（人员类别为“下沉干部”）"
    assert snapshot(district) == before


def test_a_clerk_of_another_street_cannot_import_places_here(district: str) -> None:
    from core.model.errors import PermissionDenied

    scoped = Actor("clerk-2", "街道录入员", frozenset({"clerk"}), streets=frozenset({"420102005"}))
    before = snapshot(district)
    with pytest.raises(PermissionDenied), unit_of_work(district) as uow:
        import_file(uow, scoped, "grids", TEMPLATES / "grids.csv", now=NOW)
    assert snapshot(district) == before
