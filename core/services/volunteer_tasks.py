"""Tasks and who is on them: create a task, see who could take it, assign one or many people (conflicts
and fatigue refused or warned, see ``core.model.volunteer_rules``), take someone off, check in and out.

Every write runs in the caller's unit of work with its audit entries (one batch id per user action).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from core.i18n.volunteers import issue_text
from core.model.actor import Actor, require, write_service
from core.model.errors import ConcurrentChange, InvalidInput, NotFound, RuleViolation
from core.model.norms import Norms
from core.model.privacy import mask_frame
from core.model.volunteer_rules import (
    TASK_TYPES,
    Issue,
    check_assignments,
    check_window,
    hours_by_day,
)
from core.services import clock
from core.services.audit import new_batch_id, record
from core.services.norms import norms_for_day
from core.services.uow import UnitOfWork

WRITE_ROLES = ("coordinator", "admin")
MAX_BATCH = 200
NEEDED_RANGE = (1, 500)


class NeedsOverride(RuleViolation):
    """Warnings (fatigue under the "warn" policy, availability) that need an override reason;
    ``params["issues"]`` holds the ``Issue``s (the page lists them in the reader's language)."""


# --- reads ---------------------------------------------------------------------------------------


def issues_for(uow: UnitOfWork, staff_ids: list[int], window: tuple[dt.datetime, dt.datetime],
               norms: Norms) -> list[Issue]:
    """Every issue with putting ``staff_ids`` on a task of ``window`` (their other assignments around it,
    their availability, the norms' fatigue limits)."""
    if not staff_ids:
        return []
    pad = dt.timedelta(days=int(norms.max_consecutive_days) + 2)
    people = uow.volunteers.people(staff_ids=staff_ids)
    existing = uow.volunteers.assignments(window[0] - pad, window[1] + pad, staff_ids=staff_ids)
    availability = uow.volunteers.availability(staff_ids)
    return check_assignments(people, existing, availability, starts_at=window[0], ends_at=window[1],
                             max_hours_per_day=norms.max_hours_per_day,
                             max_consecutive_days=norms.max_consecutive_days, fatigue_policy=norms.fatigue_policy)


def candidates(uow: UnitOfWork, task_id: int, *, personal: bool, limit: int = 300) -> pd.DataFrame:
    """Who could take a task: on duty, deployable, not already on it, from the task's street; those
    with no issue and the fewest hours that day first, the task's own community before the rest.

    ``issues`` holds the ``Issue``s assigning each would raise (the blocking ones when there are any,
    else the warnings; blocked people sort last)."""
    task = uow.volunteers.task_ref(task_id)
    if task is None:
        raise NotFound("volunteer.task_missing", id=task_id)
    window = (task.starts_at, task.ends_at)
    comm = uow.tables.community_ref(task.community_id)
    assert comm is not None
    people = uow.volunteers.people()
    on_task = uow.volunteers.assignments(*window, task_id=task_id)
    day0 = dt.datetime.combine(window[0].date(), dt.time())
    that_day = uow.volunteers.assignments(day0, day0 + dt.timedelta(days=1))
    norms = norms_for_day(uow, window[0].date())
    pool = people[people["on_duty"].astype(bool) & ~people["staff_id"].isin(on_task["staff_id"])]
    pool = pool.assign(same_community=pool["community_id"] == task.community_id,
                       same_street=pool["street_code"] == comm["street_code"])
    pool = pool[pool["same_street"]].sort_values(["same_community", "staff_id"], ascending=[False, True]).head(limit)
    issues = issues_for(uow, pool["staff_id"].astype(int).tolist(), window, norms)
    blocking: dict[int, list[Issue]] = {}
    warning: dict[int, list[Issue]] = {}
    for i in issues:  # a few per person at most
        (blocking if i.blocking else warning).setdefault(i.staff_id, []).append(i)
    ids = pool["staff_id"].astype(int)
    out = pool.assign(blocked=ids.isin(list(blocking)).to_numpy(), warned=ids.isin(list(warning)).to_numpy(),
                      issues=[blocking.get(s) or warning.get(s) or [] for s in ids])
    per_day = hours_by_day(that_day)
    hours = per_day[per_day["day"] == window[0].date()].set_index("staff_id")["hours"]
    out["hours_that_day"] = out["staff_id"].map(hours).fillna(0.0)
    # rested people first: fewest hours that day, then the task's own community
    out = out.sort_values(["blocked", "warned", "hours_that_day", "same_community", "staff_id"],
                          ascending=[True, True, True, False, True])
    if not personal:
        out = mask_frame(out, None, name_columns=["staff_name"], phone_columns=["phone"])
    return out.reset_index(drop=True)


# --- writes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskCreated:
    id: int
    code: str


def default_title(community_name: str, type_: str) -> str:
    """A task's title when none is given ("<community><task type>"), in the district's language."""
    from core.i18n import DEFAULT_LANG, translate

    return f"{community_name}{translate(f'vol.task.{type_}', DEFAULT_LANG)}"


@write_service(*WRITE_ROLES)
def create_task(uow: UnitOfWork, actor: Actor, *, type_: str, starts_at: dt.datetime, ends_at: dt.datetime,
                needed: int, community_id: int | None = None, checkpoint_id: int | None = None,
                grid_id: int | None = None, title: str = "", note: str = "") -> TaskCreated:
    """Create a task at a checkpoint (its community and position) or in a community (optionally a grid)."""
    if type_ not in TASK_TYPES:
        raise InvalidInput("volunteer.unknown_task_type", type=type_)
    check_window(starts_at, ends_at)
    if not NEEDED_RANGE[0] <= int(needed) <= NEEDED_RANGE[1]:
        raise InvalidInput("volunteer.needed_range", low=NEEDED_RANGE[0], high=NEEDED_RANGE[1])
    if type_ == "checkpoint" and checkpoint_id is None:
        raise InvalidInput("volunteer.checkpoint_required")
    title, note = title.strip()[:120], note.strip()[:500]
    repo = uow.volunteers
    repo.serialise_writers()
    lon = lat = None
    if checkpoint_id is not None:
        cp = repo.checkpoint_ref(checkpoint_id)
        if cp is None or not cp["active"]:
            raise NotFound("volunteer.checkpoint_missing", id=checkpoint_id)
        community_id, grid_id, lon, lat = cp["community_id"], cp["grid_id"], cp["lon"], cp["lat"]
        title = title or str(cp["name"])
    if community_id is None:
        raise InvalidInput("volunteer.community_required")
    comm = uow.tables.community_ref(community_id)
    if comm is None:
        raise NotFound("volunteer.community_missing", id=community_id)
    require(actor, *WRITE_ROLES, streets=[comm["street_code"]])
    if grid_id is not None and lon is None:
        grid = repo.grid_ref(grid_id)
        if grid is None or grid["community_id"] != community_id:
            raise InvalidInput("volunteer.grid_not_in_community", grid_id=grid_id, community=comm["code"])
        lon, lat = grid["lon"], grid["lat"]
    row = repo.add_task(code=repo.next_task_code(starts_at.date()), type=type_,
                        title=title or default_title(str(comm["name"]), type_), community_id=community_id,
                        grid_id=grid_id, checkpoint_id=checkpoint_id, lon=lon if lon is not None else comm["lon"],
                        lat=lat if lat is not None else comm["lat"], starts_at=starts_at, ends_at=ends_at,
                        needed=int(needed), status="open", note=note, created_by=actor.username)
    record(uow, actor, "task.create", "volunteer_task", row.code, community_code=comm["code"],
           after={"type": type_, "title": row.title, "starts_at": starts_at.isoformat(),
                  "ends_at": ends_at.isoformat(), "needed": int(needed), "checkpoint_id": checkpoint_id},
           reason=note, batch_id=new_batch_id())
    return TaskCreated(int(row.id), row.code)


@dataclass(frozen=True)
class AssignResult:
    task_code: str
    assigned: int
    total: int
    needed: int
    warnings: tuple[Issue, ...]  # overridden with the reason given

    @property
    def fill(self) -> str:
        return f"{self.total} / {self.needed}"


@write_service(*WRITE_ROLES)
def assign_volunteers(uow: UnitOfWork, actor: Actor, task_id: int, staff_ids: Sequence[int], *,
                      override_reason: str = "", expected_version: int | None = None) -> AssignResult:
    """Put one or many people on a task, all or none: conflicts are refused; fatigue is refused or,
    under the "warn" policy, needs an override reason (audited with each warning)."""
    ids = sorted({int(x) for x in staff_ids})
    if not ids:
        raise InvalidInput("volunteer.pick_someone")
    if len(ids) > MAX_BATCH:
        raise InvalidInput("volunteer.batch_too_large", max=MAX_BATCH)
    reason = override_reason.strip()
    repo = uow.volunteers
    repo.serialise_writers()
    task = repo.lock_task(task_id)
    if task is None or task.status != "open":
        raise NotFound("volunteer.task_missing", id=task_id)
    if expected_version is not None and task.version != expected_version:
        raise ConcurrentChange("volunteer.task_changed", code=task.code)
    comm = uow.tables.community_ref(task.community_id)
    assert comm is not None
    require(actor, *WRITE_ROLES, streets=[comm["street_code"]])
    locked = repo.lock_people(ids)
    missing = sorted(set(ids) - set(locked["staff_id"].astype(int)))
    if missing:
        raise NotFound("volunteer.staff_missing", ids=missing)
    code = locked.set_index("staff_id")["code"]
    already = [a for a in repo.existing_pairs(task_id, ids) if a.status == "assigned"]
    if already:
        raise RuleViolation("volunteer.already_on_task", task=task.code, staff=[code[a.staff_id] for a in already])
    norms = norms_for_day(uow, task.starts_at.date())
    issues = issues_for(uow, ids, (task.starts_at, task.ends_at), norms)
    hard = [i for i in issues if i.blocking]
    soft = [i for i in issues if not i.blocking]
    if hard:
        raise RuleViolation("volunteer.assign_refused", staff=sorted({code[i.staff_id] for i in hard}), issues=hard)
    if soft and not reason:
        raise NeedsOverride("volunteer.assign_needs_reason", staff=sorted({code[i.staff_id] for i in soft}),
                            issues=soft)
    batch = new_batch_id()
    old = {a.staff_id: a for a in repo.existing_pairs(task_id, ids)}
    now = clock.wall_now()
    for sid in ids:  # a handful chosen by a person (at most MAX_BATCH)
        row = old.get(sid) or repo.add_assignment(task_id, sid)
        row.status, row.assigned_at, row.assigned_by = "assigned", now, actor.username
        row.override_reason = reason if soft else ""
        row.checked_in_at = row.checked_out_at = None
        row.hours = None
        row.batch_id = batch
        mine = [issue_text(i) for i in issues if i.staff_id == sid]  # stored in the district's language
        record(uow, actor, "task.assign", "task_assignment", f"{task.code}:{code[sid]}", community_code=comm["code"],
               after={"task": task.code, "staff": code[sid], "warnings": mine}, reason=reason if mine else "",
               batch_id=batch)
    repo.flush()
    total = len(repo.assignments(task.starts_at, task.ends_at, task_id=task_id))
    return AssignResult(task.code, len(ids), total, int(task.needed), tuple(soft))


@write_service(*WRITE_ROLES)
def unassign(uow: UnitOfWork, actor: Actor, assignment_id: int, reason: str) -> None:
    """Take a person off a task (the row stays, cancelled); refused once they have checked in."""
    if not reason.strip():
        raise InvalidInput("volunteer.unassign_reason_missing")
    repo = uow.volunteers
    a = repo.get_assignment(assignment_id)
    if a is None or a.status != "assigned":
        raise NotFound("volunteer.assignment_missing", id=assignment_id)
    if a.checked_in_at is not None:
        raise RuleViolation("volunteer.unassign_checked_in")
    task = repo.task_ref(a.task_id)
    assert task is not None
    comm = uow.tables.community_ref(task.community_id)
    assert comm is not None
    require(actor, *WRITE_ROLES, streets=[comm["street_code"]])
    a.status = "cancelled"
    record(uow, actor, "task.unassign", "task_assignment", a.id, community_code=comm["code"],
           before={"status": "assigned"}, after={"status": "cancelled", "task": task.code},
           reason=reason.strip(), batch_id=new_batch_id())


def _clock_assignments(uow: UnitOfWork, actor: Actor, assignment_ids: Sequence[int], at: dt.datetime | None,
                       out: bool) -> int:
    at = at or clock.wall_now()
    ids = sorted({int(x) for x in assignment_ids})
    if not ids:
        raise InvalidInput("volunteer.pick_assignment")
    batch = new_batch_id()
    repo = uow.volunteers
    rows = repo.assignments_by_id(ids)
    if len(rows) != len(ids) or any(r.status != "assigned" for r in rows):
        raise NotFound("volunteer.assignments_missing")
    for r in rows:
        task = repo.task_ref(r.task_id)
        assert task is not None
        comm = uow.tables.community_ref(task.community_id)
        assert comm is not None
        require(actor, *WRITE_ROLES, streets=[comm["street_code"]])
        if not out:
            if r.checked_in_at is not None:
                raise RuleViolation("volunteer.already_checked_in", task=task.code, id=r.id)
            r.checked_in_at = at
        else:
            if r.checked_in_at is None or r.checked_out_at is not None:
                raise RuleViolation("volunteer.not_checked_in", task=task.code, id=r.id)
            if at <= r.checked_in_at:
                raise InvalidInput("volunteer.check_out_before_in")
            r.checked_out_at = at
            r.hours = round((at - r.checked_in_at).total_seconds() / 3600.0, 2)
        record(uow, actor, "task.check_out" if out else "task.check_in", "task_assignment", r.id,
               community_code=comm["code"], after={"task": task.code, "at": at.isoformat(), "hours": r.hours},
               batch_id=batch)
    return len(ids)


@write_service(*WRITE_ROLES)
def check_in(uow: UnitOfWork, actor: Actor, assignment_ids: Sequence[int], at: dt.datetime | None = None) -> int:
    """Record that people arrived at their task (one or many)."""
    return _clock_assignments(uow, actor, assignment_ids, at, out=False)


@write_service(*WRITE_ROLES)
def check_out(uow: UnitOfWork, actor: Actor, assignment_ids: Sequence[int], at: dt.datetime | None = None) -> int:
    """Record that people left; the hours served are the time between check-in and check-out."""
    return _clock_assignments(uow, actor, assignment_ids, at, out=True)
