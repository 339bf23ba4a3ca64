"""Incidents, home isolation and screening on SQLite and PostgreSQL: every transition with its event and
audit entry, refused steps that change nothing, scope, optimistic locking, automatic isolation incidents
(idempotent), counts kept in step with the gap engine, screening progress, and the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from sqlalchemy import func, select

from core.cli.main import main
from core.i18n import error_text
from core.model.actor import SYSTEM, Actor
from core.model.errors import ConcurrentChange, InvalidInput, PermissionDenied, RuleViolation
from core.services import incidents, isolation, screening, screening_helpers
from core.services.gaps import load_gaps
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import session_scope
from core.storage.repositories import tables_repo as repo
from core.storage.rows.isolation import IsolatedHousehold
from tests.conftest import DEMO_TODAY
from tests.db import call

COORD = Actor("coordinator", "李调度", frozenset({"coordinator"}))
CLERK = Actor("clerk", "刘录入", frozenset({"clerk"}))
LEADER = Actor("leader", "王指挥长", frozenset({"leader"}))
ADMIN = Actor("admin", "周管理员", frozenset({"admin"}))
NOW = dt.datetime.combine(DEMO_TODAY, dt.time(11, 0))


def run(service, url: str, *args, **kwargs):  # type: ignore[no-untyped-def]
    """``service`` in a unit of work of its own, as a page or a CLI command opens one per user action."""
    with unit_of_work(url) as uow:
        return service(uow, *args, **kwargs)


def _audit(url: str, prefix: str) -> pd.DataFrame:
    with session_scope(url) as s:
        return repo.frame(s, select(orm.AuditLog.action, orm.AuditLog.entity_id, orm.AuditLog.before, orm.AuditLog.after,
                                    orm.AuditLog.batch_id).where(orm.AuditLog.action.like(f"{prefix}%"))
                          .order_by(orm.AuditLog.id))


def _first_community(url: str, street_index: int = 0) -> dict:
    with session_scope(url) as s:
        comms = repo.communities(s)
    street = sorted(comms["street_code"].unique())[street_index]
    return comms[comms["street_code"] == street].iloc[0].to_dict()


def _on_duty_person(url: str, community_id: int) -> int:
    return int(run(incidents.dispatch_options, url, community_id)["id"].iat[0])


def _row(url: str, incident_id: int) -> pd.Series:
    df = run(incidents.list_incidents, url, now=NOW)
    return df.set_index("id").loc[incident_id]


def test_an_incident_walks_its_whole_life_cycle_with_an_event_and_an_audit_entry_per_step(demo_db) -> None:  # type: ignore[no-untyped-def]
    c = _first_community(demo_db)
    rep = run(incidents.report_incident, demo_db, CLERK, community_id=int(c["id"]), type_="checkpoint_conflict",
                                    severity="low", description="卡点有居民强行外出", place="幸福里东门卡点",
                                    now=NOW)
    assert rep.deadline == NOW + dt.timedelta(hours=48)
    v = 1
    v = run(incidents.transition, demo_db, COORD, rep.id, "triage", expected_version=v, severity="high",
                             note="研判为严重", now=NOW + dt.timedelta(minutes=5))
    assert _row(demo_db, rep.id)["deadline"] == NOW + dt.timedelta(hours=8)  # recomputed from the report time
    person = _on_duty_person(demo_db, int(c["id"]))
    v = run(incidents.transition, demo_db, COORD, rep.id, "dispatch", expected_version=v, assignee_staff_id=person,
                             assignee_team="东门处置组", now=NOW + dt.timedelta(minutes=10))
    v = run(incidents.transition, demo_db, COORD, rep.id, "start", expected_version=v, now=NOW + dt.timedelta(minutes=20))
    v = run(incidents.transition, demo_db, COORD, rep.id, "resolve", expected_version=v, note="已劝返",
                             now=NOW + dt.timedelta(hours=1))
    row = _row(demo_db, rep.id)
    assert row["status"] == "resolved" and row["resolved_at"] == NOW + dt.timedelta(hours=1)
    assert row["assignee_staff_id"] == person and "东门处置组" in row["assignee"] and not row["open"]
    v = run(incidents.transition, demo_db, ADMIN, rep.id, "close", expected_version=v, now=NOW + dt.timedelta(hours=2))
    assert v == 6 and _row(demo_db, rep.id)["status"] == "closed"
    hist = run(incidents.incident_history, demo_db, rep.id)
    assert hist["action"].tolist() == ["report", "triage", "dispatch", "start", "resolve", "close"]
    assert hist["to_status"].tolist() == ["reported", "triaged", "dispatched", "in_progress", "resolved", "closed"]
    audit = _audit(demo_db, "incident.")
    mine = audit[audit["entity_id"] == rep.code]
    assert mine["action"].tolist() == ["incident.report", "incident.triage", "incident.dispatch", "incident.start",
                                       "incident.resolve", "incident.close"]
    assert mine["batch_id"].nunique() == 6
    assert mine.iloc[1]["before"]["severity"] == "low" and mine.iloc[1]["after"]["severity"] == "high"


def test_refused_steps_change_nothing_and_say_why(demo_db) -> None:  # type: ignore[no-untyped-def]
    c = _first_community(demo_db)
    rep = run(incidents.report_incident, demo_db, COORD, community_id=int(c["id"]), type_="other", severity="medium",
                                    description="测试", now=NOW)
    before = len(_audit(demo_db, "incident."))
    with pytest.raises(RuleViolation) as refused:
        run(incidents.transition, demo_db, COORD, rep.id, "close", expected_version=1)
    assert refused.value.key == "incident.cannot_close" and refused.value.params["status"] == "reported"
    assert error_text(refused.value) == "事件当前状态下不能办结"
    with pytest.raises(RuleViolation) as no_one:
        run(incidents.transition, demo_db, COORD, rep.id, "dispatch", expected_version=1)
    assert no_one.value.key == "incident.dispatch_needs_assignee" and "派单需要指定" in error_text(no_one.value)
    run(incidents.transition, demo_db, COORD, rep.id, "dispatch", expected_version=1, assignee_team="应急小组")
    run(incidents.transition, demo_db, COORD, rep.id, "start", expected_version=2)
    with pytest.raises(RuleViolation, match="incident.resolve_needs_note"):
        run(incidents.transition, demo_db, COORD, rep.id, "resolve", expected_version=3)
    with pytest.raises(ConcurrentChange):
        run(incidents.transition, demo_db, COORD, rep.id, "resolve", expected_version=2, note="旧页面")
    row = _row(demo_db, rep.id)
    assert row["status"] == "in_progress" and row["version"] == 3
    assert len(_audit(demo_db, "incident.")) == before + 2
    with pytest.raises(InvalidInput):
        run(incidents.report_incident, demo_db, COORD, community_id=int(c["id"]), type_="other", severity="medium",
                                  description="   ")


def test_roles_and_street_scope_are_enforced_on_reports_and_transitions(demo_db) -> None:  # type: ignore[no-untyped-def]
    inside, outside = _first_community(demo_db, 0), _first_community(demo_db, 5)
    with session_scope(demo_db) as s:
        streets = sorted(repo.communities(s)["street_code"].unique())
    scoped = Actor("coordinator2", "赵调度", frozenset({"coordinator"}), frozenset(streets[:2]))
    rep = run(incidents.report_incident, demo_db, LEADER, community_id=int(outside["id"]), type_="other",
                                    severity="low", description="指挥长上报", now=NOW)
    with pytest.raises(PermissionDenied):
        run(incidents.transition, demo_db, CLERK, rep.id, "triage", expected_version=1)
    with pytest.raises(PermissionDenied):
        run(incidents.transition, demo_db, LEADER, rep.id, "triage", expected_version=1)
    with pytest.raises(PermissionDenied, match="auth.denied.streets"):
        run(incidents.transition, demo_db, scoped, rep.id, "triage", expected_version=1)
    with pytest.raises(PermissionDenied, match="auth.denied.streets"):
        run(incidents.report_incident, demo_db, scoped, community_id=int(outside["id"]), type_="other", severity="low",
                                  description="越权")
    ok = run(incidents.report_incident, demo_db, scoped, community_id=int(inside["id"]), type_="other", severity="low",
                                   description="辖区内")
    assert run(incidents.transition, demo_db, scoped, ok.id, "triage", expected_version=1) == 2


def test_an_admin_deadline_rule_applies_to_new_reports_only(demo_db) -> None:  # type: ignore[no-untyped-def]
    c = _first_community(demo_db)
    old = run(incidents.report_incident, demo_db, COORD, community_id=int(c["id"]), type_="supplies_short",
                                    severity="medium", description="口罩不足", now=NOW)
    with pytest.raises(PermissionDenied):
        run(incidents.set_deadline_rule, demo_db, COORD, "supplies_short", "medium", 6)
    run(incidents.set_deadline_rule, demo_db, ADMIN, "supplies_short", "medium", 6, reason="物资要快")
    new = run(incidents.report_incident, demo_db, COORD, community_id=int(c["id"]), type_="supplies_short",
                                    severity="medium", description="酒精不足", now=NOW)
    assert old.deadline == NOW + dt.timedelta(hours=24) and new.deadline == NOW + dt.timedelta(hours=6)
    assert _audit(demo_db, "incident.deadline_rule")["after"].iat[0] == {"hours": 6.0}


def test_the_isolation_scan_raises_fever_and_missed_incidents_once(demo_db) -> None:  # type: ignore[no-untyped-def]
    view = run(isolation.load_view, demo_db, personal=True, now=NOW)
    fevers = int(view.households["fever"].sum())
    missed = len(view.missing)
    assert fevers >= 2 and missed > 0  # the demo has a couple of fevers and some unchecked households
    before = len(run(incidents.list_incidents, demo_db, now=NOW))
    res = run(isolation.scan_isolation, demo_db, SYSTEM, NOW)
    assert (res.fever, res.missed) == (fevers, missed)
    after = run(incidents.list_incidents, demo_db, now=NOW)
    auto = after[after["source"] == "isolation"]
    assert len(after) == before + fevers + missed == before + len(res.incident_codes)
    assert (auto["type"] == "fever_case").sum() == fevers and (auto["severity"] == "high").sum() == fevers
    assert auto["status"].eq("reported").all()
    again = run(isolation.scan_isolation, demo_db, SYSTEM, NOW + dt.timedelta(hours=3))
    assert (again.fever, again.missed, again.incident_codes) == (0, 0, [])
    assert len(run(incidents.list_incidents, demo_db, now=NOW)) == len(after)
    # a new fever on a household already alerted for "missed" is a new cause: one more incident
    hid = int(view.missing["id"].iat[0])
    run(isolation.record_check, demo_db, COORD, hid, [38.1], now=NOW + dt.timedelta(hours=1))
    third = run(isolation.scan_isolation, demo_db, SYSTEM, NOW + dt.timedelta(hours=2))
    assert (third.fever, third.missed) == (1, 0)


def test_isolation_counts_follow_the_households_into_the_gap_engine(demo_db) -> None:  # type: ignore[no-untyped-def]
    with session_scope(demo_db) as s:
        active = pd.DataFrame(s.execute(select(IsolatedHousehold.community_id, func.count())
                                        .where(IsolatedHousehold.status == "active")
                                        .group_by(IsolatedHousehold.community_id)).all(), columns=["id", "n"])
        comms = repo.communities(s).set_index("id")
        grids = repo.grids(s)
    # seeded in step: community counts = active households = sum of the grids' counts
    assert (comms.loc[active["id"], "isolated_households"].to_numpy() == active["n"].to_numpy()).all()
    assert grids.groupby("community_id")["isolated_households"].sum().reindex(comms.index).fillna(0).eq(
        comms["isolated_households"]).all()
    c = comms.loc[active.sort_values("n")["id"].iat[-1]]
    cid, grid_id = int(c.name), int(grids[grids["community_id"] == c.name]["id"].iat[0])
    gaps_before = call(demo_db, load_gaps).community.set_index("community_id").loc[cid]
    code = run(isolation.add_household, demo_db, CLERK, community_id=cid, grid_id=grid_id, address="幸福里1栋1单元101",
                                   head_name="张三", phone="13800001111", members=3, start_date=DEMO_TODAY,
                                   planned_end=DEMO_TODAY + dt.timedelta(days=14), now=NOW)
    with session_scope(demo_db) as s:
        assert repo.communities(s).set_index("id").loc[cid, "isolated_households"] == c["isolated_households"] + 1
        assert repo.grids(s).set_index("id").loc[grid_id, "isolated_households"] >= 1
        cond = s.execute(select(orm.CommunityCondition.isolated_households).where(
            orm.CommunityCondition.community_id == cid, orm.CommunityCondition.valid_from == DEMO_TODAY)).scalar_one()
        hid, ver = s.execute(select(IsolatedHousehold.id, IsolatedHousehold.version)
                             .where(IsolatedHousehold.code == code)).one()
    assert cond == c["isolated_households"] + 1
    gaps_after = call(demo_db, load_gaps).community.set_index("community_id").loc[cid]
    assert gaps_after["isolated_households"] == gaps_before["isolated_households"] + 1
    with pytest.raises(ConcurrentChange):
        run(isolation.end_household, demo_db, CLERK, hid, expected_version=ver + 1, reason="过期页面", now=NOW)
    run(isolation.end_household, demo_db, CLERK, hid, expected_version=ver, reason="期满解除", now=NOW)
    with session_scope(demo_db) as s:
        assert repo.communities(s).set_index("id").loc[cid, "isolated_households"] == c["isolated_households"]
    with pytest.raises(RuleViolation):
        run(isolation.record_check, demo_db, CLERK, hid, [36.5], now=NOW)
    acts = _audit(demo_db, "isolation.")["action"].tolist()
    assert acts == ["isolation.add", "isolation.end"]


def test_isolation_checks_reject_impossible_readings(demo_db) -> None:  # type: ignore[no-untyped-def]
    view = run(isolation.load_view, demo_db, personal=False, now=NOW)
    hid = int(view.households["id"].iat[0])
    with pytest.raises(InvalidInput, match="isolation.temperature_range"):
        run(isolation.record_check, demo_db, COORD, hid, [45.0])
    with pytest.raises(InvalidInput):
        run(isolation.record_check, demo_db, COORD, hid, [36.5] * 30)
    assert view.households["phone"].str.contains(r"\*\*\*\*").all()


def test_screening_progress_adds_up_and_refuses_more_than_the_target(demo_db) -> None:  # type: ignore[no-untyped-def]
    view = run(screening.load_campaign, demo_db, now=NOW)
    assert view is not None and view.summary["grids"] == 1033 and 0 < view.summary["coverage_pct"] < 100
    g = view.grids.sort_values("remaining").iloc[-1]
    total = run(screening.record_progress, demo_db, CLERK, int(view.campaign["id"]), int(g["grid_id"]), at_home=20,
                                      not_home=5, discrepancies=2, building="3栋", now=NOW)
    assert total == g["visited"] + 25
    after = run(screening.load_campaign, demo_db, now=NOW + dt.timedelta(minutes=1))
    assert after is not None
    assert after.grids.set_index("grid_id").loc[int(g["grid_id"]), "visited"] == total
    assert after.summary["visited"] == view.summary["visited"] + 25
    with pytest.raises(RuleViolation, match="screening.over_target"):
        run(screening.record_progress, demo_db, CLERK, int(view.campaign["id"]), int(g["grid_id"]),
                                  at_home=int(g["target_households"]), not_home=0)
    with pytest.raises(InvalidInput):
        run(screening.record_progress, demo_db, CLERK, int(view.campaign["id"]), int(g["grid_id"]), at_home=1,
                                  not_home=0, discrepancies=3)
    helpers = run(screening_helpers.helpers_for_behind, demo_db, after.grids)
    assert len(helpers) and set(helpers["community_id"]) <= set(after.grids.loc[after.grids["behind"], "community_id"])
    assert helpers["from_surplus"].gt(0).all()


def test_a_new_campaign_targets_every_grid_households(demo_db) -> None:  # type: ignore[no-untyped-def]
    start = NOW
    cid = run(screening.create_campaign, demo_db, COORD, "第二轮排查", start, start + dt.timedelta(days=2))
    view = run(screening.load_campaign, demo_db, cid, now=start)
    with session_scope(demo_db) as s:
        households = int(repo.grids(s)["households"].sum())
    assert view is not None and view.summary["target"] == households and view.summary["visited"] == 0
    assert view.summary["behind_grids"] == 0
    with pytest.raises(PermissionDenied):
        run(screening.create_campaign, demo_db, CLERK, "越权", start, start + dt.timedelta(days=1))


def test_the_cli_lists_incidents_and_runs_the_isolation_scan(demo_db, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--database-url", demo_db, "isolation", "scan", "--at", NOW.isoformat(), "--format", "json",
                 "--as-system"]) == 0
    scan = json.loads(capsys.readouterr().out)
    assert scan["fever"] >= 2 and len(scan["rows"]) == scan["fever"] + scan["missed"]
    assert main(["--database-url", demo_db, "incidents", "list", "--status", "reported", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["status"] for r in rows} == {"reported"}
    assert {r["incident"] for r in scan["rows"]} <= {r["code"] for r in rows}
    assert main(["--database-url", demo_db, "incidents", "list", "--since", "2026-99-01"]) == 2
    assert "--since" in capsys.readouterr().err
