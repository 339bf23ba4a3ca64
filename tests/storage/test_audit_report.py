"""The audit report on real databases (SQLite and PostgreSQL): real writes read back in words (names
and codes, ids resolved, the operator's display name), one query per entity type however many rows,
and every action, entity type and field the services and the importer actually write has a name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from core.model.actor import Actor
from core.model.privacy import mask_name
from core.services import desk as desk_service
from core.services import incidents as incident_service
from core.services import norms as norm_service
from core.services.audit_report import AuditFilter, choices, entries
from core.services.importer.service import KINDS, import_file
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import get_engine, migrate, session_scope
from tests.conftest import DEMO_TODAY
from tests.db import call
from tests.storage.test_reassign import _scenario, move, undo
from tests.unit.test_audit_names import has_name

COORDINATOR = Actor("coordinator", "李调度", frozenset({"coordinator"}))  # a demo account
LEADER = Actor("leader", "王指挥长", frozenset({"leader"}))
ADMIN = Actor("admin", "周管理员", frozenset({"admin"}))
TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"


def _report(url: str, actor: Actor = LEADER, lang: str = "zh", **flt: Any) -> Any:
    with unit_of_work(url) as uow:
        return entries(uow, actor, AuditFilter(**flt), lang=lang)


def _staff(url: str, ids: list[int]) -> dict[int, tuple[str, str]]:
    with session_scope(url) as s:
        return {r.id: (r.code, r.name) for r in s.execute(select(orm.Staff.id, orm.Staff.code, orm.Staff.name)
                                                          .where(orm.Staff.id.in_(ids)))}


def _community_name(url: str, community_id: int) -> str:
    with session_scope(url) as s:
        return str(s.scalar(select(orm.Community.name).where(orm.Community.id == community_id)))


def test_a_move_and_its_undo_read_in_words(demo_db: str) -> None:
    s = _scenario(demo_db)
    ids = [int(i) for i in s["people"]["staff_id"].head(2)]
    result = move(demo_db, COORDINATOR, ids, s["worst"], "支援缺员社区")
    undo(demo_db, COORDINATOR, result.batch_id, "调错了")
    df = _report(demo_db)
    donor, worst = _community_name(demo_db, s["donor"]), _community_name(demo_db, s["worst"])
    people = _staff(demo_db, ids)
    moved = df[df["action"] == "staff.move"]
    assert set(moved["action_name"]) == {"调动人员"} and set(moved["operator"]) == {"李调度（coordinator）"}
    assert sorted(moved["object"]) == sorted(f"{mask_name(name)} {code}" for code, name in people.values())
    assert set(moved["changes"]) == {f"所在社区：{donor} → {worst}；调配方式：手动调配"}
    batch = df[df["action"] == "move.manual"].iloc[0]
    assert batch["action_name"] == "手动调配" and batch["object"].startswith("手动调配 ") and "（2 人）" in batch["object"]
    assert result.batch_id not in batch["object"] and result.batch_id not in batch["changes"]
    back = df[df["action"] == "staff.move_undo"].iloc[0]
    assert back["changes"] == f"所在社区：{worst} → {donor}；撤销的批次：{batch['object']}"
    assert set(df[df["batch_id"] == result.batch_id]["batch"]) == {batch["object"]}
    english = _report(demo_db, ADMIN, "en")
    full = english[english["action"] == "staff.move"]
    assert sorted(full["object"]) == sorted(f"{name} {code}" for code, name in people.values())
    assert set(full["changes"]) == {f"Community: {donor} → {worst}; How: manual move"}
    with unit_of_work(demo_db) as uow:
        found = choices(uow, LEADER)
    assert found["actor_names"]["coordinator"] == "李调度（coordinator）" and found["actor_names"]["system"] == "系统"


@contextmanager
def _counting(url: str) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = get_engine(url)
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_names_are_read_with_one_query_per_entity_type_not_per_row(demo_db: str) -> None:
    s = _scenario(demo_db)
    people = [int(i) for i in s["people"]["staff_id"]]
    move(demo_db, COORDINATOR, people[:1], s["worst"], "第一批")
    with _counting(demo_db) as few:
        small = _report(demo_db)
    move(demo_db, COORDINATOR, people[1:3], s["worst"], "第二批")
    with _counting(demo_db) as more:
        large = _report(demo_db)
    assert len(large) > len(small)
    # the entries, then one lookup each for accounts, batches, communities, grids and staff
    assert len(more) == len(few) <= 7, more


def test_every_action_entity_and_field_the_services_write_has_a_name(demo_db: str) -> None:
    s = _scenario(demo_db)
    result = move(demo_db, COORDINATOR, [int(s["people"]["staff_id"].iat[0])], s["worst"], "支援")
    undo(demo_db, COORDINATOR, result.batch_id, "撤回")
    with session_scope(demo_db) as ses:
        person = ses.execute(select(orm.Staff.id, orm.Staff.version).where(orm.Staff.on_duty.is_(True))
                             .order_by(orm.Staff.id).limit(1)).one()
        comm = ses.execute(select(orm.Community.id, orm.Community.version).order_by(orm.Community.id).limit(1)).one()
    call(demo_db, desk_service.set_duty, ADMIN, person.id, False, reason="sick",
         expected_return=DEMO_TODAY + dt.timedelta(days=3), note="发热", expected_version=person.version)
    call(demo_db, desk_service.set_risk_level, LEADER, comm.id, "high", DEMO_TODAY, "发现聚集性病例", comm.version)
    call(demo_db, norm_service.save_norms, ADMIN, {"grid_members_per_grid": 2}, DEMO_TODAY, "试行新标准")
    reported = call(demo_db, incident_service.report_incident, COORDINATOR, community_id=comm.id,
                    type_="fever_case", severity="high", description="发热病例")
    call(demo_db, incident_service.transition, COORDINATOR, reported.id, "triage", expected_version=1)
    _assert_named(demo_db, {"staff.move", "move.manual", "move.undo", "staff.move_undo", "staff.duty",
                            "community.risk_level", "norms.save", "incident.report", "incident.triage"})


def test_every_field_an_import_writes_has_a_name(empty_db: str) -> None:
    migrate(empty_db)
    clerk = Actor("clerk", "刘录入", frozenset({"clerk", "admin"}))
    for kind in KINDS:
        name = "boundaries.geojson" if kind == "boundaries" else f"{kind}.csv"
        with unit_of_work(empty_db) as uow:
            import_file(uow, clerk, kind, TEMPLATES / name, district_name="江岸区", district_code="420102",
                        now=dt.datetime(2026, 11, 29, 10, 0))
    _assert_named(empty_db, {f"import.{k}" for k in KINDS})
    df = _report(empty_db, ADMIN)
    community = df[(df["action"] == "import.communities") & (df["entity"] == "community")].iloc[0]
    assert community["object"].endswith(f"（{community['entity_id']}）") and "社区名称" not in community["changes"]
    assert "常住人口：" in community["changes"] and "None" not in " ".join(df["changes"])


def _assert_named(url: str, expected_actions: set[str]) -> None:
    with session_scope(url) as s:
        rows = s.execute(select(orm.AuditLog.action, orm.AuditLog.entity, orm.AuditLog.before,
                                orm.AuditLog.after)).all()
    actions = {r.action for r in rows}
    assert expected_actions <= actions
    fields = {k for r in rows for side in (r.before, r.after) if isinstance(side, dict) for k in side}
    from core.i18n import TABLES

    for lang in ("zh", "en"):
        assert sorted(a for a in actions if f"audit.action.{a}" not in TABLES[lang]) == [], lang
        assert sorted(e for e in {r.entity for r in rows} if f"audit.entity.{e}" not in TABLES[lang]) == [], lang
        assert sorted(f for f in fields if not has_name(f, lang)) == [], lang
