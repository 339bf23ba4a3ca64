"""Volunteers, deployments and errands on SQLite and PostgreSQL: the demo's deployments, assigning
three people to a checkpoint task moves the checkpoint coverage, conflicts and fatigue refused or
overridden (nothing half-written), check-in/out hours, roles and scope, the errand life-cycle and
overdue errands escalated to incidents that reach the wall screen."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from core.i18n import error_text
from core.i18n.volunteers import issue_text
from core.model.actor import SYSTEM, Actor
from core.model.errors import ConcurrentChange, InvalidInput, PermissionDenied, RuleViolation
from core.model.norms import DEFAULT_NORMS
from core.services import errands, volunteer_tasks, volunteers
from core.services.gaps import load_gaps
from core.services.norms import norms_for_day, save_norms
from core.services.read_models.wall import load_wall
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import session_scope
from core.storage.repositories import tables_repo as repo
from core.storage.rows.isolation import IsolatedHousehold
from core.storage.rows.volunteers import ServiceRequest, TaskAssignment, VolunteerTask
from tests.conftest import DEMO_TODAY
from tests.db import call

COORD = Actor("coordinator", "李调度", frozenset({"coordinator"}))
CLERK = Actor("clerk", "刘录入", frozenset({"clerk"}))
ADMIN = Actor("admin", "周管理员", frozenset({"admin"}))
NOW = dt.datetime.combine(DEMO_TODAY, dt.time(9, 30))


def run(service, url: str, *args, **kwargs):  # type: ignore[no-untyped-def]
    """``service`` in a unit of work of its own, as a page or a CLI command opens one per user action."""
    with unit_of_work(url) as uow:
        return service(uow, *args, **kwargs)


def at(hour: float) -> dt.datetime:
    return dt.datetime.combine(DEMO_TODAY, dt.time()) + dt.timedelta(hours=hour)


def _count(url: str, model: type) -> int:
    with session_scope(url) as s:
        return int(s.scalar(select(func.count()).select_from(model)))


def _audit(url: str, action: str) -> pd.DataFrame:
    with session_scope(url) as s:
        return repo.frame(s, select(orm.AuditLog.actor, orm.AuditLog.entity_id, orm.AuditLog.after, orm.AuditLog.reason,
                                    orm.AuditLog.batch_id).where(orm.AuditLog.action == action).order_by(orm.AuditLog.id))


def _low_risk_community_short_of_checkpoint_shifts(url: str) -> pd.Series:
    c = call(url, load_gaps).community
    ok = c[(c["risk_level"] == "low") & (c["checkpoint_shifts"] - c["checkpoint_shifts_staffed"] >= 2)]
    return ok.sort_values("code").iloc[0]


def _checkpoint_of(url: str, community_id: int) -> int:
    with session_scope(url) as s:
        return int(s.scalar(select(func.min(orm.Checkpoint.id)).where(orm.Checkpoint.community_id == community_id)))


def _clean(url: str, task_id: int, n: int, not_deployed_today: bool = True) -> list[int]:
    """``n`` candidates with no issue at all, not on any task today (so each counts anew)."""
    cand = run(volunteer_tasks.candidates, url, task_id, personal=True)
    clean = cand[~cand["blocked"] & ~cand["warned"] & (cand["kind"] == "volunteer")]
    if not_deployed_today:
        with session_scope(url) as s:
            busy = set(repo.frame(s, select(TaskAssignment.staff_id).join(VolunteerTask, VolunteerTask.id ==
                                                                           TaskAssignment.task_id)
                                  .where(VolunteerTask.starts_at < at(24), VolunteerTask.ends_at > at(0)))["staff_id"])
        clean = clean[~clean["staff_id"].isin(busy)]
    assert len(clean) >= n
    return clean["staff_id"].astype(int).head(n).tolist()


def test_the_demo_deploys_volunteers_without_conflicts_and_counts_checkpoint_duty(demo_db: str) -> None:
    assert call(demo_db, norms_for_day, DEMO_TODAY).volunteers_count_for == ("checkpoint",)
    with session_scope(demo_db) as s:
        a = repo.frame(s, select(TaskAssignment.staff_id, VolunteerTask.starts_at, VolunteerTask.ends_at,
                                 TaskAssignment.hours, TaskAssignment.override_reason)
                       .join(VolunteerTask, VolunteerTask.id == TaskAssignment.task_id))
    pairs = a.merge(a, on="staff_id")
    overlap = (pairs["starts_at_x"] < pairs["ends_at_y"]) & (pairs["starts_at_y"] < pairs["ends_at_x"]) \
        & (pairs["starts_at_x"] != pairs["starts_at_y"])
    assert not overlap.any()
    assert a["hours"].notna().sum() > 1000 and (a["override_reason"] != "").any()
    view = run(volunteers.load_view, demo_db, personal=False, now=NOW)
    assert view.kpis["deployed_today"] > 500 and view.kpis["worn_out"] > 0 and view.kpis["unmet_seats"] > 0
    assert (view.tasks["overbooked"]).any() and view.tasks.loc[view.tasks["overbooked"], "fill"].str.match(r"\d+ / \d+").all()
    assert view.people["staff_name"].str.contains("*", regex=False).all()  # masked for this read
    g = call(demo_db, load_gaps)
    assert g.community["volunteers_deployed_counted"].sum() > 0
    q = run(errands.list_errands, demo_db, personal=True, now=NOW)
    assert q["overdue"].sum() > 0 and (q["status"] == "done").sum() > 0


def test_assigning_three_volunteers_to_a_checkpoint_task_raises_its_checkpoint_coverage(demo_db: str) -> None:
    comm = _low_risk_community_short_of_checkpoint_shifts(demo_db)
    made = run(volunteer_tasks.create_task, demo_db, COORD, type_="checkpoint", checkpoint_id=_checkpoint_of(demo_db, int(comm["community_id"])),
                                  starts_at=at(19), ends_at=at(23), needed=2)
    people = _clean(demo_db, made.id, 3)
    res = run(volunteer_tasks.assign_volunteers, demo_db, COORD, made.id, people)
    assert (res.assigned, res.total, res.fill) == (3, 3, "3 / 2")
    after = call(demo_db, load_gaps).community.set_index("community_id").loc[int(comm["community_id"])]
    assert after["available"] == comm["available"] + 3
    assert after["volunteers_deployed_counted"] == comm["volunteers_deployed_counted"] + 3
    assert after["checkpoint_shifts_staffed"] >= comm["checkpoint_shifts_staffed"] + 1
    audit = _audit(demo_db, "task.assign")
    assert len(audit) == 3 and audit["batch_id"].nunique() == 1 and set(audit["actor"]) == {"coordinator"}
    view = run(volunteers.load_view, demo_db, personal=True, now=NOW)
    assert view.tasks.set_index("code").loc[made.code, "fill"] == "3 / 2"


def test_a_clash_is_refused_whole_and_nothing_is_written(demo_db: str) -> None:
    comm = _low_risk_community_short_of_checkpoint_shifts(demo_db)
    cp = _checkpoint_of(demo_db, int(comm["community_id"]))
    first = run(volunteer_tasks.create_task, demo_db, COORD, type_="checkpoint", checkpoint_id=cp, starts_at=at(19),
                                   ends_at=at(22), needed=2)
    a, b = _clean(demo_db, first.id, 2)
    run(volunteer_tasks.assign_volunteers, demo_db, COORD, first.id, [a])
    second = run(volunteer_tasks.create_task, demo_db, COORD, type_="disinfection", community_id=int(comm["community_id"]),
                                    starts_at=at(21), ends_at=at(23), needed=2)
    n_before, audit_before = _count(demo_db, TaskAssignment), len(_audit(demo_db, "task.assign"))
    with pytest.raises(RuleViolation) as clash:
        run(volunteer_tasks.assign_volunteers, demo_db, COORD, second.id, [b, a], override_reason="就是要派")
    assert clash.value.key == "volunteer.assign_refused" and "不能派岗" in error_text(clash.value)
    assert [i.kind for i in clash.value.params["issues"]] == ["conflict"]
    assert "同一时段已有任务" in issue_text(clash.value.params["issues"][0])
    assert _count(demo_db, TaskAssignment) == n_before and len(_audit(demo_db, "task.assign")) == audit_before
    with pytest.raises(RuleViolation, match="volunteer.already_on_task"):
        run(volunteer_tasks.assign_volunteers, demo_db, COORD, first.id, [a])


def test_too_many_hours_a_day_needs_a_reason_under_warn_and_is_refused_under_refuse(demo_db: str) -> None:
    comm = _low_risk_community_short_of_checkpoint_shifts(demo_db)
    cid = int(comm["community_id"])
    day = run(volunteer_tasks.create_task, demo_db, COORD, type_="door_to_door", community_id=cid, starts_at=at(7),
                                 ends_at=at(15), needed=1)
    (who,) = _clean(demo_db, day.id, 1)
    run(volunteer_tasks.assign_volunteers, demo_db, COORD, day.id, [who])
    evening = run(volunteer_tasks.create_task, demo_db, COORD, type_="disinfection", community_id=cid, starts_at=at(15),
                                     ends_at=at(21), needed=1)
    with pytest.raises(volunteer_tasks.NeedsOverride) as err:
        run(volunteer_tasks.assign_volunteers, demo_db, COORD, evening.id, [who])
    warning = issue_text(err.value.params["issues"][0])
    assert "超过每日上限 12 小时" in warning and "14.0 小时" in warning
    res = run(volunteer_tasks.assign_volunteers, demo_db, COORD, evening.id, [who], override_reason="夜间消杀人手不足，本人同意")
    assert res.assigned == 1 and len(res.warnings) == 1
    audit = _audit(demo_db, "task.assign").iloc[-1]
    assert audit["reason"] == "夜间消杀人手不足，本人同意" and "超过每日上限" in audit["after"]["warnings"][0]
    call(demo_db, save_norms, ADMIN, {**DEFAULT_NORMS, "volunteers_count_for": ["checkpoint"], "fatigue_policy": "refuse"},
               DEMO_TODAY, "严格执行休息制度")
    late = run(volunteer_tasks.create_task, demo_db, COORD, type_="publicity", community_id=cid, starts_at=at(21),
                                  ends_at=at(23), needed=1)
    with pytest.raises(RuleViolation, match="volunteer.assign_refused") as refused:
        run(volunteer_tasks.assign_volunteers, demo_db, COORD, late.id, [who], override_reason="再加两小时")
    assert not isinstance(refused.value, volunteer_tasks.NeedsOverride)


def test_check_in_and_out_records_the_hours_served(demo_db: str) -> None:
    comm = _low_risk_community_short_of_checkpoint_shifts(demo_db)
    task = run(volunteer_tasks.create_task, demo_db, COORD, type_="elderly_care", community_id=int(comm["community_id"]),
                                  starts_at=at(13), ends_at=at(16), needed=2)
    run(volunteer_tasks.assign_volunteers, demo_db, COORD, task.id, _clean(demo_db, task.id, 2))
    with session_scope(demo_db) as s:
        ids = [int(x) for x in s.scalars(select(TaskAssignment.id).where(TaskAssignment.task_id == task.id))]
    with pytest.raises(RuleViolation, match="volunteer.not_checked_in"):
        run(volunteer_tasks.check_out, demo_db, COORD, ids, at=at(16))
    assert run(volunteer_tasks.check_in, demo_db, COORD, ids, at=at(13)) == 2
    with pytest.raises(InvalidInput, match="volunteer.check_out_before_in"):
        run(volunteer_tasks.check_out, demo_db, COORD, ids, at=at(12))
    run(volunteer_tasks.check_out, demo_db, COORD, ids, at=at(15.5))
    with session_scope(demo_db) as s:
        hours = list(s.scalars(select(TaskAssignment.hours).where(TaskAssignment.task_id == task.id)))
    assert hours == [2.5, 2.5]
    with pytest.raises(RuleViolation, match="volunteer.unassign_checked_in"):
        run(volunteer_tasks.unassign, demo_db, COORD, ids[0], "弄错了")


def test_roles_and_street_scope_are_checked_before_anything_is_written(demo_db: str) -> None:
    comm = _low_risk_community_short_of_checkpoint_shifts(demo_db)
    cid = int(comm["community_id"])
    with pytest.raises(PermissionDenied):
        run(volunteer_tasks.create_task, demo_db, CLERK, type_="publicity", community_id=cid, starts_at=at(13), ends_at=at(15),
                               needed=1)
    elsewhere = Actor("c2", "赵调度", frozenset({"coordinator"}), frozenset({"NOT-THIS-STREET"}))
    with pytest.raises(PermissionDenied, match="auth.denied.streets"):
        run(volunteer_tasks.create_task, demo_db, elsewhere, type_="publicity", community_id=cid, starts_at=at(13),
                               ends_at=at(15), needed=1)
    with pytest.raises(InvalidInput, match="volunteer.checkpoint_required"):
        run(volunteer_tasks.create_task, demo_db, COORD, type_="checkpoint", community_id=cid, starts_at=at(13), ends_at=at(15),
                               needed=1)
    assert _count(demo_db, VolunteerTask) == _count(demo_db, VolunteerTask)  # stable read
    assert len(_audit(demo_db, "task.create")) == 0


def _household(url: str) -> int:
    with session_scope(url) as s:
        return int(s.scalar(select(func.min(IsolatedHousehold.id)).where(IsolatedHousehold.status == "active")))


def test_an_errand_goes_from_new_to_done_with_versions_and_audit(demo_db: str) -> None:
    made = run(errands.create_errand, demo_db, CLERK, kind="medicine", detail="降压药两盒", household_id=_household(demo_db),
                                 now=NOW)
    assert made.deadline == NOW + dt.timedelta(hours=4)
    with pytest.raises(PermissionDenied):
        run(errands.act_on_errand, demo_db, CLERK, made.id, "assign", expected_version=1, staff_id=1)
    with session_scope(demo_db) as s:
        row = s.get(ServiceRequest, made.id)
        assert row is not None and row.resident_name and row.status == "new"
        vol = int(s.scalar(select(func.min(orm.Staff.id)).where(orm.Staff.kind == "volunteer", orm.Staff.on_duty.is_(True),
                                                                orm.Staff.community_id == row.community_id)))
        cadre = int(s.scalar(select(func.min(orm.Staff.id)).where(orm.Staff.kind == "cadre")))
    with pytest.raises(RuleViolation, match="errand.cannot_start"):
        run(errands.act_on_errand, demo_db, COORD, made.id, "start", expected_version=1)
    with pytest.raises(RuleViolation, match="errand.not_deployable"):
        run(errands.act_on_errand, demo_db, COORD, made.id, "assign", expected_version=1, staff_id=cadre)
    v = run(errands.act_on_errand, demo_db, COORD, made.id, "assign", expected_version=1, staff_id=vol)
    with pytest.raises(ConcurrentChange):
        run(errands.act_on_errand, demo_db, COORD, made.id, "start", expected_version=1)
    v = run(errands.act_on_errand, demo_db, COORD, made.id, "start", expected_version=v)
    with pytest.raises(RuleViolation, match="errand.cancel_needs_reason"):
        run(errands.act_on_errand, demo_db, COORD, made.id, "cancel", expected_version=v)
    v = run(errands.act_on_errand, demo_db, COORD, made.id, "complete", expected_version=v, note="已送达门口",
                              now=NOW + dt.timedelta(hours=1))
    q = run(errands.list_errands, demo_db, personal=False, now=NOW + dt.timedelta(hours=1)).set_index("code")
    done = q.loc[made.code]
    assert done["status"] == "done" and not done["overdue"] and done["age_h"] == 1.0
    assert "*" in str(done["resident_name"]) and "****" in str(done["phone"])
    steps = [a for a in _audit_actions(demo_db) if a.startswith("errand.")]
    assert steps == ["errand.create", "errand.assign", "errand.start", "errand.complete"]


def _audit_actions(url: str) -> list[str]:
    with session_scope(url) as s:
        return list(s.scalars(select(orm.AuditLog.action).where(orm.AuditLog.entity == "service_request")
                              .order_by(orm.AuditLog.id)))


def test_overdue_errands_become_incidents_once_and_reach_the_wall_screen(demo_db: str) -> None:
    made = run(errands.create_errand, demo_db, CLERK, kind="hospital", detail="陪同老人复诊", household_id=_household(demo_db),
                                 now=NOW)
    later = NOW + dt.timedelta(hours=3)
    late = run(errands.overdue_alert_inputs, demo_db, later)
    assert made.code in set(late["code"]) and "resident_name" not in late.columns
    first = run(errands.escalate_overdue, demo_db, SYSTEM, now=later)
    assert first.errands >= 1
    again = run(errands.escalate_overdue, demo_db, SYSTEM, now=later + dt.timedelta(minutes=5))
    assert again.errands == 0
    q = run(errands.list_errands, demo_db, personal=True, now=later).set_index("code")
    code = q.loc[made.code, "incident_code"]
    assert isinstance(code, str) and code in first.incident_codes
    with session_scope(demo_db) as s:
        inc = s.execute(select(orm.Incident).where(orm.Incident.code == code)).scalar_one()
        assert (inc.type, inc.severity, inc.status) == ("service_overdue", "high", "reported")
        deadline = inc.deadline
    wall = call(demo_db, load_wall, now=later)
    assert code in set(wall.incidents["code"])
    past_due = call(demo_db, load_wall, now=deadline + dt.timedelta(hours=1))
    assert f"incident:{code}" in set(past_due.alerts["subject"])
    with pytest.raises(PermissionDenied):
        run(errands.escalate_overdue, demo_db, CLERK, now=later)


def test_the_cli_escalates_overdue_errands_once_and_lists_tasks_and_hours_without_names(demo_db: str, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from core.cli.main import main

    later = (NOW + dt.timedelta(hours=2)).isoformat(timespec="minutes")
    assert main(["--database-url", demo_db, "errands", "escalate", "--at", later, "--format", "json",
                 "--as-system"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["escalated"] > 0 and len(first["rows"]) == first["escalated"]
    assert main(["--database-url", demo_db, "errands", "escalate", "--at", later, "--format", "json",
                 "--as-system"]) == 0
    assert json.loads(capsys.readouterr().out)["escalated"] == 0
    assert main(["--database-url", demo_db, "errands", "escalate", "--at", "昨天"]) == 2
    assert "--at" in capsys.readouterr().err
    assert main(["--database-url", demo_db, "volunteers", "hours", "--worn-out", "--format", "json"]) == 0
    worn = json.loads(capsys.readouterr().out)
    assert worn and all(r["worn_out"] for r in worn) and "staff_name" not in worn[0]
    assert main(["--database-url", demo_db, "volunteers", "tasks", "--short"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("code,type,title") and len(lines) > 1
