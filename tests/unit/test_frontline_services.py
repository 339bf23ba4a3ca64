"""The front-line services (incidents, errands) on the in-memory unit of work of tests/fakes.py: what a
refused step leaves behind (nothing), and what an escalation writes (one incident per overdue errand,
linked back, audited). Storage behaviour on both databases is tests/storage/test_*_storage.py."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from core.i18n import error_text
from core.model.actor import Actor
from core.model.errors import ConcurrentChange, RuleViolation
from core.services import errands, incidents
from tests.fakes import FakeUnitOfWork

COORD = Actor("coordinator", "调度", frozenset({"coordinator"}))
SCOPED = Actor("coordinator2", "调度", frozenset({"coordinator"}), frozenset({"S02"}))
NOW = dt.datetime(2026, 11, 29, 11, 0)
COMMUNITY = {"id": 7, "code": "C007", "name": "幸福里社区", "street_code": "S01", "lon": 114.3, "lat": 30.6}


class FakeTables:
    def __init__(self, *communities: dict[str, Any]) -> None:
        self.by_id = {c["id"]: c for c in communities}

    def community_ref(self, community_id: int) -> dict[str, Any] | None:
        return self.by_id.get(community_id)


class FakeIncidents:
    """Incidents, details and events in lists; ``flush`` bumps the version of what changed, like the
    ORM's version counter."""

    def __init__(self, *rows: SimpleNamespace, staff: dict[int, dict[str, Any]] | None = None) -> None:
        self.rows = {r.id: r for r in rows}
        self.seen = {r.id: dict(vars(r)) for r in rows}
        self.details: dict[int, SimpleNamespace] = {}
        self.events: list[dict[str, Any]] = []
        self.staff = staff or {}

    def serialise_writers(self) -> None:
        pass

    def lock_incident(self, incident_id: int) -> SimpleNamespace | None:
        return self.rows.get(incident_id)

    def deadline_rules(self) -> pd.DataFrame:
        return pd.DataFrame(columns=["type", "severity", "hours"])

    def ensure_detail(self, incident_id: int) -> SimpleNamespace:
        return self.details.setdefault(incident_id, SimpleNamespace(assignee_staff_id=None, assignee_team=None))

    def staff_ref(self, staff_id: int) -> dict[str, Any] | None:
        return self.staff.get(staff_id)

    def next_code(self, now: dt.datetime) -> str:
        return f"E{now:%Y%m%d}-{len(self.rows) + 1:05d}"

    def add_incident(self, **fields: Any) -> SimpleNamespace:
        row = SimpleNamespace(id=len(self.rows) + 1, version=1, **fields)
        self.rows[row.id] = row
        self.seen[row.id] = dict(vars(row))
        return row

    def add_detail(self, **fields: Any) -> None:
        self.details[fields["incident_id"]] = SimpleNamespace(assignee_staff_id=None, assignee_team=None, **fields)

    def add_event(self, **fields: Any) -> None:
        self.events.append(fields)

    def flush(self) -> None:
        for row in self.rows.values():
            if {k: v for k, v in vars(row).items() if k != "version"} != {
                    k: v for k, v in self.seen[row.id].items() if k != "version"}:
                row.version += 1
            self.seen[row.id] = dict(vars(row))


class FakeErrands:
    """The errand side of ``uow.volunteers``: overdue requests not yet escalated."""

    def __init__(self, *rows: SimpleNamespace) -> None:
        self.rows = list(rows)
        self.since: list[dt.datetime | None] = []

    def overdue_unescalated(self, now: dt.datetime) -> list[SimpleNamespace]:
        return [r for r in self.rows if r.incident_id is None and r.deadline < now]

    def errands(self, since: dt.datetime | None = None) -> pd.DataFrame:
        self.since.append(since)
        return pd.DataFrame(columns=["status", "created_at", "deadline", "closed_at", "code", "community_id", "kind"])

    def flush(self) -> None:
        pass


def reported(**over: Any) -> SimpleNamespace:
    fields = {"id": 1, "code": "E20261129-00001", "community_id": 7, "type": "other", "severity": "medium",
              "status": "reported", "version": 1, "reported_at": NOW, "resolved_at": None,
              "deadline": NOW + dt.timedelta(hours=24)}
    return SimpleNamespace(**{**fields, **over})


def incident_uow(*rows: SimpleNamespace, **kw: Any) -> FakeUnitOfWork:
    return FakeUnitOfWork(incidents=FakeIncidents(*rows, **kw), tables=FakeTables(COMMUNITY))


# --- incidents -----------------------------------------------------------------------------------


def test_a_transition_the_rules_refuse_writes_no_event_and_no_audit_entry() -> None:
    uow = incident_uow(reported())
    with pytest.raises(RuleViolation) as exc:
        incidents.transition(uow, COORD, 1, "close", expected_version=1, now=NOW)
    assert exc.value.key == "incident.cannot_close" and exc.value.params["offered"] == ["triage", "dispatch"]
    assert uow.incidents.events == [] and uow.audit.entries == []
    assert uow.incidents.rows[1].status == "reported" and uow.incidents.rows[1].version == 1


def test_a_stale_version_is_refused_as_a_concurrent_change_naming_the_code() -> None:
    uow = incident_uow(reported(version=3))
    with pytest.raises(ConcurrentChange) as exc:
        incidents.transition(uow, COORD, 1, "triage", expected_version=2, now=NOW)
    assert exc.value.params == {"code": "E20261129-00001", "version": 3}
    assert "E20261129-00001" in error_text(exc.value) and uow.audit.entries == []


def test_dispatching_to_someone_off_duty_is_refused_by_staff_code_and_records_nothing() -> None:
    uow = incident_uow(reported(), staff={5: {"id": 5, "code": "S005", "on_duty": False}})
    with pytest.raises(RuleViolation) as exc:
        incidents.transition(uow, COORD, 1, "dispatch", expected_version=1, assignee_staff_id=5, now=NOW)
    assert exc.value.key == "incident.assignee_off_duty" and exc.value.params == {"code": "S005"}
    assert uow.incidents.events == [] and uow.audit.entries == []


def test_a_triage_that_raises_the_severity_recomputes_the_deadline_and_audits_one_step() -> None:
    uow = incident_uow(reported())
    version = incidents.transition(uow, COORD, 1, "triage", expected_version=1, severity="high", note="升级",
                                   now=NOW + dt.timedelta(minutes=5))
    row = uow.incidents.rows[1]
    assert (version, row.status, row.severity) == (2, "triaged", "high")
    assert row.deadline == NOW + dt.timedelta(hours=8)  # from the report time, not the triage time
    assert [e["action"] for e in uow.incidents.events] == ["triage"]
    assert uow.audit.actions() == ["incident.triage"]
    assert uow.audit.entries[0]["before"]["severity"] == "medium" and uow.audit.entries[0]["after"]["version"] == 2


# --- errands -------------------------------------------------------------------------------------


def overdue_errand(**over: Any) -> SimpleNamespace:
    fields = {"id": 3, "code": "R20261129-00003", "kind": "hospital", "community_id": 7, "grid_id": None,
              "deadline": NOW - dt.timedelta(hours=2), "detail": "陪同复诊", "incident_id": None}
    return SimpleNamespace(**{**fields, **over})


def errand_uow(*rows: SimpleNamespace) -> FakeUnitOfWork:
    return FakeUnitOfWork(incidents=FakeIncidents(), volunteers=FakeErrands(*rows),
                          tables=FakeTables(COMMUNITY, {**COMMUNITY, "id": 8, "code": "C008", "street_code": "S02"}))


def test_escalating_an_overdue_errand_raises_one_incident_linked_back_and_audited() -> None:
    uow = errand_uow(overdue_errand())
    res = errands.escalate_overdue(uow, COORD, now=NOW)
    (incident,) = uow.incidents.rows.values()
    assert res == errands.Escalated(1, (incident.code,))
    assert (incident.type, incident.severity, incident.status) == ("service_overdue", "high", "reported")
    assert incident.description.startswith("代买代办 R20261129-00003（陪同就医）已超过办理时限 2.0 小时")
    assert uow.volunteers.rows[0].incident_id == incident.id
    assert uow.audit.actions() == ["incident.report"] and uow.audit.entries[0]["community_code"] == "C007"
    again = errands.escalate_overdue(uow, COORD, now=NOW + dt.timedelta(minutes=5))
    assert again == errands.Escalated(0, ()) and len(uow.incidents.rows) == 1


def test_escalation_leaves_the_errands_of_other_streets_to_their_coordinators() -> None:
    uow = errand_uow(overdue_errand(), overdue_errand(id=4, code="R20261129-00004", community_id=8))
    res = errands.escalate_overdue(uow, SCOPED, now=NOW)
    assert res.errands == 1 and [r.incident_id for r in uow.volunteers.rows] == [None, 1]


def test_the_errand_queue_is_read_on_the_demo_s_own_day() -> None:
    uow = FakeUnitOfWork(meta={"demo": "1", "demo_today": "2026-11-29"}, volunteers=FakeErrands())
    errands.list_errands(uow, personal=True, days=7)
    (since,) = uow.volunteers.since
    assert since is not None and since.date() == dt.date(2026, 11, 22)
