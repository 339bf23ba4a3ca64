"""The glossary as code: kinds of staff, risk levels, incident vocabulary.

Each vocabulary is a table of (code, Chinese word, extra aliases), so importers can accept the
words Chinese spreadsheets really use and the UI can show the Chinese word.
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


STAFF_KIND_ZH: dict[StaffKind, str] = {
    StaffKind.COMMUNITY_WORKER: "社区工作者",
    StaffKind.GRID_MEMBER: "网格员",
    StaffKind.CADRE: "下沉干部",
    StaffKind.PARTY_MEMBER: "在职党员",
    StaffKind.VOLUNTEER: "志愿者",
    StaffKind.PROPERTY_STAFF: "红色物业",
}
STAFF_KIND_ALIASES: dict[str, StaffKind] = {
    "社工": StaffKind.COMMUNITY_WORKER,
    "社区干部": StaffKind.COMMUNITY_WORKER,
    "网格长": StaffKind.GRID_MEMBER,
    "干部": StaffKind.CADRE,
    "机关干部": StaffKind.CADRE,
    "党员": StaffKind.PARTY_MEMBER,
    "在职党员报到": StaffKind.PARTY_MEMBER,
    "物业": StaffKind.PROPERTY_STAFF,
    "物业人员": StaffKind.PROPERTY_STAFF,
}

#: Kinds that never move between communities (DESIGN.md glossary).
PINNED_KINDS = frozenset({StaffKind.COMMUNITY_WORKER, StaffKind.GRID_MEMBER})


class VolunteerType(StrEnum):
    RESIDENT = "resident"
    WOMEN = "women"
    YOUTH = "youth"
    CIVILITY = "civility"
    MILITIA = "militia"


VOLUNTEER_TYPE_ZH: dict[VolunteerType, str] = {
    VolunteerType.RESIDENT: "居民志愿者",
    VolunteerType.WOMEN: "巾帼志愿者",
    VolunteerType.YOUTH: "青年志愿者",
    VolunteerType.CIVILITY: "文明志愿者",
    VolunteerType.MILITIA: "民兵",
}


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


RISK_LEVEL_ZH: dict[RiskLevel, str] = {
    RiskLevel.LOW: "低",
    RiskLevel.MEDIUM: "中",
    RiskLevel.HIGH: "高",
}
RISK_LEVEL_ALIASES: dict[str, RiskLevel] = {
    "低风险": RiskLevel.LOW,
    "中风险": RiskLevel.MEDIUM,
    "高风险": RiskLevel.HIGH,
}


class IncidentType(StrEnum):
    FEVER_CASE = "fever_case"
    CLOSE_CONTACT = "close_contact"
    QUARANTINE_BREACH = "quarantine_breach"
    REFUSES_HOSPITAL = "refuses_hospital"
    CHECKPOINT_CONFLICT = "checkpoint_conflict"
    SERVICE_OVERDUE = "service_overdue"
    SUPPLIES_SHORT = "supplies_short"
    OTHER = "other"


INCIDENT_TYPE_ZH: dict[IncidentType, str] = {
    IncidentType.FEVER_CASE: "发现发热病例",
    IncidentType.CLOSE_CONTACT: "发现密切接触者",
    IncidentType.QUARANTINE_BREACH: "违反隔离规定",
    IncidentType.REFUSES_HOSPITAL: "拒绝就医",
    IncidentType.CHECKPOINT_CONFLICT: "卡点冲突",
    IncidentType.SERVICE_OVERDUE: "代买代办超时",
    IncidentType.SUPPLIES_SHORT: "物资短缺",
    IncidentType.OTHER: "其他",
}
INCIDENT_TYPE_ALIASES: dict[str, IncidentType] = {
    "发热": IncidentType.FEVER_CASE,
    "发热病例": IncidentType.FEVER_CASE,
    "发热病人": IncidentType.FEVER_CASE,
    "密接": IncidentType.CLOSE_CONTACT,
    "密切接触者": IncidentType.CLOSE_CONTACT,
    "违规外出": IncidentType.QUARANTINE_BREACH,
    "拒不就医": IncidentType.REFUSES_HOSPITAL,
    "代买超时": IncidentType.SERVICE_OVERDUE,
    "物资不足": IncidentType.SUPPLIES_SHORT,
}


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


SEVERITY_ZH: dict[Severity, str] = {
    Severity.LOW: "一般",
    Severity.MEDIUM: "较重",
    Severity.HIGH: "严重",
    Severity.CRITICAL: "特别严重",
}
SEVERITY_ALIASES: dict[str, Severity] = {"低": Severity.LOW, "中": Severity.MEDIUM, "高": Severity.HIGH}
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


INCIDENT_STATUS_ZH: dict[IncidentStatus, str] = {
    IncidentStatus.REPORTED: "已上报",
    IncidentStatus.TRIAGED: "已研判",
    IncidentStatus.DISPATCHED: "已派单",
    IncidentStatus.IN_PROGRESS: "处置中",
    IncidentStatus.RESOLVED: "已处置",
    IncidentStatus.CLOSED: "已办结",
}
INCIDENT_STATUS_ALIASES: dict[str, IncidentStatus] = {
    "新上报": IncidentStatus.REPORTED,
    "待处理": IncidentStatus.REPORTED,
    "处理中": IncidentStatus.IN_PROGRESS,
    "已解决": IncidentStatus.RESOLVED,
    "已完成": IncidentStatus.CLOSED,
    "已关闭": IncidentStatus.CLOSED,
}
OPEN_INCIDENT_STATUSES = frozenset(
    {IncidentStatus.REPORTED, IncidentStatus.TRIAGED, IncidentStatus.DISPATCHED, IncidentStatus.IN_PROGRESS}
)

SKILLS_ZH: dict[str, str] = {
    "driving": "驾驶",
    "medical": "医护",
    "psychology": "心理疏导",
    "sign_language": "手语",
    "uyghur": "维吾尔语",
    "english": "英语",
    "it": "信息化",
    "logistics": "物资保障",
}


@dataclass(frozen=True, slots=True)
class Point:
    """A WGS-84 position."""

    lon: float
    lat: float
