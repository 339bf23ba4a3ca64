"""Desk edits on real databases (SQLite and PostgreSQL): risk level today, back-dated and scheduled
(coming due when the reference day reaches it), on/off duty, the grid member of a grid, closing and
reopening a screening campaign; each edit's audit entry, its reversal, role and scope refusals and
the optimistic lock. The imported district (no demo) is filled through the importer as a clerk would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select

from core.model.actor import Actor
from core.model.errors import (
    ConcurrentChange,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from core.services import clock
from core.services import desk as desk_service
from core.services import isolation as isolation_service
from core.services import screening as screening_service
from core.services.gaps import load_gaps
from core.services.importer.service import import_file
from core.services.staffing import load_state
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import migrate, session_scope
from core.storage.rows.screening import ScreeningCampaign
from tests.conftest import DEMO_TODAY
from tests.db import call

LEADER = Actor("leader-t", "指挥长", frozenset({"leader"}))
ADMIN = Actor("admin-t", "管理员", frozenset({"admin"}))
CLERK = Actor("clerk-t", "录入员", frozenset({"clerk"}))
COORD = Actor("coord-t", "调度员", frozenset({"coordinator"}))
ELSEWHERE = frozenset({"999999999"})
TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"
TODAY = dt.date(2026, 12, 1)  # the imported district's "today" (the wall clock, pinned)
STAFF = ("编号,姓名,类别,所在社区,可调配,在岗\n"
         "G1,网格员甲,网格员,420102001001,否,是\nG2,网格员乙,网格员,420102001001,否,是\n"
         "C1,下沉干部丙,下沉干部,420102001002,是,是\n")


def audit(url: str, action: str) -> list[orm.AuditLog]:
    with session_scope(url) as s:
        rows = s.scalars(select(orm.AuditLog).where(orm.AuditLog.action == action).order_by(orm.AuditLog.id)).all()
        s.expunge_all()
        return list(rows)


def community(url: str, code: str) -> dict[str, Any]:
    with session_scope(url) as s:
        c = s.execute(select(orm.Community).where(orm.Community.code == code)).scalar_one()
        return {"id": c.id, "risk_level": c.risk_level, "version": c.version}


def conditions(url: str, community_id: int) -> dict[dt.date, str]:
    with session_scope(url) as s:
        rows = s.execute(select(orm.CommunityCondition.valid_from, orm.CommunityCondition.risk_level)
                         .where(orm.CommunityCondition.community_id == community_id)).all()
        return {r[0]: r[1] for r in rows}


def level_on(url: str, community_id: int, day: dt.date | None = None) -> str:
    with unit_of_work(url) as uow:
        c = load_state(uow, day).communities.set_index("community_id")
        return str(c.loc[community_id, "risk_level"])


def set_demo_day(url: str, day: dt.date) -> None:
    with unit_of_work(url) as uow:
        uow.meta.set("demo_today", day.isoformat())


def low_community(url: str) -> dict[str, Any]:
    with session_scope(url) as s:
        c = s.execute(select(orm.Community).where(orm.Community.risk_level == "low").order_by(orm.Community.id)
                      .limit(1)).scalar_one()
        return {"id": c.id, "code": c.code, "version": c.version}


@pytest.fixture
def district(empty_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A district from its own files (communities, grids and a roster with grid members), on a pinned day."""
    monkeypatch.setattr(clock, "wall_now", lambda: dt.datetime.combine(TODAY, dt.time(9, 30)))
    migrate(empty_db)
    (tmp_path / "staff.csv").write_text(STAFF, encoding="utf-8")
    now = dt.datetime(2026, 11, 29, 10, 0)
    for kind, path in [("communities", TEMPLATES / "communities.csv"), ("grids", TEMPLATES / "grids.csv"),
                       ("staff", tmp_path / "staff.csv")]:
        with unit_of_work(empty_db) as uow:
            import_file(uow, ADMIN, kind, path, now=now, district_name="江岸区", district_code="420102")
    return empty_db


# --- risk level ----------------------------------------------------------------------------------


def test_a_risk_change_today_is_audited_and_todays_figures_follow(demo_db: str) -> None:
    c = low_community(demo_db)
    before = call(demo_db, load_gaps).community.set_index("community_id").loc[c["id"], "required"]
    res = call(demo_db, desk_service.set_risk_level, LEADER, c["id"], "high", DEMO_TODAY, "发现聚集性病例", c["version"])
    assert (res.kind, res.in_force_today) == ("today", True)
    now = community(demo_db, c["code"])
    assert now["risk_level"] == "high" and now["version"] > c["version"]
    assert conditions(demo_db, c["id"])[DEMO_TODAY] == "high"
    assert call(demo_db, load_gaps).community.set_index("community_id").loc[c["id"], "required"] > before
    [entry] = audit(demo_db, "community.risk_level")
    assert (entry.actor, entry.entity_id, entry.reason) == ("leader-t", c["code"], "发现聚集性病例")
    assert entry.before["risk_level"] == "low" and entry.after["risk_level"] == "high"
    # reversible: a later edit puts the old level back
    call(demo_db, desk_service.set_risk_level, LEADER, c["id"], "low", DEMO_TODAY, "误报，恢复", None)
    assert community(demo_db, c["code"])["risk_level"] == "low"


def test_a_stale_version_an_unknown_level_and_no_reason_are_refused_and_nothing_changes(demo_db: str) -> None:
    c = low_community(demo_db)
    with pytest.raises(ConcurrentChange):
        call(demo_db, desk_service.set_risk_level, ADMIN, c["id"], "high", DEMO_TODAY, "r", c["version"] - 1)
    with pytest.raises(InvalidInput):
        call(demo_db, desk_service.set_risk_level, ADMIN, c["id"], "severe", DEMO_TODAY, "r", None)
    with pytest.raises(InvalidInput):
        call(demo_db, desk_service.set_risk_level, ADMIN, c["id"], "high", DEMO_TODAY, "  ", None)
    with pytest.raises(RuleViolation):
        call(demo_db, desk_service.set_risk_level, ADMIN, c["id"], "low", DEMO_TODAY, "r", None)
    assert community(demo_db, c["code"]) == {"id": c["id"], "risk_level": "low", "version": c["version"]}
    assert audit(demo_db, "community.risk_level") == []


def test_the_role_and_the_street_scope_are_checked_in_core(demo_db: str) -> None:
    c = low_community(demo_db)
    with pytest.raises(PermissionDenied):
        call(demo_db, desk_service.set_risk_level, COORD, c["id"], "high", DEMO_TODAY, "r", None)
    scoped = Actor("l2", "l2", frozenset({"leader"}), streets=ELSEWHERE)
    with pytest.raises(PermissionDenied) as exc:
        call(demo_db, desk_service.set_risk_level, scoped, c["id"], "high", DEMO_TODAY, "r", None)
    assert exc.value.key == "auth.denied.streets"
    assert community(demo_db, c["code"])["risk_level"] == "low"


def test_a_scheduled_change_takes_effect_when_the_reference_day_reaches_it(demo_db: str) -> None:
    c = low_community(demo_db)
    due = DEMO_TODAY + dt.timedelta(days=2)
    required = call(demo_db, load_gaps).community.set_index("community_id").loc[c["id"], "required"]
    res = call(demo_db, desk_service.set_risk_level, LEADER, c["id"], "high", due, "明日起升级管控", None)
    assert (res.kind, res.in_force_today) == ("scheduled", False)
    assert community(demo_db, c["code"])["risk_level"] == "low" and level_on(demo_db, c["id"]) == "low"
    sched = call(demo_db, desk_service.scheduled_risk_changes)
    assert list(sched[["code", "risk_level", "previous"]].itertuples(index=False, name=None)) == [(c["code"], "high", "low")]
    set_demo_day(demo_db, due - dt.timedelta(days=1))
    assert level_on(demo_db, c["id"]) == "low"
    set_demo_day(demo_db, due)  # nobody presses anything: the next read of the state applies it
    assert level_on(demo_db, c["id"]) == "high"
    assert community(demo_db, c["code"])["risk_level"] == "high"
    assert call(demo_db, load_gaps).community.set_index("community_id").loc[c["id"], "required"] > required
    [entry] = audit(demo_db, "community.risk_due")
    assert (entry.actor, entry.entity_id, entry.after["risk_level"]) == ("system", c["code"], "high")
    with unit_of_work(demo_db) as uow:
        assert uow.meta.get(desk_service.DUE_KEY) is None
    assert level_on(demo_db, c["id"]) == "high" and len(audit(demo_db, "community.risk_due")) == 1  # once


def test_cancelling_a_scheduled_change_deletes_its_row_and_a_change_in_force_cannot_be_cancelled(demo_db: str) -> None:
    c = low_community(demo_db)
    due = DEMO_TODAY + dt.timedelta(days=3)
    call(demo_db, desk_service.set_risk_level, LEADER, c["id"], "medium", due, "预定", None)
    v = community(demo_db, c["code"])["version"]
    with pytest.raises(RuleViolation):
        call(demo_db, desk_service.cancel_risk_change, LEADER, c["id"], DEMO_TODAY, "r")
    with pytest.raises(NotFound):
        call(demo_db, desk_service.cancel_risk_change, LEADER, c["id"], due + dt.timedelta(days=1), "r")
    call(demo_db, desk_service.cancel_risk_change, LEADER, c["id"], due, "计划取消", v)
    assert due not in conditions(demo_db, c["id"])
    assert call(demo_db, desk_service.scheduled_risk_changes).empty
    [entry] = audit(demo_db, "community.risk_cancel")
    assert entry.before == {"risk_level": "medium", "effective": due.isoformat()} and entry.reason == "计划取消"
    set_demo_day(demo_db, due)
    assert level_on(demo_db, c["id"]) == "low"


def test_a_backdated_change_shows_in_past_days_from_its_day_and_keeps_a_later_row(district: str) -> None:
    c = community(district, "420102001001")  # imported low on 11-29
    import_day = dt.date(2026, 11, 29)
    res = call(district, desk_service.set_risk_level, ADMIN, c["id"], "medium", dt.date(2026, 11, 27), "补录", None)
    assert (res.kind, res.in_force_today) == ("backdated", False)
    assert conditions(district, c["id"]) == {dt.date(2026, 11, 27): "medium", import_day: "low"}
    assert level_on(district, c["id"], dt.date(2026, 11, 27)) == "medium"
    assert level_on(district, c["id"], dt.date(2026, 11, 28)) == "medium"
    assert level_on(district, c["id"], import_day) == "low"  # the later row is kept
    assert community(district, "420102001001")["risk_level"] == "low"
    res = call(district, desk_service.set_risk_level, ADMIN, c["id"], "high", dt.date(2026, 11, 30), "补录", None)
    assert res.in_force_today
    assert level_on(district, c["id"], dt.date(2026, 11, 30)) == "high" and level_on(district, c["id"]) == "high"
    assert community(district, "420102001001")["risk_level"] == "high"


# --- on / off duty -------------------------------------------------------------------------------


def staff(url: str, code: str) -> dict[str, Any]:
    with session_scope(url) as s:
        p = s.execute(select(orm.Staff).where(orm.Staff.code == code)).scalar_one()
        return {"id": p.id, "on_duty": p.on_duty, "version": p.version, "grid_id": p.grid_id,
                "community_id": p.community_id}


def test_off_and_back_on_duty_with_reason_expected_return_and_the_overdue_flag(
        district: str, monkeypatch: pytest.MonkeyPatch) -> None:
    p = staff(district, "C1")
    back = TODAY + dt.timedelta(days=2)
    call(district, desk_service.set_duty, CLERK, p["id"], False, reason="sick", expected_return=back, note="发热",
         expected_version=p["version"])
    assert staff(district, "C1")["on_duty"] is False
    with session_scope(district) as s:
        last = s.execute(select(orm.DutyChange).where(orm.DutyChange.staff_id == p["id"])
                         .order_by(orm.DutyChange.id.desc()).limit(1)).scalar_one()
        assert (last.on_duty, last.reason, last.expected_return) == (False, "sick", back)
    [entry] = audit(district, "staff.duty")
    assert entry.before == {"on_duty": True} and entry.after["reason"] == "sick" and entry.reason == "sick 发热"
    off = call(district, desk_service.off_duty_list)
    assert list(off[["code", "reason", "overdue"]].itertuples(index=False, name=None)) == [("C1", "sick", False)]
    assert call(district, gaps_available, p["community_id"]) == 0
    later = dt.datetime.combine(back + dt.timedelta(days=1), dt.time(8))
    monkeypatch.setattr(clock, "wall_now", lambda: later)
    assert bool(call(district, desk_service.off_duty_list)["overdue"].iat[0]) is True
    with pytest.raises(ConcurrentChange):
        call(district, desk_service.set_duty, CLERK, p["id"], True, reason="病愈", expected_version=p["version"])
    call(district, desk_service.set_duty, CLERK, p["id"], True, reason="病愈返岗", expected_version=None)
    assert staff(district, "C1")["on_duty"] is True and call(district, desk_service.off_duty_list).empty
    with pytest.raises(RuleViolation):
        call(district, desk_service.set_duty, CLERK, p["id"], True, reason="again", expected_version=None)


def gaps_available(uow: Any, community_id: int) -> int:
    return int(load_gaps(uow).community.set_index("community_id").loc[community_id, "available"])


def test_duty_refuses_a_bad_reason_a_past_return_another_street_and_a_leader(district: str) -> None:
    p = staff(district, "C1")
    with pytest.raises(InvalidInput):
        call(district, desk_service.set_duty, CLERK, p["id"], False, reason="holiday", expected_version=None)
    with pytest.raises(InvalidInput):
        call(district, desk_service.set_duty, CLERK, p["id"], False, reason="rest",
             expected_return=TODAY - dt.timedelta(days=1), expected_version=None)
    with pytest.raises(PermissionDenied):
        call(district, desk_service.set_duty, Actor("c", "c", frozenset({"clerk"}), streets=ELSEWHERE), p["id"], False,
             reason="rest", expected_version=None)
    with pytest.raises(PermissionDenied):
        call(district, desk_service.set_duty, LEADER, p["id"], False, reason="rest", expected_version=None)
    assert staff(district, "C1")["on_duty"] is True and audit(district, "staff.duty") == []


# --- grid member ---------------------------------------------------------------------------------


def open_assignment(url: str, staff_id: int) -> tuple[int, int | None]:
    with session_scope(url) as s:
        a = s.execute(select(orm.Assignment).where(orm.Assignment.staff_id == staff_id,
                                                   orm.Assignment.valid_to.is_(None))).scalar_one()
        return a.community_id, a.grid_id


def test_a_grid_gets_a_grid_member_the_previous_one_is_cleared_and_it_can_be_put_back(district: str) -> None:
    grids = call(district, desk_service.grid_desk).set_index("code")
    gid = int(grids.loc["42010200100101", "grid_id"])
    g1, g2 = staff(district, "G1"), staff(district, "G2")
    call(district, desk_service.assign_grid_member, COORD, gid, g1["id"], "新任网格员")
    assert staff(district, "G1")["grid_id"] == gid and open_assignment(district, g1["id"]) == (g1["community_id"], gid)
    call(district, desk_service.assign_grid_member, CLERK, gid, g2["id"], "G1 病休，G2 接替")
    assert staff(district, "G1")["grid_id"] is None and open_assignment(district, g1["id"])[1] is None
    assert staff(district, "G2")["grid_id"] == gid
    entries = audit(district, "grid.member")
    assert [e.before["staff"] for e in entries] == [[], ["G1"]] and entries[-1].after == {"staff": "G2"}
    assert entries[-1].reason == "G1 病休，G2 接替"
    assert call(district, desk_service.grid_desk).set_index("code").loc["42010200100101", "member_code"] == "G2"
    call(district, desk_service.assign_grid_member, CLERK, gid, g1["id"], "G1 返岗")  # the reversal
    assert staff(district, "G1")["grid_id"] == gid and staff(district, "G2")["grid_id"] is None
    call(district, desk_service.assign_grid_member, CLERK, gid, None, "网格撤并")
    assert staff(district, "G1")["grid_id"] is None
    assert pd.isna(call(district, desk_service.grid_desk).set_index("code").loc["42010200100101", "member_code"])


def test_only_a_grid_member_in_scope_can_take_a_grid(district: str) -> None:
    gid = int(call(district, desk_service.grid_desk)["grid_id"].iat[0])
    with pytest.raises(RuleViolation) as exc:
        call(district, desk_service.assign_grid_member, COORD, gid, staff(district, "C1")["id"], "r")
    assert exc.value.key == "desk.not_grid_member"
    with pytest.raises(PermissionDenied):
        call(district, desk_service.assign_grid_member, Actor("c", "c", frozenset({"coordinator"}), streets=ELSEWHERE),
             gid, staff(district, "G1")["id"], "r")
    with pytest.raises(PermissionDenied):
        call(district, desk_service.assign_grid_member, LEADER, gid, staff(district, "G1")["id"], "r")
    with pytest.raises(RuleViolation):
        call(district, desk_service.assign_grid_member, COORD, gid, None, "r")  # no member to clear
    assert audit(district, "grid.member") == []


# --- screening campaigns and isolation on an imported district -----------------------------------


def test_a_campaign_is_started_closed_and_reopened_with_audit(district: str) -> None:
    start = dt.datetime.combine(TODAY, dt.time(8))
    cid = call(district, screening_service.create_campaign, COORD, "全区排查", start, start + dt.timedelta(days=3))
    call(district, screening_service.close_campaign, COORD, cid, "提前完成")
    with session_scope(district) as s:
        assert s.get(ScreeningCampaign, cid).status == "closed"  # type: ignore[union-attr]
    with pytest.raises(RuleViolation):
        call(district, screening_service.close_campaign, COORD, cid, "again")
    with pytest.raises(InvalidInput):
        call(district, screening_service.reopen_campaign, COORD, cid, " ")
    with pytest.raises(PermissionDenied):
        call(district, screening_service.reopen_campaign, Actor("c", "c", frozenset({"coordinator"}), streets=ELSEWHERE),
             cid, "r")
    call(district, screening_service.reopen_campaign, ADMIN, cid, "仍有未访户")
    with session_scope(district) as s:
        assert s.get(ScreeningCampaign, cid).status == "active"  # type: ignore[union-attr]
    assert [e.after["status"] for e in audit(district, "screening.close") + audit(district, "screening.reopen")] == \
        ["closed", "active"]


def test_isolation_households_register_and_end_on_an_imported_district(district: str) -> None:
    c = community(district, "420102001001")
    code = call(district, isolation_service.add_household, CLERK, community_id=c["id"], grid_id=None, address="1栋1单元101",
                head_name="王某", phone=None, members=2, start_date=TODAY, planned_end=TODAY + dt.timedelta(days=14))
    with session_scope(district) as s:
        h = s.execute(select(orm.IsolatedHousehold).where(orm.IsolatedHousehold.code == code)).scalar_one()
        hid, ver = h.id, h.version
        assert s.get(orm.Community, c["id"]).isolated_households == 1  # type: ignore[union-attr]
    call(district, isolation_service.end_household, CLERK, hid, expected_version=ver, reason="期满")
    with session_scope(district) as s:
        assert s.get(orm.Community, c["id"]).isolated_households == 0  # type: ignore[union-attr]
