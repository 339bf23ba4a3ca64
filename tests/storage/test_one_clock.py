"""One clock (issue 14 point 4) on SQLite and PostgreSQL: on a machine whose zone is not the
district's (TZ=UTC, district Asia/Shanghai), at 01:30 and at 23:30 Beijing time, an import, an
incident and a move done at one instant all store times of the Beijing date, and a move ten minutes
after an import ends the imported assignment after it began (the person is counted where he went)."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core import config
from core.model.actor import Actor
from core.services import clock, incidents
from core.services import reassign as reassign_service
from core.services.importer.service import import_file
from core.services.staffing import load_state
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import migrate, session_scope

TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"
BEIJING = ZoneInfo("Asia/Shanghai")
CLERK = Actor("clerk-clock", "录入员", frozenset({"clerk"}))
COORD = Actor("coord-clock", "调度员", frozenset({"coordinator"}))
STAFF_CSV = """编号,姓名,类别,派出单位,所在社区,联系电话,居住地经度,居住地纬度,可调配,在岗,技能
C0000001,测试甲,下沉干部,江岸区财政局,420102001001,13800138001,114.2801,30.6012,是,是,驾驶
C0000002,测试乙,下沉干部,江岸区财政局,420102001001,13800138002,114.2802,30.6013,是,是,
"""


class SimulatedClock:
    """The process clock (``core.config.instant``) held at a chosen aware instant."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


@pytest.fixture
def machine_in_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's zone is UTC, the district's Asia/Shanghai (8 hours apart)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    monkeypatch.setenv("FANGXIAN_TIMEZONE", "Asia/Shanghai")
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


def _import(url: str, kind: str, path: Path, **kw: Any) -> Any:
    with unit_of_work(url) as uow:
        return import_file(uow, CLERK, kind, path, **kw)


def _move(url: str, code: str, to_code: str) -> str:
    with session_scope(url) as s:
        st = s.execute(select(orm.Staff).where(orm.Staff.code == code)).scalar_one()
        to = s.execute(select(orm.Community).where(orm.Community.code == to_code)).scalar_one()
        sid, version, to_id = int(st.id), int(st.version), int(to.id)
    with unit_of_work(url) as uow:
        return reassign_service.move_staff(uow, COORD, [sid], to_id, "调往江汉社区", override_shortage_reason="测试",
                                           expected_versions={sid: version}).batch_id


def _stored_times(url: str) -> dict[str, list[dt.datetime]]:
    """Every stored time the import, the incident and the moves wrote."""
    cols = {"assignment.valid_from": orm.Assignment.valid_from, "assignment.valid_to": orm.Assignment.valid_to,
            "duty_change.at": orm.DutyChange.at, "move_batch.created_at": orm.MoveBatch.created_at,
            "incident.reported_at": orm.Incident.reported_at, "audit_log.at": orm.AuditLog.at}
    with session_scope(url) as s:
        return {name: [v for v in s.scalars(select(col)) if v is not None] for name, col in cols.items()}


@pytest.mark.parametrize("beijing", [dt.datetime(2026, 3, 2, 1, 30), dt.datetime(2026, 3, 2, 23, 30)],
                         ids=["01:30", "23:30"])
def test_a_move_an_import_and_an_incident_land_on_the_district_day(
        empty_db: str, machine_in_utc: None, monkeypatch: pytest.MonkeyPatch, beijing: dt.datetime,
        tmp_path: Path) -> None:
    at = beijing.replace(tzinfo=BEIJING).astimezone(dt.UTC)
    sim = SimulatedClock(at)
    monkeypatch.setattr(config, "instant", sim, raising=False)  # before the fix: no such clock, the real one ran
    migrate(empty_db)
    staff = tmp_path / "staff.csv"
    staff.write_text(STAFF_CSV, encoding="utf-8")

    # one instant: two imports, an incident, a move
    _import(empty_db, "communities", TEMPLATES / "communities.csv", district_name="江岸区", district_code="420102")
    _import(empty_db, "staff", staff)
    with session_scope(empty_db) as s:
        dazhi = int(s.execute(select(orm.Community.id).where(orm.Community.code == "420102001001")).scalar_one())
    with unit_of_work(empty_db) as uow:
        rep = incidents.report_incident(uow, COORD, community_id=dazhi, type_="other", severity="medium",
                                        description="测试同一时钟")
        today = clock.reference_day(uow)
    _move(empty_db, "C0000001", "420102001002")
    times = _stored_times(empty_db)
    assert all(times[k] for k in ("assignment.valid_from", "duty_change.at", "move_batch.created_at",
                                  "incident.reported_at", "audit_log.at")), times
    days = {name: {v.date() for v in vals} for name, vals in times.items() if vals}
    assert days == {name: {beijing.date()} for name in days}, days
    assert today == beijing.date()  # "the day" of anything: the date of its stored time
    assert rep.code.startswith(f"E{beijing:%Y%m%d}-")

    # ten minutes later, the other imported cadre is moved: his imported assignment ends after it began
    sim.at = at + dt.timedelta(minutes=10)
    _move(empty_db, "C0000002", "420102001002")
    with session_scope(empty_db) as s:
        spans = s.execute(select(orm.Staff.code, orm.Assignment.valid_from, orm.Assignment.valid_to)
                          .join(orm.Staff, orm.Staff.id == orm.Assignment.staff_id)
                          .order_by(orm.Assignment.id)).all()
        jianghan = int(s.execute(select(orm.Community.id).where(orm.Community.code == "420102001002")).scalar_one())
    assert [c for c, start, end in spans if end is not None and end < start] == []
    closed = {c: (start, end) for c, start, end in spans if end is not None}
    assert closed["C0000002"] == (beijing, beijing + dt.timedelta(minutes=10))
    with unit_of_work(empty_db) as uow:
        state = load_state(uow, beijing.date())
    placed = dict(zip(state.staff["staff_id"], state.staff["community_id"], strict=True))
    with session_scope(empty_db) as s:
        ids = dict(s.execute(select(orm.Staff.code, orm.Staff.id)).all())
    assert placed[ids["C0000001"]] == placed[ids["C0000002"]] == jianghan  # counted that day, where they went
