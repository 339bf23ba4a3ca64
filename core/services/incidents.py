"""Incident services: report, move along the life-cycle (rules in ``core.model.incident_rules``), deadline
rules, and the reads the incident page, the CLI and the wall screen need.

Every write is one transaction with its audit entry; an incident carries a version (optimistic
locking): a caller passes the version it saw, and a stale one raises ConcurrentChange.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.model.actor import Actor, require, write_service
from core.model.errors import ConcurrentChange, InvalidInput, NotFound, RuleViolation
from core.model.incident_rules import (
    ACTION_ZH,
    REPORT_ROLES,
    TRANSITION_ROLES,
    deadline_for,
    flag_overdue,
    merge_rules,
    transition_for,
    validate_rule,
)
from core.model.vocab import IncidentStatus, IncidentType, Severity
from core.services.audit import new_batch_id, record
from core.storage.db import session_scope
from core.storage.repositories import incident_repo as ir
from core.storage.rows.incident_details import IncidentDetail

MAX_TEXT = 500


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now()).replace(microsecond=0)


@dataclass(frozen=True)
class Reported:
    id: int
    code: str
    deadline: dt.datetime


def _check_vocab(type_: str, severity: str) -> None:
    if type_ not in {t.value for t in IncidentType}:
        raise InvalidInput(f"未知的事件类型：{type_}")
    if severity not in {s.value for s in Severity}:
        raise InvalidInput(f"未知的严重程度：{severity}")


def create_incident(session: Any, actor: Actor, *, community: dict[str, Any], grid_id: int | None, type_: str,
                    severity: str, place: str, description: str, lon: float | None, lat: float | None,
                    now: dt.datetime, source: str, batch_id: str) -> Reported:
    """Insert an incident, its detail, its first event and the audit entry (caller's transaction).

    Shared by ``report_incident`` and the isolation scan (which raises incidents on its own)."""
    rules = merge_rules(ir.deadline_rules(session))
    deadline = deadline_for(rules, type_, severity, now)
    row = ir.add_incident(
        session, code=ir.next_code(session, now), community_id=community["id"], grid_id=grid_id, type=type_,
        severity=severity, status=IncidentStatus.REPORTED.value, reported_at=now, resolved_at=None,
        deadline=deadline, lon=lon if lon is not None else community["lon"],
        lat=lat if lat is not None else community["lat"], description=description)
    ir.add(session, IncidentDetail(incident_id=row.id, place=place, reported_by=actor.username, source=source))
    ir.add_event(session, incident_id=row.id, at=now, actor=actor.username, action="report", from_status=None,
                 to_status=IncidentStatus.REPORTED.value, note=description[:MAX_TEXT], assignee=None,
                 batch_id=batch_id)
    record(session, actor, "incident.report", "incident", row.code, community_code=community["code"],
           after={"type": type_, "severity": severity, "place": place, "description": description,
                  "deadline": deadline.isoformat(), "source": source}, reason=description[:MAX_TEXT],
           batch_id=batch_id)
    return Reported(row.id, row.code, deadline)


@write_service(*REPORT_ROLES)
def report_incident(actor: Actor, url: str | None, *, community_id: int, type_: str, severity: str,
                    description: str, place: str = "", grid_id: int | None = None, lon: float | None = None,
                    lat: float | None = None, now: dt.datetime | None = None) -> Reported:
    """Report a new incident (status 已上报) with its deadline from the rules of its type and severity."""
    _check_vocab(type_, severity)
    description, place = description.strip(), place.strip()
    if not description:
        raise InvalidInput("请填写事件描述")
    if len(description) > MAX_TEXT or len(place) > 200:
        raise InvalidInput(f"事件描述不超过 {MAX_TEXT} 字，地点不超过 200 字")
    with session_scope(url) as s:
        ir.serialise_writers(s)
        comm = ir.community_ref(s, community_id)
        if comm is None:
            raise NotFound(f"社区 {community_id} 不存在")
        require(actor, *REPORT_ROLES, streets=[comm["street_code"]])
        if grid_id is not None:
            grid = ir.grid_ref(s, grid_id)
            if grid is None or grid["community_id"] != community_id:
                raise InvalidInput("所选网格不属于该社区")
            lon = lon if lon is not None else grid["lon"]
            lat = lat if lat is not None else grid["lat"]
        return create_incident(s, actor, community=comm, grid_id=grid_id, type_=type_, severity=severity,
                               place=place, description=description, lon=lon, lat=lat, now=_now(now),
                               source="desk", batch_id=new_batch_id())


@write_service(*TRANSITION_ROLES)
def transition(actor: Actor, url: str | None, incident_id: int, action: str, *, expected_version: int,
               note: str = "", assignee_staff_id: int | None = None, assignee_team: str | None = None,
               severity: str | None = None, now: dt.datetime | None = None) -> int:
    """Move an incident one step (triage, dispatch, start, resolve, reopen, close); returns the new version.

    Triage may change the severity (the deadline is recomputed from the report time); dispatch needs
    a person (on duty) or a team; resolve and reopen need a note."""
    note = note.strip()
    team = (assignee_team or "").strip() or None
    now = _now(now)
    with session_scope(url) as s:
        ir.serialise_writers(s)
        inc = ir.lock_incident(s, incident_id)
        if inc is None:
            raise NotFound(f"事件 {incident_id} 不存在")
        comm = ir.community_ref(s, inc.community_id)
        assert comm is not None
        require(actor, *TRANSITION_ROLES, streets=[comm["street_code"]])
        if inc.version != expected_version:
            raise ConcurrentChange(f"事件 {inc.code} 已被他人修改（版本 {inc.version}），请刷新后重试")
        step = transition_for(inc.status, action)
        rules = merge_rules(ir.deadline_rules(s))  # read before any change: a query would autoflush
        if step.needs_note and not note:
            raise RuleViolation(f"{ACTION_ZH[action]}需要填写说明")
        if len(note) > MAX_TEXT:
            raise InvalidInput(f"说明不超过 {MAX_TEXT} 字")
        det = ir.ensure_detail(s, inc.id)
        before = {"status": inc.status, "severity": inc.severity, "version": inc.version,
                  "assignee_staff_id": det.assignee_staff_id, "assignee_team": det.assignee_team,
                  "deadline": inc.deadline.isoformat() if inc.deadline else None}
        assignee_label = None
        if step.needs_assignee:
            if assignee_staff_id is None and team is None:
                raise RuleViolation("派单需要指定处置人员或处置小组")
            if assignee_staff_id is not None:
                person = ir.staff_ref(s, assignee_staff_id)
                if person is None:
                    raise NotFound(f"人员 {assignee_staff_id} 不存在")
                if not person["on_duty"]:
                    raise RuleViolation(f"{person['code']} 当前不在岗，不能派单")
                assignee_label = person["code"]
            det.assignee_staff_id, det.assignee_team = assignee_staff_id, team
            assignee_label = " / ".join(x for x in (assignee_label, team) if x)
        if action == "triage" and severity and severity != inc.severity:
            _check_vocab(inc.type, severity)
            inc.severity = severity
            inc.deadline = deadline_for(rules, inc.type, severity, inc.reported_at)
        from_status = inc.status
        inc.status = step.to_status.value
        if step.to_status == IncidentStatus.RESOLVED:
            inc.resolved_at = now
        elif action == "reopen":
            inc.resolved_at = None
        ir.flush(s)
        batch = new_batch_id()
        ir.add_event(s, incident_id=inc.id, at=now, actor=actor.username, action=action, from_status=from_status,
                     to_status=inc.status, note=note, assignee=assignee_label, batch_id=batch)
        after = {"status": inc.status, "severity": inc.severity, "version": inc.version,
                 "assignee_staff_id": det.assignee_staff_id, "assignee_team": det.assignee_team,
                 "deadline": inc.deadline.isoformat() if inc.deadline else None}
        record(s, actor, f"incident.{action}", "incident", inc.code, community_code=comm["code"],
               before=before, after=after, reason=note, batch_id=batch)
        return int(inc.version)


@write_service("admin")
def set_deadline_rule(actor: Actor, url: str | None, type_: str, severity: str, hours: float, reason: str = "") -> None:
    """Set the response time limit (hours) for a type (``*`` = any type) and severity; applies to new reports."""
    validate_rule(type_, severity, hours)
    with session_scope(url) as s:
        before = ir.upsert_rule(s, type_, severity, float(hours), actor.username)
        record(s, actor, "incident.deadline_rule", "incident_deadline_rule", f"{type_}/{severity}",
               before=None if before is None else {"hours": before}, after={"hours": float(hours)},
               reason=reason, batch_id=new_batch_id())


# --- reads ---------------------------------------------------------------------------------------


def deadline_rules(url: str | None) -> pd.DataFrame:
    """The rules in force: stored ones over the defaults (type, severity, hours)."""
    with session_scope(url) as s:
        return merge_rules(ir.deadline_rules(s))


def list_incidents(url: str | None, *, now: dt.datetime | None = None, since: dt.datetime | None = None,
                   statuses: list[str] | None = None) -> pd.DataFrame:
    """Incidents (newest first) with community, street, assignee, age in hours and the overdue flag."""
    now = _now(now)
    with session_scope(url) as s:
        df = ir.incidents(s, since, statuses)
    df["assignee"] = df["assignee_name"].fillna("").str.cat(df["assignee_team"].fillna(""), sep=" ").str.strip()
    df["place"] = df["place"].fillna("")
    df["source"] = df["source"].fillna("import")
    return flag_overdue(df, now)


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


def incident_history(url: str | None, incident_id: int) -> pd.DataFrame:
    with session_scope(url) as s:
        return ir.events(s, incident_id)


def dispatch_options(url: str | None, community_id: int) -> pd.DataFrame:
    """On-duty people of the incident's community (personal names: mask where the role needs it)."""
    with session_scope(url) as s:
        return ir.dispatchable_staff(s, community_id)


def open_counts(url: str | None, now: dt.datetime | None = None) -> dict[str, int]:
    """Open and overdue incidents (the number the overview and the wall screen show)."""
    df = list_incidents(url, now=now, statuses=[s.value for s in IncidentStatus if s.value not in ("resolved", "closed")])
    return {"open": int(df["open"].sum()), "overdue": int(df["overdue"].sum())}
