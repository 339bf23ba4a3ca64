"""The front line (网格员, 社区工作人员) on SQLite and PostgreSQL: accounts scoped to their grids (from the
staff roster, following the person), door visits of a screening campaign that move the campaign's counts,
roster additions masked for others, follow-up calls, isolation checks raising errands and a fever incident,
every form at most once however often the phone sends it, and nothing outside the account's own grids."""

from __future__ import annotations

import datetime as dt
import uuid

import pandas as pd
import pytest
from sqlalchemy import func, select

from core.model.actor import SYSTEM, Actor
from core.model.errors import InvalidInput, PermissionDenied, RuleViolation
from core.services import front_line, screening
from core.services.identity import accounts
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import session_scope
from tests.conftest import DEMO_TODAY

NOW = dt.datetime.combine(DEMO_TODAY, dt.time(11, 0))
COORD = Actor("coordinator", "李调度", frozenset({"coordinator"}))


def run(service, url: str, *args, **kwargs):  # type: ignore[no-untyped-def]
    with unit_of_work(url) as uow:
        return service(uow, *args, **kwargs)


def cid() -> str:
    return uuid.uuid4().hex


def grid_member(url: str) -> tuple[Actor, dict]:
    """A grid member's account issued from the roster, as the sign-in resolves it, and their grid (one with
    households in isolation and a checkpoint)."""
    with session_scope(url) as s:
        row = s.execute(select(orm.Staff.id, orm.Staff.code, orm.Staff.grid_id)
                        .join(orm.IsolatedHousehold, orm.IsolatedHousehold.grid_id == orm.Staff.grid_id)
                        .join(orm.Checkpoint, orm.Checkpoint.grid_id == orm.Staff.grid_id)
                        .where(orm.Staff.kind == "grid_member", orm.IsolatedHousehold.status == "active")
                        .order_by(orm.Staff.id).limit(1)).one()
    run(accounts.add_user, url, SYSTEM, f"gm-{row.code}".lower(), "网格员甲", "front-line-1", ["grid_member"],
        staff_id=int(row.id))
    actor = run(accounts.load_actor, url, f"gm-{row.code}".lower())
    assert actor is not None
    grids = run(front_line.my_grids, url, actor)
    return actor, grids.iloc[0].to_dict()


def campaign_id(url: str) -> int:
    camps = run(screening.campaigns, url)
    return int(camps[camps["status"] == "active"]["id"].iloc[0])


def visit(url: str, actor: Actor, grid_id: int, room: str, outcome: str, client_id: str | None = None,
          **kw) -> front_line.Submitted:  # type: ignore[no-untyped-def]
    return run(front_line.record_visit, url, actor, client_id=client_id or cid(), campaign_id=campaign_id(url),
               grid_id=grid_id, building="3栋", unit="2单元", room=room, outcome=outcome, now=NOW, **kw)


def test_a_grid_member_account_reaches_its_own_grid_only(demo_db: str) -> None:
    actor, grid = grid_member(demo_db)
    assert actor.grids == frozenset({grid["code"]}) and actor.communities == frozenset({grid["community_code"]})
    assert actor.streets == frozenset({grid["street_code"]})
    assert len(run(front_line.my_grids, demo_db, actor)) == 1
    with session_scope(demo_db) as s:  # another grid of the same community
        other = s.scalar(select(orm.Grid.id).join(orm.Community).where(
            orm.Community.code == grid["community_code"], orm.Grid.code != grid["code"]).limit(1))
    assert other is not None
    with pytest.raises(PermissionDenied):
        visit(demo_db, actor, int(other), "101", "lit")


def test_the_scope_follows_the_staff_record_when_the_person_moves(demo_db: str) -> None:
    actor, grid = grid_member(demo_db)
    with session_scope(demo_db) as s:
        staff_id = s.scalar(select(orm.AppUser.staff_id).where(orm.AppUser.username == actor.username))
        new = s.execute(select(orm.Grid.id, orm.Grid.code, orm.Grid.community_id)
                        .where(orm.Grid.code != grid["code"]).order_by(orm.Grid.id.desc()).limit(1)).one()
        person = s.get(orm.Staff, staff_id)
        person.grid_id, person.community_id = new.id, new.community_id
    moved = run(accounts.load_actor, demo_db, actor.username)
    assert moved is not None and moved.grids == frozenset({new.code})


def test_a_front_line_account_needs_a_place(demo_db: str) -> None:
    with pytest.raises(InvalidInput):
        run(accounts.add_user, demo_db, SYSTEM, "nowhere", "无处", "front-line-1", ["grid_member"])
    with pytest.raises(InvalidInput):
        run(accounts.add_user, demo_db, SYSTEM, "nowhere", "无处", "front-line-1", ["grid_member"], grids=["NO-SUCH"])


def test_three_doors_move_the_campaign_and_a_resubmission_writes_nothing(demo_db: str) -> None:
    actor, grid = grid_member(demo_db)
    before = run(front_line.campaign_in_my_grids, demo_db, actor).grids.iloc[0]["visited"]
    first = cid()
    lit = visit(demo_db, actor, grid["id"], "501", "lit", client_id=first, temperature=36.5)
    again = visit(demo_db, actor, grid["id"], "501", "lit", client_id=first, temperature=36.5)
    assert not lit.repeat and again.repeat and again.ref == lit.ref
    visit(demo_db, actor, grid["id"], "502", "dark")
    visit(demo_db, actor, grid["id"], "503", "extra", person_name="赵新来", person_phone="13800001111")
    view = run(front_line.campaign_in_my_grids, demo_db, actor)
    assert view.grids.iloc[0]["visited"] == before + 3
    assert list(view.follow_up["room"]) == ["502"]
    with session_scope(demo_db) as s:
        progress = s.execute(select(func.sum(orm.ScreeningProgress.at_home), func.sum(orm.ScreeningProgress.not_home),
                                    func.sum(orm.ScreeningProgress.discrepancies))
                             .where(orm.ScreeningProgress.entered_by == actor.username)).one()
        audits = s.scalar(select(func.count()).select_from(orm.AuditLog).where(
            orm.AuditLog.action == "screening.visit", orm.AuditLog.actor == actor.username))
    assert tuple(progress) == (2, 1, 1) and audits == 3
    with pytest.raises(RuleViolation):  # the same door again, under a new form id
        visit(demo_db, actor, grid["id"], "501", "dark")
    # the person added: in full for whoever entered them, masked for another front-line account
    mine = run(front_line.roster_additions, demo_db, actor, [grid["id"]])
    assert list(mine["name"]) == ["赵新来"] and list(mine["phone"]) == ["13800001111"]
    other = Actor("gm-other", "乙", frozenset({"grid_member"}), streets=actor.streets, grids=actor.grids)
    masked = run(front_line.roster_additions, demo_db, other, [grid["id"]])
    assert "赵新来" not in set(masked["name"]) and "13800001111" not in set(masked["phone"])


def test_a_dark_door_is_followed_up_by_phone_once(demo_db: str) -> None:
    actor, grid = grid_member(demo_db)
    dark = visit(demo_db, actor, grid["id"], "601", "dark")
    view = run(front_line.campaign_in_my_grids, demo_db, actor)
    row = view.follow_up.iloc[0]
    form = cid()
    run(front_line.follow_up_visit, demo_db, actor, client_id=form, visit_id=int(dark.ref), outcome="away_reached",
        expected_version=int(row["version"]), note="在外地，电话已联系", now=NOW)
    repeat = run(front_line.follow_up_visit, demo_db, actor, client_id=form, visit_id=int(dark.ref),
                 outcome="away_reached", expected_version=int(row["version"]), now=NOW)
    assert repeat.repeat
    view = run(front_line.campaign_in_my_grids, demo_db, actor)
    assert not len(view.follow_up)
    assert view.visits.loc[view.visits["room"] == "601", "outcome"].item() == "away_reached"


def test_isolation_checks_raise_errands_and_a_fever_at_once(demo_db: str) -> None:
    actor, grid = grid_member(demo_db)
    today = run(front_line.isolation_today, demo_db, actor, [grid["id"]], now=NOW)
    assert len(today) >= 1 and set(today["grid_id"]) == {grid["id"]}
    assert not today["head_name"].isin(run(front_line.isolation_today, demo_db, COORD, [grid["id"]],
                                           now=NOW)["head_name"]).all()  # names masked for the front line
    hh = int(today["id"].iloc[0])
    checks_before = _checks(demo_db, hh)
    form = cid()
    done = run(front_line.check_household, demo_db, actor, client_id=form, household_id=hh, temperatures=[38.1],
               needs=["medicine"], now=NOW)
    assert len(done.errands) == 1 and len(done.incidents) == 1
    again = run(front_line.check_household, demo_db, actor, client_id=form, household_id=hh, temperatures=[38.1],
                needs=["medicine"], now=NOW)
    assert again.submitted.repeat and not again.errands and not again.incidents
    with session_scope(demo_db) as s:
        errands = s.execute(select(orm.ServiceRequest.kind, orm.ServiceRequest.deadline)
                            .where(orm.ServiceRequest.household_id == hh, orm.ServiceRequest.created_by == actor.username)
                            ).all()
        incident = s.execute(select(orm.Incident.type, orm.Incident.status).where(
            orm.Incident.code == done.incidents[0])).one()
    assert _checks(demo_db, hh) == checks_before + 1 and [e.kind for e in errands] == ["medicine"]
    assert errands[0].deadline == NOW + dt.timedelta(hours=4)
    assert incident.type == "fever_case"
    # another household of the grid, no fever, while the first one's fever alert exists: nothing raised
    if len(today) > 1:
        calm = run(front_line.check_household, demo_db, actor, client_id=cid(), household_id=int(today["id"].iloc[1]),
                   temperatures=[36.6], now=NOW)
        assert calm.incidents == [] and calm.errands == []
    # the household is checked now: listed after the unchecked ones
    after = run(front_line.isolation_today, demo_db, actor, [grid["id"]], now=NOW)
    assert bool(after.loc[after["id"] == hh, "checked_today"].item())


def _checks(url: str, household_id: int) -> int:
    with session_scope(url) as s:
        return int(s.scalar(select(func.count()).select_from(orm.IsolationCheck).where(
            orm.IsolationCheck.household_id == household_id, orm.IsolationCheck.day == NOW.date())) or 0)


def test_a_grid_member_cannot_check_another_grids_household(demo_db: str) -> None:
    actor, grid = grid_member(demo_db)
    with session_scope(demo_db) as s:
        hh = s.scalar(select(orm.IsolatedHousehold.id).where(
            orm.IsolatedHousehold.grid_id != grid["id"], orm.IsolatedHousehold.status == "active").limit(1))
    with pytest.raises(PermissionDenied):
        run(front_line.check_household, demo_db, actor, client_id=cid(), household_id=int(hh), temperatures=[36.6],
            now=NOW)
    assert run(front_line.isolation_today, demo_db, actor, [int(grid["id"])], now=NOW)["grid_id"].eq(grid["id"]).all()


def test_accounts_are_issued_from_the_roster_once(demo_sqlite: str) -> None:
    with session_scope(demo_sqlite) as s:  # keep the test quick: a handful of grid members on the roster
        keep = [r for r, in s.execute(select(orm.Staff.id).where(orm.Staff.kind == "grid_member")
                                      .order_by(orm.Staff.id).limit(3))]
        s.execute(orm.Staff.__table__.update().where(orm.Staff.kind == "grid_member", orm.Staff.id.not_in(keep))
                  .values(kind="community_worker", community_id=None))
        has_account = set(s.scalars(select(orm.AppUser.staff_id).where(orm.AppUser.staff_id.is_not(None))))
    issued = run(accounts.issue_front_line_accounts, demo_sqlite, SYSTEM, ["grid_member"])
    assert len(issued) == len(set(keep) - has_account) >= 2 and all(len(x["password"]) >= 8 for x in issued)
    assert run(accounts.issue_front_line_accounts, demo_sqlite, SYSTEM, ["grid_member"]) == []
    first = issued[0]
    with unit_of_work(demo_sqlite) as uow:
        attempt = accounts.authenticate(uow, first["username"], first["password"])
    actor = attempt.accepted()
    assert actor.roles == frozenset({"grid_member"}) and actor.grids is not None and len(actor.grids) == 1
    with session_scope(demo_sqlite) as s:
        audit = s.execute(select(orm.AuditLog.after).where(orm.AuditLog.action == "user.add")).all()
    assert all(first["password"] not in str(a.after) for a in audit)
    assert pd.Series([str(a.after) for a in audit]).str.contains("staff_id").all()


def test_an_errand_for_any_resident_is_taken_and_delivered_by_the_grid_member(demo_db: str) -> None:
    actor, grid = grid_member(demo_db)
    form = cid()
    made = run(front_line.new_errand, demo_db, actor, client_id=form, grid_id=int(grid["id"]), kind="bills",
               detail="代交电费 200 元", resident_name="孙大爷", phone="13900002222", address="3栋2单元501", now=NOW)
    assert run(front_line.new_errand, demo_db, actor, client_id=form, grid_id=int(grid["id"]), kind="bills",
               detail="代交电费 200 元", now=NOW).ref == made.ref  # sent twice: one errand
    mine = run(front_line.errands_in_my_grids, demo_db, actor, now=NOW)
    row = mine[mine["code"] == made.ref].iloc[0]
    assert row["status"] == "new" and "孙大爷" not in str(row["resident_name"])  # not taken yet: masked
    assert mine["grid_code"].eq(grid["code"]).all()
    run(front_line.act_on_my_errand, demo_db, actor, client_id=cid(), errand_id=int(row["id"]), action="take",
        expected_version=int(row["version"]), now=NOW)
    taken = run(front_line.errands_in_my_grids, demo_db, actor, now=NOW)
    row = taken[taken["code"] == made.ref].iloc[0]
    assert row["status"] == "assigned" and row["resident_name"] == "孙大爷" and row["phone"] == "13900002222"
    later = NOW + dt.timedelta(hours=1)
    run(front_line.act_on_my_errand, demo_db, actor, client_id=cid(), errand_id=int(row["id"]), action="deliver",
        expected_version=int(row["version"]), now=later)
    with session_scope(demo_db) as s:
        done = s.execute(select(orm.ServiceRequest.status, orm.ServiceRequest.closed_at)
                         .where(orm.ServiceRequest.code == made.ref)).one()
        actions = list(s.scalars(select(orm.AuditLog.action).where(orm.AuditLog.entity_id == made.ref)
                                 .order_by(orm.AuditLog.id)))
    assert done.status == "done" and done.closed_at == later
    assert actions == ["errand.create", "errand.assign", "errand.complete"]


def test_an_errand_of_another_grid_is_out_of_reach(demo_db: str) -> None:
    actor, grid = grid_member(demo_db)
    with session_scope(demo_db) as s:
        other = s.scalar(select(orm.Grid.id).where(orm.Grid.code != grid["code"]).limit(1))
    with pytest.raises(PermissionDenied):
        run(front_line.new_errand, demo_db, actor, client_id=cid(), grid_id=int(other), kind="medicine",
            detail="降压药", now=NOW)
    made = run(front_line.new_errand, demo_db, COORD, client_id=cid(), grid_id=int(other), kind="medicine",
               detail="降压药", now=NOW)
    with session_scope(demo_db) as s:
        row = s.execute(select(orm.ServiceRequest.id, orm.ServiceRequest.version)
                        .where(orm.ServiceRequest.code == made.ref)).one()
    assert made.ref not in set(run(front_line.errands_in_my_grids, demo_db, actor, now=NOW)["code"])
    with pytest.raises(PermissionDenied):
        run(front_line.act_on_my_errand, demo_db, actor, client_id=cid(), errand_id=int(row.id), action="take",
            expected_version=int(row.version), now=NOW)
