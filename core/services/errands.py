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

from core.i18n import DEFAULT_LANG, translate
from core.model.actor import Actor, require, write_service
from core.model.errors import ConcurrentChange, InvalidInput, NotFound, RuleViolation
from core.model.privacy import mask_frame
from core.model.volunteer_rules import (
    DEPLOYABLE_KINDS,
    ERRAND_KINDS,
    errand_deadline,
    errand_step,
    flag_errands,
)
from core.services import clock
from core.services.audit import new_batch_id, record
from core.services.incidents import create_incident
from core.services.uow import UnitOfWork

CREATE_ROLES = ("coordinator", "clerk", "admin", "grid_member", "community_staff")
HANDLE_ROLES = ("coordinator", "admin")
ESCALATE_ROLES = ("coordinator", "admin")
#: severity of the incident raised when an errand of this kind is overdue
OVERDUE_SEVERITY = {"hospital": "high", "medicine": "high", "groceries": "medium", "bills": "low", "other": "medium"}
MAX_TEXT = 300
DEADLINE_HOURS_RANGE = (0.5, 24 * 7)


@dataclass(frozen=True)
class ErrandCreated:
    id: int
    code: str
    deadline: dt.datetime


@write_service(*CREATE_ROLES)
def create_errand(uow: UnitOfWork, actor: Actor, *, kind: str, detail: str, community_id: int | None = None,
                  household_id: int | None = None, resident_name: str = "", phone: str = "", address: str = "",
                  deadline_hours: float | None = None, now: dt.datetime | None = None,
                  grid_id: int | None = None) -> ErrandCreated:
    """Register a request for a resident; for an isolated household its community, name, phone and
    address come from the household. The deadline defaults by kind (medicine 4 h, hospital 2 h …)."""
    now = now or clock.wall_now()
    detail = detail.strip()
    if kind not in ERRAND_KINDS:
        raise InvalidInput("errand.unknown_kind", kind=kind)
    if not detail:
        raise InvalidInput("errand.detail_missing")
    if max(len(detail), len(address)) > MAX_TEXT:
        raise InvalidInput("errand.text_too_long", max=MAX_TEXT)
    low, high = DEADLINE_HOURS_RANGE
    if deadline_hours is not None and not low <= float(deadline_hours) <= high:
        raise InvalidInput("errand.deadline_hours_range", low=low, high=high)
    errands = uow.volunteers
    if grid_id is not None:  # a resident of a grid (the front line's errands): the grid's community
        g = uow.screening.grid_street(int(grid_id))
        if g is None:
            raise NotFound("front.grid_missing", id=grid_id)
        community_id = int(g["community_id"])
    if household_id is not None:
        hh = errands.household_ref(household_id)
        if hh is None:
            raise NotFound("errand.household_missing", id=household_id)
        community_id, grid_id = hh["community_id"], hh["grid_id"]
        resident_name = resident_name or str(hh["head_name"] or "")
        phone = phone or str(hh["phone"] or "")
        address = address or str(hh["address"] or "")
    if community_id is None:
        raise InvalidInput("errand.place_missing")
    comm = uow.tables.community_ref(community_id)
    if comm is None:
        raise NotFound("errand.community_missing", id=community_id)
    grid_code = None
    if grid_id is not None:
        g = uow.screening.grid_street(int(grid_id))
        grid_code = g["code"] if g else None
    require(actor, *CREATE_ROLES, places=[(comm["street_code"], comm["code"], grid_code)])
    deadline = errand_deadline(kind, now, deadline_hours)
    row = errands.add_errand(code=errands.next_errand_code(now.date()), kind=kind, community_id=community_id,
                             grid_id=grid_id, household_id=household_id, resident_name=resident_name.strip()[:60],
                             phone=phone.strip()[:32] or None, address=address.strip(), detail=detail, status="new",
                             created_at=now, created_by=actor.username, deadline=deadline)
    record(uow, actor, "errand.create", "service_request", row.code, community_code=comm["code"],
           after={"kind": kind, "detail": detail, "resident_name": row.resident_name, "phone": row.phone,
                  "household_id": household_id, "deadline": deadline.isoformat()}, reason=detail,
           batch_id=new_batch_id())
    return ErrandCreated(int(row.id), row.code, deadline)


def note_line(now: dt.datetime, action: str, note: str) -> str:
    """One line of an errand's running note ("11-29 09:30 完成：…"), in the district's language."""
    return translate("errand.note_line", DEFAULT_LANG, at=f"{now:%m-%d %H:%M}",
                     action=translate(f"err.action.{action}", DEFAULT_LANG), note=note)


@write_service(*HANDLE_ROLES)
def act_on_errand(uow: UnitOfWork, actor: Actor, errand_id: int, action: str, *, expected_version: int,
                  staff_id: int | None = None, note: str = "", now: dt.datetime | None = None) -> int:
    """Assign (needs an on-duty volunteer or party member), start, complete or cancel (needs a note);
    returns the new version."""
    now = now or clock.wall_now()
    note = note.strip()
    if len(note) > MAX_TEXT:
        raise InvalidInput("errand.note_too_long", max=MAX_TEXT)
    errands = uow.volunteers
    row = errands.lock_errand(errand_id)
    if row is None:
        raise NotFound("errand.missing", id=errand_id)
    comm = uow.tables.community_ref(row.community_id)
    assert comm is not None
    require(actor, *HANDLE_ROLES, streets=[comm["street_code"]])
    if row.version != expected_version:
        raise ConcurrentChange("errand.changed", code=row.code)
    to = errand_step(row.status, action)
    before = {"status": row.status, "assignee_staff_id": row.assignee_staff_id, "version": row.version}
    if action == "assign":
        if staff_id is None:
            raise RuleViolation("errand.assign_needs_volunteer")
        person = errands.staff_ref(staff_id)
        if person is None:
            raise NotFound("errand.staff_missing", id=staff_id)
        if person["kind"] not in DEPLOYABLE_KINDS or not person["on_duty"]:
            raise RuleViolation("errand.not_deployable", code=person["code"])
        row.assignee_staff_id, row.assigned_at = staff_id, now
    elif action == "start":
        row.started_at = now
    elif action in ("complete", "cancel"):
        if action == "cancel" and not note:
            raise RuleViolation("errand.cancel_needs_reason")
        row.closed_at = now
    row.status = to
    if note:
        row.note = (row.note + "\n" if row.note else "") + note_line(now, action, note)
    errands.flush()
    record(uow, actor, f"errand.{action}", "service_request", row.code, community_code=comm["code"], before=before,
           after={"status": row.status, "assignee_staff_id": row.assignee_staff_id, "version": row.version},
           reason=note, batch_id=new_batch_id())
    return int(row.version)


@dataclass(frozen=True)
class Escalated:
    errands: int
    incident_codes: tuple[str, ...]


def overdue_description(code: str, kind: str, hours_late: float, detail: str) -> str:
    """The stored description of an escalated errand's incident, in the district's language."""
    return translate("errand.overdue_incident", DEFAULT_LANG, code=code,
                     kind=translate(f"err.kind.{kind}", DEFAULT_LANG), hours=hours_late, detail=detail[:120])


@write_service(*ESCALATE_ROLES)
def escalate_overdue(uow: UnitOfWork, actor: Actor, now: dt.datetime | None = None) -> Escalated:
    """Raise one service_overdue incident for each open errand past its deadline that has none yet
    (idempotent), in the caller's unit of work. Run by the system job or a coordinator."""
    now = now or clock.wall_now()
    batch = new_batch_id()
    codes: list[str] = []
    uow.incidents.serialise_writers()
    for row in uow.volunteers.overdue_unescalated(now):  # few: only the requests that went overdue since the last run
        comm = uow.tables.community_ref(row.community_id)
        assert comm is not None
        if not actor.in_scope(comm["street_code"]):
            continue
        late = (now - row.deadline).total_seconds() / 3600.0
        rep = create_incident(uow, actor, community=comm, grid_id=row.grid_id, type_="service_overdue",
                              severity=OVERDUE_SEVERITY.get(row.kind, "medium"), place=f"{comm['name']} {row.code}",
                              description=overdue_description(row.code, row.kind, late, row.detail), lon=None,
                              lat=None, now=now, source="errand", batch_id=batch)
        row.incident_id = rep.id
        codes.append(rep.code)
    uow.volunteers.flush()
    return Escalated(len(codes), tuple(codes))


# --- reads ---------------------------------------------------------------------------------------


def list_errands(uow: UnitOfWork, *, personal: bool, now: dt.datetime | None = None, days: int = 7) -> pd.DataFrame:
    """Open errands and those created in the last ``days`` days, with age, hours left, overdue;
    residents' and volunteers' names and phones masked unless ``personal``. ``now`` defaults to the
    reference time (the demo's own day on the demo)."""
    now = now or clock.reference_now(uow)
    df = flag_errands(uow.volunteers.errands(now - dt.timedelta(days=days)), now)
    if not personal:
        df = mask_frame(df, None, name_columns=["resident_name", "staff_name"], phone_columns=["phone"])
        df["address"] = df["address"].astype(str).str.slice(0, 6) + "…"
    return df


def overdue_alert_inputs(uow: UnitOfWork, now: dt.datetime | None = None) -> pd.DataFrame:
    """Open errands past their deadline, without personal data: code, community_id, kind, deadline,
    hours_late (what an errand_overdue alert rule evaluates)."""
    now = now or clock.wall_now()
    df = flag_errands(uow.volunteers.errands(now), now)
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
