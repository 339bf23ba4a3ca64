"""The residents' errands queue (代买代办): groceries, medicine, bills, a hospital visit — mostly for
households in home isolation. Staff register a request, a coordinator assigns a volunteer, the
volunteer starts and completes it; every step is audited and carries a version (optimistic locking).

An open request past its deadline is escalated by ``escalate_overdue``: one incident of type
service_overdue per request (idempotent), which puts it on the wall screen through the incident
feed and the incident_overdue alerts. ``overdue_alert_inputs`` gives the same requests in the shape
the errand_overdue alert rule can read (core.services.alerts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from core.model.actor import Actor, require, write_service
from core.model.errors import ConcurrentChange, InvalidInput, NotFound, RuleViolation
from core.model.privacy import mask_frame
from core.model.volunteer_rules import (
    DEPLOYABLE_KINDS,
    ERRAND_ACTION_ZH,
    ERRAND_KIND_ZH,
    ERRAND_KINDS,
    errand_deadline,
    errand_step,
    flag_errands,
)
from core.services.audit import new_batch_id, record
from core.services.incidents import create_incident
from core.storage.db import session_scope
from core.storage.repositories import incident_repo as ir
from core.storage.repositories import volunteers_repo as repo
from core.storage.rows.volunteers import ServiceRequest

CREATE_ROLES = ("coordinator", "clerk", "admin")
HANDLE_ROLES = ("coordinator", "admin")
ESCALATE_ROLES = ("coordinator", "admin")
#: severity of the incident raised when an errand of this kind is overdue
OVERDUE_SEVERITY = {"hospital": "high", "medicine": "high", "groceries": "medium", "bills": "low", "other": "medium"}
MAX_TEXT = 300


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now()).replace(microsecond=0)


@dataclass(frozen=True)
class ErrandCreated:
    id: int
    code: str
    deadline: dt.datetime


@write_service(*CREATE_ROLES)
def create_errand(actor: Actor, url: str | None, *, kind: str, detail: str, community_id: int | None = None,
                  household_id: int | None = None, resident_name: str = "", phone: str = "", address: str = "",
                  deadline_hours: float | None = None, now: dt.datetime | None = None) -> ErrandCreated:
    """Register a request for a resident; for an isolated household its community, name, phone and
    address come from the household. The deadline defaults by kind (medicine 4 h, hospital 2 h …)."""
    now = _now(now)
    detail = detail.strip()
    if kind not in ERRAND_KINDS:
        raise InvalidInput(f"未知的代办类型：{kind}")
    if not detail:
        raise InvalidInput("请填写代办内容")
    if max(len(detail), len(address)) > MAX_TEXT:
        raise InvalidInput(f"内容和地址不超过 {MAX_TEXT} 字")
    if deadline_hours is not None and not 0.5 <= float(deadline_hours) <= 24 * 7:
        raise InvalidInput("办理时限应在 0.5–168 小时之间")
    with session_scope(url) as s:
        grid_id = None
        if household_id is not None:
            hh = repo.household_ref(s, household_id)
            if hh is None:
                raise NotFound(f"居家隔离户 {household_id} 不存在")
            community_id, grid_id = hh["community_id"], hh["grid_id"]
            resident_name = resident_name or str(hh["head_name"] or "")
            phone = phone or str(hh["phone"] or "")
            address = address or str(hh["address"] or "")
        if community_id is None:
            raise InvalidInput("请选择社区或居家隔离户")
        comm = repo.community_ref(s, community_id)
        if comm is None:
            raise NotFound(f"社区 {community_id} 不存在")
        require(actor, *CREATE_ROLES, streets=[comm["street_code"]])
        deadline = errand_deadline(kind, now, deadline_hours)
        row = ServiceRequest(code=repo.next_code(s, ServiceRequest, "R", now.date()), kind=kind,
                             community_id=community_id, grid_id=grid_id, household_id=household_id,
                             resident_name=resident_name.strip()[:60], phone=phone.strip()[:32] or None,
                             address=address.strip(), detail=detail, status="new", created_at=now,
                             created_by=actor.username, deadline=deadline)
        repo.add(s, row)
        repo.flush(s)
        record(s, actor, "errand.create", "service_request", row.code, community_code=comm["code"],
               after={"kind": kind, "detail": detail, "resident_name": row.resident_name, "phone": row.phone,
                      "household_id": household_id, "deadline": deadline.isoformat()}, reason=detail,
               batch_id=new_batch_id())
        return ErrandCreated(int(row.id), row.code, deadline)


@write_service(*HANDLE_ROLES)
def act_on_errand(actor: Actor, url: str | None, errand_id: int, action: str, *, expected_version: int,
                  staff_id: int | None = None, note: str = "", now: dt.datetime | None = None) -> int:
    """Assign (needs an on-duty volunteer or party member), start, complete or cancel (needs a note);
    returns the new version."""
    now = _now(now)
    note = note.strip()
    if len(note) > MAX_TEXT:
        raise InvalidInput(f"说明不超过 {MAX_TEXT} 字")
    with session_scope(url) as s:
        row = repo.lock_errand(s, errand_id)
        if row is None:
            raise NotFound(f"代办事项 {errand_id} 不存在")
        comm = repo.community_ref(s, row.community_id)
        assert comm is not None
        require(actor, *HANDLE_ROLES, streets=[comm["street_code"]])
        if row.version != expected_version:
            raise ConcurrentChange(f"代办事项 {row.code} 已被他人修改，请刷新后重试")
        to = errand_step(row.status, action)
        before = {"status": row.status, "assignee_staff_id": row.assignee_staff_id, "version": row.version}
        if action == "assign":
            if staff_id is None:
                raise RuleViolation("派单需要指定志愿者")
            person = repo.staff_ref(s, staff_id)
            if person is None:
                raise NotFound(f"人员 {staff_id} 不存在")
            if person["kind"] not in DEPLOYABLE_KINDS or not person["on_duty"]:
                raise RuleViolation(f"{person['code']} 不是在岗的志愿者或在职党员")
            row.assignee_staff_id, row.assigned_at = staff_id, now
        elif action == "start":
            row.started_at = now
        elif action in ("complete", "cancel"):
            if action == "cancel" and not note:
                raise RuleViolation("取消需要填写原因")
            row.closed_at = now
        row.status = to
        if note:
            row.note = (row.note + "\n" if row.note else "") + f"{now:%m-%d %H:%M} {ERRAND_ACTION_ZH[action]}：{note}"
        repo.flush(s)
        record(s, actor, f"errand.{action}", "service_request", row.code, community_code=comm["code"], before=before,
               after={"status": row.status, "assignee_staff_id": row.assignee_staff_id, "version": row.version},
               reason=note, batch_id=new_batch_id())
        return int(row.version)


@dataclass(frozen=True)
class Escalated:
    errands: int
    incident_codes: tuple[str, ...]


@write_service(*ESCALATE_ROLES)
def escalate_overdue(actor: Actor, url: str | None = None, now: dt.datetime | None = None) -> Escalated:
    """Raise one service_overdue incident for each open errand past its deadline that has none yet
    (idempotent; one transaction). Run by the system job or a coordinator."""
    now = _now(now)
    batch = new_batch_id()
    codes: list[str] = []
    with session_scope(url) as s:
        ir.serialise_writers(s)
        rows = repo.overdue_unescalated(s, now)
        for row in rows:  # few: only the requests that went overdue since the last run
            comm = repo.community_ref(s, row.community_id)
            assert comm is not None
            if not actor.in_scope(comm["street_code"]):
                continue
            late = (now - row.deadline).total_seconds() / 3600.0
            desc = (f"代买代办 {row.code}（{ERRAND_KIND_ZH.get(row.kind, row.kind)}）已超过办理时限 {late:.1f} 小时："
                    f"{row.detail[:120]}")
            rep = create_incident(s, actor, community=comm, grid_id=row.grid_id, type_="service_overdue",
                                  severity=OVERDUE_SEVERITY.get(row.kind, "medium"), place=f"{comm['name']} {row.code}",
                                  description=desc, lon=None, lat=None, now=now, source="errand", batch_id=batch)
            row.incident_id = rep.id
            codes.append(rep.code)
        repo.flush(s)
    return Escalated(len(codes), tuple(codes))


# --- reads ---------------------------------------------------------------------------------------


def list_errands(url: str | None, *, personal: bool, now: dt.datetime | None = None, days: int = 7) -> pd.DataFrame:
    """Open errands and those created in the last ``days`` days, with age, hours left, overdue;
    residents' and volunteers' names and phones masked unless ``personal``."""
    from core.services.volunteers import reference_now

    now = _now(now) if now else reference_now(url)
    with session_scope(url) as s:
        df = repo.errands(s, now - dt.timedelta(days=days))
    df = flag_errands(df, now)
    df["kind_zh"] = df["kind"].map(ERRAND_KIND_ZH)
    if not personal:
        df = mask_frame(df, None, name_columns=["resident_name", "staff_name"], phone_columns=["phone"])
        df["address"] = df["address"].astype(str).str.slice(0, 6) + "…"
    return df


def overdue_alert_inputs(url: str | None, now: dt.datetime | None = None) -> pd.DataFrame:
    """Open errands past their deadline, without personal data: code, community_id, kind, deadline,
    hours_late (what an errand_overdue alert rule evaluates)."""
    now = _now(now)
    with session_scope(url) as s:
        df = repo.errands(s, now)
    df = flag_errands(df, now)
    late = df[df["overdue"]]
    return pd.DataFrame({"code": late["code"], "community_id": late["community_id"], "kind": late["kind"],
                         "deadline": late["deadline"], "hours_late": -late["left_h"]}).reset_index(drop=True)


def counts(df: pd.DataFrame, now: dt.datetime) -> dict[str, int]:
    """Header figures of the queue: open, overdue, due within two hours, done today."""
    left = df["left_h"]
    done_today = df["status"].eq("done") & (pd.to_datetime(df["closed_at"]).dt.date == now.date())
    return {"open": int(df["open"].sum()), "overdue": int(df["overdue"].sum()),
            "due_soon": int((df["open"] & ~df["overdue"] & (left <= 2)).sum()), "new": int((df["status"] == "new").sum()),
            "done_today": int(done_today.sum())}
