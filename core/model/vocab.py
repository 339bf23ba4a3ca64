"""The glossary as code: kinds of staff, risk levels, incident vocabulary.

Each vocabulary is a set of codes. Their labels are in the catalogue (``core/i18n/vocab.py``:
``kind.<code>``, ``risk.<code>``, ...), shown by the dashboard and the CLI in either language; the
words a spreadsheet may use for them are the importer's (``core/services/importer/vocabulary.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class StaffKind(StrEnum):
    COMMUNITY_WORKER = "community_worker"
    GRID_MEMBER = "grid_member"
    CADRE = "cadre"
    PARTY_MEMBER = "party_member"
    VOLUNTEER = "volunteer"
    PROPERTY_STAFF = "property_staff"


#: Kinds that never move between communities (DESIGN.md glossary).
PINNED_KINDS = frozenset({StaffKind.COMMUNITY_WORKER, StaffKind.GRID_MEMBER})


class VolunteerType(StrEnum):
    RESIDENT = "resident"
    WOMEN = "women"
    YOUTH = "youth"
    CIVILITY = "civility"
    MILITIA = "militia"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class IncidentType(StrEnum):
    FEVER_CASE = "fever_case"
    CLOSE_CONTACT = "close_contact"
    QUARANTINE_BREACH = "quarantine_breach"
    REFUSES_HOSPITAL = "refuses_hospital"
    CHECKPOINT_CONFLICT = "checkpoint_conflict"
    SERVICE_OVERDUE = "service_overdue"
    SUPPLIES_SHORT = "supplies_short"
    OTHER = "other"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


#: hours from report to the response deadline, by severity (the demo uses the same figures)
SEVERITY_DEADLINE_HOURS: dict[Severity, int] = {
    Severity.LOW: 48, Severity.MEDIUM: 24, Severity.HIGH: 8, Severity.CRITICAL: 2,
}


class IncidentStatus(StrEnum):
    REPORTED = "reported"
    TRIAGED = "triaged"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


OPEN_INCIDENT_STATUSES = frozenset(
    {IncidentStatus.REPORTED, IncidentStatus.TRIAGED, IncidentStatus.DISPATCHED, IncidentStatus.IN_PROGRESS}
)

#: skill codes (labels: ``skill.<code>`` in core/i18n/vocab.py)
SKILLS = ("driving", "medical", "psychology", "sign_language", "uyghur", "english", "it", "logistics")


@dataclass(frozen=True, slots=True)
class Point:
    """A WGS-84 position."""

    lon: float
    lat: float
