"""Gaps read from the database: today, past days from the dated history, and versioned norms."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from core.model.actor import Actor
from core.model.errors import InvalidInput, PermissionDenied
from core.model.norms import DEFAULT_NORMS
from core.services.gaps import gap_history, load_gaps
from core.services.norms import norm_history, norms_for_day, save_norms
from core.services.staffing import load_state
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import session_scope
from tests.conftest import DEMO_TODAY

ADMIN = Actor("admin1", "管理员甲", frozenset({"admin"}))
FUTURE = DEMO_TODAY + dt.timedelta(days=3)


def test_today_from_the_history_equals_the_current_tables(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        now = load_gaps(uow)
        today = load_gaps(uow, DEMO_TODAY)
    assert now.district["required"] == today.district["required"]
    assert now.district["available"] == today.district["available"]
    assert now.district["communities"] == 180 and now.district["short_communities"] > 0


def test_a_past_day_uses_the_history_rows_of_that_day(demo_db: str) -> None:
    with session_scope(demo_db) as s:
        person, home = s.execute(select(orm.Staff.id, orm.Staff.community_id)
                                 .where(orm.Staff.kind == "cadre", orm.Staff.on_duty.is_(True)).limit(1)).one()
        target = s.scalar(select(orm.Community.id).where(orm.Community.id != home).limit(1))
        moved_at = dt.datetime.combine(FUTURE, dt.time(12, 0))
        s.execute(update(orm.Assignment).where(orm.Assignment.staff_id == person, orm.Assignment.valid_to.is_(None))
                  .values(valid_to=moved_at))
        s.add(orm.Assignment(staff_id=person, community_id=target, valid_from=moved_at))
        s.add(orm.DutyChange(staff_id=person, at=dt.datetime.combine(FUTURE + dt.timedelta(days=1), dt.time(9)),
                           on_duty=False))
        s.add(orm.CommunityCondition(community_id=target, valid_from=FUTURE, risk_level="high", checkpoints=9,
                                   isolated_households=40, vulnerable_residents=0))
    with unit_of_work(demo_db) as uow:
        before, on, after = (load_state(uow, FUTURE + dt.timedelta(days=k)) for k in (-1, 0, 1))
    where = {st.day: st.staff.set_index("staff_id").loc[person] for st in (before, on, after)}
    assert where[before.day]["community_id"] == home and where[before.day]["on_duty"]
    assert where[on.day]["community_id"] == target and where[on.day]["on_duty"]
    assert not where[after.day]["on_duty"]
    c_on = on.communities.set_index("community_id").loc[target]
    assert (c_on["risk_level"], c_on["checkpoints"], c_on["isolated_households"]) == ("high", 9, 40)
    # the grids' isolated households are rescaled to the community's count of the day
    grids_on = on.grids[on.grids["community_id"] == target]
    assert grids_on["isolated_households"].sum() == 40
    with unit_of_work(demo_db) as uow:
        g_before = load_gaps(uow, FUTURE - dt.timedelta(days=1)).community.set_index("community_id")
        g_on = load_gaps(uow, FUTURE).community.set_index("community_id")
    assert g_on.loc[target, "available"] == g_before.loc[target, "available"] + 1
    assert g_on.loc[home, "available"] == g_before.loc[home, "available"] - 1
    assert g_on.loc[target, "required"] > g_before.loc[target, "required"]


def test_a_past_day_is_computed_with_the_norms_in_force_that_day(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        vid = save_norms(uow, ADMIN, {**DEFAULT_NORMS, "base_per_10k_residents": 30.0}, FUTURE, "高峰期提高基数")
    assert vid > 0
    with unit_of_work(demo_db) as uow:
        assert norms_for_day(uow, FUTURE - dt.timedelta(days=1)).base_per_10k_residents == 18.0
        assert norms_for_day(uow, FUTURE).base_per_10k_residents == 30.0
        before = load_gaps(uow, FUTURE - dt.timedelta(days=1))
        on = load_gaps(uow, FUTURE)
    assert on.norms.base_per_10k_residents == 30.0 and before.norms.base_per_10k_residents == 18.0
    assert (on.community["required"] >= before.community["required"]).all()
    assert on.district["required"] > before.district["required"]
    assert on.district["available"] == before.district["available"]


def test_gap_history_gives_one_row_a_day_ending_today(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        totals, per_comm = gap_history(uow, days=14)
        now = load_gaps(uow)
    assert list(totals["day"]) == [DEMO_TODAY - dt.timedelta(days=k) for k in range(13, -1, -1)]
    assert totals["required"].iat[-1] == now.district["required"]
    assert totals["available"].iat[-1] == now.district["available"]
    # isolation grows over the fortnight in the demo, so need grows too
    assert totals["required"].iat[-1] > totals["required"].iat[0]
    assert len(per_comm) == 14 * 180
    assert per_comm.groupby("day")["required"].sum().tolist() == totals["required"].tolist()


def test_saving_norms_adds_a_version_and_an_audit_entry_and_never_edits_old_ones(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        first = norm_history(uow)
    assert len(first) == 1
    with unit_of_work(demo_db) as uow:
        save_norms(uow, ADMIN, {**DEFAULT_NORMS, "people_per_checkpoint_shift": 3.0}, DEMO_TODAY, "卡点加强值守")
    with unit_of_work(demo_db) as uow:
        hist = norm_history(uow)
    assert len(hist) == 2
    assert hist["author"].iat[0] == "admin1" and hist["reason"].iat[0] == "卡点加强值守"
    assert dict(hist["params"].iat[1]) == dict(first["params"].iat[0])
    with session_scope(demo_db) as s:
        entry = s.execute(select(orm.AuditLog).where(orm.AuditLog.action == "norms.save")).scalar_one()
        assert entry.actor == "admin1" and entry.reason == "卡点加强值守"
        assert entry.before and entry.before["people_per_checkpoint_shift"] == 2.0
        assert entry.after and entry.after["people_per_checkpoint_shift"] == 3.0


@pytest.mark.parametrize(
    ("actor", "params", "reason", "error"),
    [
        (Actor("c1", "调度员乙", frozenset({"coordinator"})), DEFAULT_NORMS, "试试", PermissionDenied),
        (ADMIN, {**DEFAULT_NORMS, "checkpoint_shifts_per_day": 0}, "写错了", InvalidInput),
        (ADMIN, DEFAULT_NORMS, "  ", InvalidInput),
    ],
)
def test_saving_norms_is_refused_without_the_role_valid_terms_or_a_reason(demo_db, actor, params, reason,
                                                                          error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error), unit_of_work(demo_db) as uow:
        save_norms(uow, actor, params, DEMO_TODAY, reason)
    with session_scope(demo_db) as s:
        assert s.scalar(select(func.count()).select_from(orm.NormVersion)) == 1
        assert s.scalar(select(func.count()).select_from(orm.AuditLog).where(orm.AuditLog.action == "norms.save")) == 0
