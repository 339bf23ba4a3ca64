"""Typed ORM rows (SQLAlchemy 2), one module per aggregate. Importing this package registers every
table on ``Base.metadata`` (Alembic and the tests use it); the names are re-exported for ``rows.Staff``.
"""

from __future__ import annotations

from core.storage.rows.alerts import AlertInstance, AlertRule
from core.storage.rows.audit import AuditLog
from core.storage.rows.auth import AppUser, AuthSession, KioskToken
from core.storage.rows.base import Base, DataVersion, Meta, now
from core.storage.rows.care import VulnerableResident
from core.storage.rows.front_line import ClientSubmission, DutyShift, GateEntry, IncidentPhoto
from core.storage.rows.geography import (
    Checkpoint,
    Community,
    CommunityCondition,
    Compound,
    District,
    Grid,
    Street,
)
from core.storage.rows.incident_details import IncidentDeadlineRule, IncidentDetail, IncidentEvent
from core.storage.rows.incidents import Incident
from core.storage.rows.isolation import IsolatedHousehold, IsolationAlert, IsolationCheck
from core.storage.rows.jobs import JobRun
from core.storage.rows.reassign import MoveBatch, MoveItem
from core.storage.rows.reports import DailyReport
from core.storage.rows.rosters import RosterEntry, ShiftException, ShiftPattern
from core.storage.rows.scenarios import ScenarioRow
from core.storage.rows.screening import (
    RosterAddition,
    ScreeningCampaign,
    ScreeningProgress,
    ScreeningTarget,
    ScreeningVisit,
)
from core.storage.rows.staffing import Assignment, DutyChange, NormVersion, Pairing, Staff, Unit
from core.storage.rows.volunteers import (
    ServiceRequest,
    TaskAssignment,
    VolunteerAvailability,
    VolunteerTask,
)

__all__ = [
    "AlertInstance",
    "AlertRule",
    "AppUser",
    "ClientSubmission",
    "DutyShift",
    "GateEntry",
    "IncidentPhoto",
    "Assignment",
    "AuditLog",
    "AuthSession",
    "Base",
    "Checkpoint",
    "Community",
    "CommunityCondition",
    "Compound",
    "DailyReport",
    "DataVersion",
    "District",
    "DutyChange",
    "Grid",
    "Incident",
    "IncidentDeadlineRule",
    "IncidentDetail",
    "IncidentEvent",
    "IsolatedHousehold",
    "IsolationAlert",
    "IsolationCheck",
    "JobRun",
    "KioskToken",
    "Meta",
    "MoveBatch",
    "MoveItem",
    "NormVersion",
    "Pairing",
    "RosterEntry",
    "ScenarioRow",
    "ShiftException",
    "ShiftPattern",
    "RosterAddition",
    "ScreeningCampaign",
    "ScreeningProgress",
    "ScreeningTarget",
    "ScreeningVisit",
    "ServiceRequest",
    "Staff",
    "Street",
    "TaskAssignment",
    "Unit",
    "VolunteerAvailability",
    "VolunteerTask",
    "VulnerableResident",
    "now",
]
