"""The wall-screen payload and the alert life-cycle on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import text

from core.model.actor import SYSTEM, Actor
from core.model.alert_rules import for_display
from core.model.errors import PermissionDenied
from core.services import alerts as alert_service
from core.services.gaps import load_gaps
from core.services.read_models.wall import KPI_SPECS, load_wall, sync_now
from core.services.uow import unit_of_work
from core.storage.db import session_scope

COORD = Actor("coordinator", "李调度", frozenset({"coordinator"}))
ADMIN = Actor("admin", "周管理员", frozenset({"admin"}))
SCREEN = Actor("kiosk:1", "演示大屏", frozenset({"wallscreen"}))
PERSONAL_COLUMNS = {"phone", "description", "staff_id", "staff_code", "home_lon", "home_lat", "id_number"}


def _strings(data) -> set[str]:  # type: ignore[no-untyped-def]
    """Every string cell and column name in the payload's frames and fields."""
    out: set[str] = {data.district}
    for value in vars(data).values():
        if isinstance(value, pd.DataFrame):
            out |= {str(c) for c in value.columns}
            for col in value.columns:
                out |= {str(v) for v in value[col].dropna().tolist() if isinstance(v, str)}
    return out


def _wall(url: str, **kwargs: object):  # type: ignore[no-untyped-def]
    with unit_of_work(url) as uow:
        return load_wall(uow, **kwargs)  # type: ignore[arg-type]


def _sync(url: str):  # type: ignore[no-untyped-def]
    with unit_of_work(url) as uow:
        return sync_now(uow)


def test_the_payload_holds_no_name_phone_or_incident_description(demo_db: str) -> None:
    data = _wall(demo_db)
    with session_scope(demo_db) as s:
        names = {r[0] for r in s.execute(text("SELECT name FROM staff"))}
        phones = {r[0] for r in s.execute(text("SELECT phone FROM staff WHERE phone IS NOT NULL"))}
        descriptions = {r[0] for r in s.execute(text("SELECT description FROM incident")) if r[0]}
    strings = _strings(data)
    assert names and phones
    assert not strings & names
    assert not strings & phones
    assert not strings & descriptions
    blob = " ".join(strings)
    assert not any(p in blob for p in phones)
    for frame in (data.communities, data.streets, data.trend, data.alerts, data.incidents, data.volunteers):
        assert not PERSONAL_COLUMNS & set(frame.columns)


def test_tiles_show_todays_gap_figures_and_yesterdays_from_the_dated_history(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        data = load_wall(uow)
        today = load_gaps(uow)
        yesterday = load_gaps(uow, data.day - dt.timedelta(days=1))
    assert [k.key for k in data.kpis] == list(KPI_SPECS)
    assert data.kpi("shortage").value == today.district["shortage"]
    assert data.kpi("shortage").previous == yesterday.district["shortage"]
    assert data.kpi("short_communities").previous == yesterday.district["short_communities"]
    assert data.kpi("grid_coverage").value == pytest.approx(today.coverage["grid_coverage"])
    assert data.kpi("grid_coverage").previous == pytest.approx(yesterday.coverage["grid_coverage"])
    unstaffed = today.district["checkpoint_shifts"] - today.district["checkpoint_shifts_staffed"]
    assert data.kpi("unstaffed_shifts").value == unstaffed
    assert data.kpi("volunteers_on_duty").value == today.district["volunteers_on_duty"]
    assert len(data.trend) == 14 and data.trend["day"].iat[-1] == data.day
    assert data.trend["shortage"].iat[-1] == today.district["shortage"]
    assert data.communities["shortage"].sum() == today.district["shortage"]


def test_incident_tiles_count_open_and_overdue_like_the_overview(demo_db: str) -> None:
    from core.services.read_models.overview import load_overview

    now = dt.datetime.now()
    with unit_of_work(demo_db) as uow:
        data, ov = load_wall(uow, now=now), load_overview(uow, now=now)
    assert data.kpi("open_incidents").value == ov.kpis.open_incidents
    assert data.kpi("overdue_incidents").value == ov.kpis.overdue_incidents
    assert data.communities["open_incidents"].sum() == ov.kpis.open_incidents
    assert len(data.incidents) == ov.kpis.open_incidents


def test_alerts_are_acknowledged_then_resolved_when_the_condition_clears(demo_db: str) -> None:
    first = _sync(demo_db)
    assert first.opened > 0 and first.resolved == 0
    again = _sync(demo_db)
    assert again.opened == 0 and again.still_open == first.opened

    data = _wall(demo_db)
    worst = for_display(data.alerts).iloc[0]
    assert worst["kind"] == "community_short" and worst["level"] == "critical"
    with unit_of_work(demo_db) as uow:
        acked = alert_service.acknowledge(uow, COORD, [(worst["rule_code"], worst["subject"], worst["street_code"])],
                                          "已派人")
    assert acked == 1
    shown = for_display(_wall(demo_db).alerts)
    assert not ((shown["subject"] == worst["subject"]) & (shown["kind"] == worst["kind"])).any()

    # raise the thresholds above every community's shortage: the condition clears, the alert is resolved
    with unit_of_work(demo_db) as uow:
        rules = alert_service.rules_in_force(uow)
    raised = [{**r, "threshold": 10_000.0} if r["kind"] == "community_short" else r
              for r in rules.to_dict("records")]
    with unit_of_work(demo_db) as uow:
        assert alert_service.save_rules(uow, ADMIN, raised, reason="演练") == 2
    assert not (_wall(demo_db).alerts["kind"] == "community_short").any()
    cleared = _sync(demo_db)
    assert cleared.resolved >= 1
    with session_scope(demo_db) as s:
        row = s.execute(text("SELECT acknowledged_by, resolved_at, open_key FROM alert_instance "
                             "WHERE subject = :s AND rule_code = :r"),
                        {"s": worst["subject"], "r": worst["rule_code"]}).one()
    assert row[0] == "coordinator" and row[1] is not None and row[2] is None

    # lowered again: it fires anew, unacknowledged and new
    with unit_of_work(demo_db) as uow:
        alert_service.save_rules(uow, ADMIN, rules.to_dict("records"), reason="恢复")
    back = _wall(demo_db).alerts.set_index(["rule_code", "subject"]).loc[(worst["rule_code"], worst["subject"])]
    assert not back["acknowledged"] and back["is_new"]
    with session_scope(demo_db) as s:
        actions = [r[0] for r in s.execute(text("SELECT action FROM audit_log WHERE action LIKE 'alert%' "
                                                "ORDER BY id"))]
    assert "alert.acknowledge" in actions and actions.count("alert_rule.save") == 2 + 2  # only changed rules are audited
    assert "alert.sync" in actions


def test_a_screen_cannot_acknowledge_or_edit_rules_and_a_coordinator_only_in_scope(demo_db: str) -> None:
    firing = _wall(demo_db).alerts
    row = firing.iloc[0]
    item = [(row["rule_code"], row["subject"], row["street_code"])]
    with pytest.raises(PermissionDenied), unit_of_work(demo_db) as uow:
        alert_service.acknowledge(uow, SCREEN, item)
    with pytest.raises(PermissionDenied), unit_of_work(demo_db) as uow:
        alert_service.save_rules(uow, COORD, [], reason="")
    other = next(sc for sc in firing["street_code"] if sc != row["street_code"])
    scoped = Actor("coordinator2", "赵调度", frozenset({"coordinator"}), streets=frozenset({other}))
    with pytest.raises(PermissionDenied), unit_of_work(demo_db) as uow:
        alert_service.acknowledge(uow, scoped, item)
    with pytest.raises(PermissionDenied), unit_of_work(demo_db) as uow:
        alert_service.sync_alerts(uow, SCREEN, firing)
    firing = firing.drop(columns=["first_seen"]).assign(since=pd.NaT)
    with unit_of_work(demo_db) as uow:
        opened = alert_service.sync_alerts(uow, SYSTEM, firing).opened
    assert opened == len(firing.drop_duplicates(["rule_code", "subject"]))


def test_a_move_committed_through_core_changes_the_screen(demo_db: str) -> None:
    from core.services.reassign import candidates, move_staff

    before = _wall(demo_db)
    target = before.communities.nlargest(1, "shortage").iloc[0]
    with unit_of_work(demo_db) as uow:
        people = candidates(uow, int(target["community_id"])).head(5)
    with unit_of_work(demo_db) as uow:
        move_staff(uow, COORD, people["staff_id"].astype(int).tolist(), int(target["community_id"]), "支援缺员社区",
                   expected_versions=dict(zip(people["staff_id"].astype(int), people["version"].astype(int), strict=True)))
    after = _wall(demo_db)
    row = after.communities.set_index("community_id").loc[int(target["community_id"])]
    assert row["shortage"] == target["shortage"] - 5
    assert after.kpi("shortage").value < before.kpi("shortage").value


def test_the_alerts_cli_lists_syncs_and_shows_rules(demo_sqlite: str, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from core.cli.main import main

    assert main(["--database-url", demo_sqlite, "alerts", "list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {"level", "kind_zh", "community", "first_seen"} <= set(rows[0])
    assert not {"phone", "name", "description"} & set(rows[0])
    assert main(["--database-url", demo_sqlite, "alerts", "list", "--all", "--format", "json"]) == 0
    every = json.loads(capsys.readouterr().out)
    assert len(every) >= len(rows)  # the wall shows each subject once, at its worst level
    assert main(["--database-url", demo_sqlite, "alerts", "sync", "--as-system"]) == 0
    assert f"新增 {len({(r['rule_code'], r['subject']) for r in every})} 条" in capsys.readouterr().out
    assert main(["--database-url", demo_sqlite, "alerts", "rules"]) == 0
    assert "community_short.critical" in capsys.readouterr().out
