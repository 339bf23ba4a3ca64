"""Incident services: report, move along the life-cycle (rules in ``core.model.incident_rules``), deadline
rules, and the reads the incident page, the CLI and the wall screen need.

Every write runs in the caller's unit of work with its audit entry; an incident carries a version
(optimistic locking): a caller passes the version it saw, and a stale one raises ConcurrentChange.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.model.actor import Actor, require, write_service
from core.model.errors import ConcurrentChange, InvalidInput, NotFound, RuleViolation
from core.model.incident_rules import (
    REPORT_ROLES,
    TRANSITION_ROLES,
    check_vocab,
    deadline_for,
    flag_overdue,
    merge_rules,
    transition_for,
    validate_rule,
)
from core.model.vocab import IncidentStatus
from core.services import clock
from core.services.audit import new_batch_id, record
from core.services.uow import UnitOfWork

MAX_TEXT = 500
MAX_PLACE = 200


@dataclass(frozen=True)
class Reported:
    id: int
    code: str
    deadline: dt.datetime


def create_incident(uow: UnitOfWork, actor: Actor, *, community: dict[str, Any], grid_id: int | None, type_: str,
                    severity: str, place: str, description: str, lon: float | None, lat: float | None,
                    now: dt.datetime, source: str, batch_id: str, extra: dict[str, Any] | None = None) -> Reported:
    """Insert an incident, its detail, its first event and the audit entry (in the caller's unit of work).

    Shared by ``report_incident``, the isolation scan and the errand escalation (which raise incidents
    on their own, in the same transaction as the rest of their action)."""
    incidents = uow.incidents
    rules = merge_rules(incidents.deadline_rules())
    deadline = deadline_for(rules, type_, severity, now)
    row = incidents.add_incident(
        code=incidents.next_code(now), community_id=community["id"], grid_id=grid_id, type=type_,
        severity=severity, status=IncidentStatus.REPORTED.value, reported_at=now, resolved_at=None,
        deadline=deadline, lon=lon if lon is not None else community["lon"],
        lat=lat if lat is not None else community["lat"], description=description)
    incidents.add_detail(incident_id=row.id, place=place, reported_by=actor.username, source=source)
    incidents.add_event(incident_id=row.id, at=now, actor=actor.username, action="report", from_status=None,
                        to_status=IncidentStatus.REPORTED.value, note=description[:MAX_TEXT], assignee=None,
                        batch_id=batch_id)
    record(uow, actor, "incident.report", "incident", row.code, community_code=community["code"],
           after={"type": type_, "severity": severity, "place": place, "description": description,
                  "deadline": deadline.isoformat(), "source": source, **(extra or {})}, reason=description[:MAX_TEXT],
           batch_id=batch_id)
    return Reported(row.id, row.code, deadline)


@write_service(*REPORT_ROLES)
def report_incident(uow: UnitOfWork, actor: Actor, *, community_id: int, type_: str, severity: str,
                    description: str, place: str = "", grid_id: int | None = None, lon: float | None = None,
                    lat: float | None = None, now: dt.datetime | None = None) -> Reported:
    """Report a new incident (status reported) with its deadline from the rules of its type and severity."""
    check_vocab(type_, severity)
    description, place = description.strip(), place.strip()
    if not description:
        raise InvalidInput("incident.description_missing")
    if len(description) > MAX_TEXT or len(place) > MAX_PLACE:
        raise InvalidInput("incident.text_too_long", max_text=MAX_TEXT, max_place=MAX_PLACE)
    uow.incidents.serialise_writers()
    comm = uow.tables.community_ref(community_id)
    if comm is None:
        raise NotFound("incident.community_missing", id=community_id)
    require(actor, *REPORT_ROLES, streets=[comm["street_code"]])
    if grid_id is not None:
        grid = uow.incidents.grid_ref(grid_id)
        if grid is None or grid["community_id"] != community_id:
            raise InvalidInput("incident.grid_not_in_community", grid_id=grid_id, community=comm["code"])
        lon = lon if lon is not None else grid["lon"]
        lat = lat if lat is not None else grid["lat"]
    return create_incident(uow, actor, community=comm, grid_id=grid_id, type_=type_, severity=severity,
                           place=place, description=description, lon=lon, lat=lat, now=now or clock.wall_now(),
                           source="desk", batch_id=new_batch_id())


def _snapshot(inc: Any, det: Any) -> dict[str, Any]:
    return {"status": inc.status, "severity": inc.severity, "version": inc.version,
            "assignee_staff_id": det.assignee_staff_id, "assignee_team": det.assignee_team,
            "deadline": inc.deadline.isoformat() if inc.deadline else None}


@write_service(*TRANSITION_ROLES)
def transition(uow: UnitOfWork, actor: Actor, incident_id: int, action: str, *, expected_version: int,
               note: str = "", assignee_staff_id: int | None = None, assignee_team: str | None = None,
               severity: str | None = None, now: dt.datetime | None = None) -> int:
    """Move an incident one step (triage, dispatch, start, resolve, reopen, close); returns the new version.

    Triage may change the severity (the deadline is recomputed from the report time); dispatch needs
    a person (on duty) or a team; resolve and reopen need a note."""
    note = note.strip()
    team = (assignee_team or "").strip() or None
    now = now or clock.wall_now()
    incidents = uow.incidents
    incidents.serialise_writers()
    inc = incidents.lock_incident(incident_id)
    if inc is None:
        raise NotFound("incident.missing", id=incident_id)
    comm = uow.tables.community_ref(inc.community_id)
    assert comm is not None
    require(actor, *TRANSITION_ROLES, streets=[comm["street_code"]])
    if inc.version != expected_version:
        raise ConcurrentChange("incident.changed", code=inc.code, version=inc.version)
    step = transition_for(inc.status, action)
    rules = merge_rules(incidents.deadline_rules())  # read before any change: a query would autoflush
    if step.needs_note and not note:
        raise RuleViolation(f"incident.{action}_needs_note")
    if len(note) > MAX_TEXT:
        raise InvalidInput("incident.note_too_long", max=MAX_TEXT)
    det = incidents.ensure_detail(inc.id)
    before = _snapshot(inc, det)
    assignee_label = None
    if step.needs_assignee:
        if assignee_staff_id is None and team is None:
            raise RuleViolation("incident.dispatch_needs_assignee")
        if assignee_staff_id is not None:
            person = incidents.staff_ref(assignee_staff_id)
            if person is None:
                raise NotFound("incident.staff_missing", id=assignee_staff_id)
            if not person["on_duty"]:
                raise RuleViolation("incident.assignee_off_duty", code=person["code"])
            assignee_label = person["code"]
        det.assignee_staff_id, det.assignee_team = assignee_staff_id, team
        assignee_label = " / ".join(x for x in (assignee_label, team) if x)
    if action == "triage" and severity and severity != inc.severity:
        check_vocab(inc.type, severity)
        inc.severity = severity
        inc.deadline = deadline_for(rules, inc.type, severity, inc.reported_at)
    from_status = inc.status
    inc.status = step.to_status.value
    if step.to_status == IncidentStatus.RESOLVED:
        inc.resolved_at = now
    elif action == "reopen":
        inc.resolved_at = None
    incidents.flush()
    batch = new_batch_id()
    incidents.add_event(incident_id=inc.id, at=now, actor=actor.username, action=action, from_status=from_status,
                        to_status=inc.status, note=note, assignee=assignee_label, batch_id=batch)
    record(uow, actor, f"incident.{action}", "incident", inc.code, community_code=comm["code"],
           before=before, after=_snapshot(inc, det), reason=note, batch_id=batch)
    return int(inc.version)


@write_service("admin")
def set_deadline_rule(uow: UnitOfWork, actor: Actor, type_: str, severity: str, hours: float,
                      reason: str = "") -> None:
    """Set the response time limit (hours) for a type (``*`` = any type) and severity; applies to new reports."""
    validate_rule(type_, severity, hours)
    before = uow.incidents.upsert_rule(type_, severity, float(hours), actor.username, clock.exact_now())
    record(uow, actor, "incident.deadline_rule", "incident_deadline_rule", f"{type_}/{severity}",
           before=None if before is None else {"hours": before}, after={"hours": float(hours)},
           reason=reason, batch_id=new_batch_id())


# --- reads ---------------------------------------------------------------------------------------


def deadline_rules(uow: UnitOfWork) -> pd.DataFrame:
    """The rules in force: stored ones over the defaults (type, severity, hours)."""
    return merge_rules(uow.incidents.deadline_rules())


def list_incidents(uow: UnitOfWork, *, now: dt.datetime | None = None, since: dt.datetime | None = None,
                   statuses: list[str] | None = None) -> pd.DataFrame:
    """Incidents (newest first) with community, street, assignee, age in hours and the overdue flag."""
    df = uow.incidents.incidents(since, statuses)
    df["assignee"] = df["assignee_name"].fillna("").str.cat(df["assignee_team"].fillna(""), sep=" ").str.strip()
    df["place"] = df["place"].fillna("")
    df["source"] = df["source"].fillna("import")
    return flag_overdue(df, now or clock.wall_now())


def recent_incidents(uow: UnitOfWork, days: int = 14, *, now: dt.datetime | None = None) -> pd.DataFrame:
    """What the incident desk lists: reported in the last ``days`` days, plus every older one still open."""
    now = now or clock.wall_now()
    df = list_incidents(uow, now=now)
    cutoff = pd.Timestamp(now - dt.timedelta(days=days))
    return df[(pd.to_datetime(df["reported_at"]) >= cutoff) | df["open"]].reset_index(drop=True)


def filter_incidents(df: pd.DataFrame, *, types: list[str] | None = None, severities: list[str] | None = None,
                     statuses: list[str] | None = None, streets: list[str] | None = None,
                     start: dt.datetime | None = None, end: dt.datetime | None = None,
                     only_overdue: bool = False) -> pd.DataFrame:
    """The page's and the CLI's filters on a listing (empty filter: no restriction)."""
    keep = pd.Series(True, index=df.index)
    for col, values in (("type", types), ("severity", severities), ("status", statuses), ("street_code", streets)):
        if values:
            keep &= df[col].isin(values)
    reported = pd.to_datetime(df["reported_at"])
    if start is not None:
        keep &= reported >= pd.Timestamp(start)
    if end is not None:
        keep &= reported < pd.Timestamp(end)
    if only_overdue:
        keep &= df["overdue"]
    return df[keep]


def incident_history(uow: UnitOfWork, incident_id: int) -> pd.DataFrame:
    return uow.incidents.events(incident_id)


def dispatch_options(uow: UnitOfWork, community_id: int) -> pd.DataFrame:
    """On-duty people of the incident's community (personal names: mask where the role needs it)."""
    return uow.incidents.dispatchable_staff(community_id)


def open_counts(uow: UnitOfWork, now: dt.datetime | None = None) -> dict[str, int]:
    """Open and overdue incidents (the number the overview and the wall screen show)."""
    df = list_incidents(uow, now=now, statuses=[s.value for s in IncidentStatus if s.value not in ("resolved", "closed")])
    return {"open": int(df["open"].sum()), "overdue": int(df["overdue"].sum())}
