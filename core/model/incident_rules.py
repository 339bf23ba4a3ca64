"""The incident life-cycle as data: allowed transitions, who may report, deadlines by type and severity.

Pure (no I/O): the services in ``core.services.incidents`` apply these tables inside a transaction.

Life-cycle: reported → triaged → dispatched → in_progress → resolved → closed. An urgent case may be
dispatched straight from "reported"; a dispatched or in-progress case may be re-dispatched to someone
else; a resolved case may be reopened (back to in progress) before it is closed.

Roles: any desk role that meets incidents on the ground may *report* (coordinator, clerk, admin and the
leader: a commander who hears of a case in a meeting should not need someone else to type it in);
only coordinators and admins move an incident along its life-cycle (dispatch is a command decision).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from core.model.errors import InvalidInput, RuleViolation
from core.model.vocab import (
    OPEN_INCIDENT_STATUSES,
    SEVERITY_DEADLINE_HOURS,
    IncidentStatus,
    IncidentType,
    Severity,
)

REPORT_ROLES = ("coordinator", "clerk", "admin", "leader")
TRANSITION_ROLES = ("coordinator", "admin")

S = IncidentStatus


@dataclass(frozen=True, slots=True)
class Transition:
    action: str
    from_status: IncidentStatus
    to_status: IncidentStatus
    needs_assignee: bool = False
    needs_note: bool = False


#: every allowed step; anything else is refused (key ``incident.cannot_<action>``)
TRANSITIONS: tuple[Transition, ...] = (
    Transition("triage", S.REPORTED, S.TRIAGED),
    Transition("dispatch", S.REPORTED, S.DISPATCHED, needs_assignee=True),
    Transition("dispatch", S.TRIAGED, S.DISPATCHED, needs_assignee=True),
    Transition("dispatch", S.DISPATCHED, S.DISPATCHED, needs_assignee=True),
    Transition("dispatch", S.IN_PROGRESS, S.DISPATCHED, needs_assignee=True),
    Transition("start", S.DISPATCHED, S.IN_PROGRESS),
    Transition("resolve", S.IN_PROGRESS, S.RESOLVED, needs_note=True),
    Transition("reopen", S.RESOLVED, S.IN_PROGRESS, needs_note=True),
    Transition("close", S.RESOLVED, S.CLOSED),
)
ACTIONS = ("triage", "dispatch", "start", "resolve", "reopen", "close")
#: every action of the history (``report`` opens it; the others are the transitions above)
EVENT_ACTIONS = ("report", *ACTIONS)


def allowed_actions(status: str) -> list[str]:
    """Actions offered for an incident in ``status`` (in life-cycle order)."""
    found = {t.action for t in TRANSITIONS if t.from_status.value == status}
    return [a for a in ACTIONS if a in found]


def transition_for(status: str, action: str) -> Transition:
    """The transition ``action`` from ``status``; RuleViolation ``incident.cannot_<action>`` (with the
    status and the actions it offers) when the step is not allowed."""
    if action not in ACTIONS:
        raise InvalidInput("incident.unknown_action", action=action)
    for t in TRANSITIONS:
        if t.from_status.value == status and t.action == action:
            return t
    raise RuleViolation(f"incident.cannot_{action}", status=status, action=action, offered=allowed_actions(status))


# --- deadlines -----------------------------------------------------------------------------------

ANY_TYPE = "*"
#: defaults: any type by severity (domain figures), and tighter limits for the cases that cannot wait
DEFAULT_DEADLINE_RULES: tuple[tuple[str, str, float], ...] = (
    *((ANY_TYPE, s.value, float(h)) for s, h in SEVERITY_DEADLINE_HOURS.items()),
    (IncidentType.FEVER_CASE.value, Severity.CRITICAL.value, 1.0),
    (IncidentType.FEVER_CASE.value, Severity.HIGH.value, 4.0),
    (IncidentType.FEVER_CASE.value, Severity.MEDIUM.value, 12.0),
    (IncidentType.REFUSES_HOSPITAL.value, Severity.HIGH.value, 4.0),
    (IncidentType.QUARANTINE_BREACH.value, Severity.HIGH.value, 4.0),
)
MAX_DEADLINE_HOURS = 24 * 14


def default_rules() -> pd.DataFrame:
    return pd.DataFrame(DEFAULT_DEADLINE_RULES, columns=["type", "severity", "hours"])


def merge_rules(stored: pd.DataFrame) -> pd.DataFrame:
    """Stored rules over the defaults (a stored row replaces the default for its type and severity)."""
    base = default_rules()
    if stored is None or stored.empty:
        return base
    both = pd.concat([stored[["type", "severity", "hours"]], base], ignore_index=True)
    return both.drop_duplicates(["type", "severity"], keep="first").reset_index(drop=True)


def deadline_hours(rules: pd.DataFrame, type_: str, severity: str) -> float:
    """Hours allowed for ``type_`` at ``severity``: the type's own rule, else the any-type rule,
    else the domain default for the severity."""
    exact = rules[(rules["type"] == type_) & (rules["severity"] == severity)]
    if len(exact):
        return float(exact["hours"].iat[0])
    any_ = rules[(rules["type"] == ANY_TYPE) & (rules["severity"] == severity)]
    if len(any_):
        return float(any_["hours"].iat[0])
    return float(SEVERITY_DEADLINE_HOURS[Severity(severity)])


def deadline_for(rules: pd.DataFrame, type_: str, severity: str, reported_at: dt.datetime) -> dt.datetime:
    return reported_at + dt.timedelta(hours=deadline_hours(rules, type_, severity))


def validate_rule(type_: str, severity: str, hours: float) -> None:
    if type_ != ANY_TYPE:
        check_vocab(type_, severity)
    elif severity not in {s.value for s in Severity}:
        raise InvalidInput("incident.unknown_severity", severity=severity)
    if not (isinstance(hours, int | float) and math.isfinite(hours) and 0.25 <= hours <= MAX_DEADLINE_HOURS):
        raise InvalidInput("incident.deadline_hours_range", hours=hours, max=MAX_DEADLINE_HOURS)


def check_vocab(type_: str, severity: str) -> None:
    """InvalidInput unless ``type_`` is an incident type and ``severity`` a severity."""
    if type_ not in {t.value for t in IncidentType}:
        raise InvalidInput("incident.unknown_type", type=type_)
    if severity not in {s.value for s in Severity}:
        raise InvalidInput("incident.unknown_severity", severity=severity)


def flag_overdue(df: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    """Add ``age_h`` (hours since report), ``open`` and ``overdue`` (open and past its deadline), vectorised."""
    out = df.copy()
    reported = pd.to_datetime(out["reported_at"])
    deadline = pd.to_datetime(out["deadline"])
    end = pd.to_datetime(out["resolved_at"]).fillna(pd.Timestamp(now)) if "resolved_at" in out else pd.Timestamp(now)
    # clipped at 0: a report stamped a little ahead of this machine's clock is not "minus" hours old
    out["age_h"] = ((pd.Timestamp(now) - reported).dt.total_seconds() / 3600).clip(lower=0).round(1)
    out["open"] = out["status"].isin([s.value for s in OPEN_INCIDENT_STATUSES])
    out["overdue"] = out["open"] & deadline.notna() & (deadline < pd.Timestamp(now))
    out["late_resolved"] = ~out["open"] & deadline.notna() & (end > deadline)
    return out
