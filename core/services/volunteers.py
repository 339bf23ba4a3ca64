"""Volunteers and their deployments: the registry, tasks, assigning people (conflicts and fatigue
refused or warned, see ``core.model.volunteer_rules``), check-in/check-out, and the reads the page needs.

Every write is one transaction with its audit entries (one batch id per user action). Names and
phones are masked for roles that do not see personal data (``core.model.privacy``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.model.actor import Actor, require, write_service
from core.model.errors import ConcurrentChange, InvalidInput, NotFound, RuleViolation
from core.model.norms import Norms
from core.model.privacy import mask_frame
from core.model.vocab import SKILLS_ZH, VOLUNTEER_TYPE_ZH
from core.model.volunteer_rules import (
    TASK_TYPE_ZH,
    TASK_TYPES,
    Issue,
    check_assignments,
    check_window,
    days_label,
    fatigue_table,
    hours_by_day,
)
from core.services.audit import new_batch_id, record
from core.services.norms import norms_for_day
from core.storage.db import session_scope
from core.storage.repositories import volunteers_repo as repo
from core.storage.rows.volunteers import TaskAssignment, VolunteerAvailability, VolunteerTask

WRITE_ROLES = ("coordinator", "admin")
REGISTRY_ROLES = ("coordinator", "clerk", "admin")
MAX_BATCH = 200


class NeedsOverride(RuleViolation):
    """Warnings (fatigue under the "warn" policy, availability) that need an override reason."""


def reference_now(url: str | None) -> dt.datetime:
    """Now, on the demo's own day when the database holds the demo (the clock's time of day)."""
    with session_scope(url) as s:
        day = repo.reference_day(s)
    now = dt.datetime.now().replace(microsecond=0)
    return now if day == now.date() else dt.datetime.combine(day, now.time())


def fill_label(assigned: pd.Series, needed: pd.Series) -> pd.Series:
    """Needed vs taken as "3 / 2" (overbooked shows as is)."""
    return assigned.astype(int).astype(str) + " / " + needed.astype(int).astype(str)


# --- reads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeploymentView:
    now: dt.datetime
    today: dt.date
    tasks: pd.DataFrame  # today's tasks: ..., needed, assigned, missing, fill, overbooked, active_now
    assignments: pd.DataFrame  # today's live assignments (names masked per role)
    people: pd.DataFrame  # registry with hours and fatigue (names masked per role)
    communities: pd.DataFrame  # per community: registered, deployed today, unmet seats, per 1,000 residents
    norms: Norms
    kpis: dict[str, int] = field(default_factory=dict)


def _skills_zh(skills: pd.Series) -> pd.Series:
    """"driving,medical" -> 驾驶、医护 (exploded and joined back; no loop per person)."""
    parts = skills.fillna("").astype(str).str.split(",").explode()
    parts = parts[parts != ""]
    zh = parts.map(lambda x: SKILLS_ZH.get(x, x)) if len(parts) else parts
    return zh.groupby(level=0).agg("、".join).reindex(skills.index).fillna("")


def _availability_zh(days: pd.Series, hour_from: pd.Series, hour_to: pd.Series) -> pd.Series:
    """Weekdays and hours as Chinese (a label per distinct weekday set), 未登记 when none."""
    labels = days.map({d: days_label(str(d)) for d in days.dropna().unique()})
    hours = (hour_from.fillna(0).astype(int).astype(str).str.zfill(2) + "–"
             + hour_to.fillna(0).astype(int).astype(str).str.zfill(2) + " 时")
    return (labels + " " + hours).where(days.notna(), "未登记")


def load_view(url: str | None, *, personal: bool, now: dt.datetime | None = None) -> DeploymentView:
    """Everything the deployment page shows, for the reference day (the demo's own today in the demo)."""
    now = now or reference_now(url)
    today = now.date()
    start, end = dt.datetime.combine(today, dt.time()), dt.datetime.combine(today + dt.timedelta(days=1), dt.time())
    norms = norms_for_day(url, today)
    with session_scope(url) as s:
        tasks = repo.tasks(s, start, end)
        tasks = tasks[tasks["status"] == "open"].reset_index(drop=True)
        assigned = repo.assignments(s, start, end)
        history = repo.assignments(s, start - dt.timedelta(days=21), end)
        people = repo.people(s)
        from core.storage.repositories import tables_repo as core_repo

        comms = core_repo.communities(s)
    tasks["missing"] = (tasks["needed"] - tasks["assigned"]).clip(lower=0)
    tasks["overbooked"] = tasks["assigned"] > tasks["needed"]
    tasks["fill"] = fill_label(tasks["assigned"], tasks["needed"])
    st_, en_ = pd.to_datetime(tasks["starts_at"]), pd.to_datetime(tasks["ends_at"])
    tasks["active_now"] = (st_ <= pd.Timestamp(now)) & (en_ > pd.Timestamp(now))
    tasks["type_zh"] = tasks["type"].map(TASK_TYPE_ZH)
    per_day = hours_by_day(history)
    fat = fatigue_table(per_day, today, norms.max_hours_per_day, norms.max_consecutive_days)
    served = history[history["hours"].notna()].groupby("staff_id")["hours"].sum()
    people = people.merge(fat, on="staff_id", how="left").fillna(
        {"hours_today": 0.0, "hours_7d": 0.0, "streak": 0, "worn_out": False})
    people["hours_served_21d"] = people["staff_id"].map(served).fillna(0.0)
    people["worn_out"] = people["worn_out"].astype(bool)
    people["type_zh"] = np.where(people["kind"] == "party_member", "在职党员",
                                 people["volunteer_type"].map({k.value: v for k, v in VOLUNTEER_TYPE_ZH.items()}))
    people["skills_zh"] = _skills_zh(people["skills"])
    people["availability"] = _availability_zh(people["days"], people["hour_from"], people["hour_to"])
    on_post = assigned["checked_in_at"].notna() & assigned["checked_out_at"].isna()
    assigned = assigned.assign(on_post=on_post.to_numpy())
    dep_people = assigned.drop_duplicates("staff_id")
    c = comms[["id", "code", "name", "street_code", "street", "population", "lon", "lat"]].rename(
        columns={"id": "community_id"})
    vol = people[people["on_duty"].astype(bool)]
    c["volunteers"] = c["community_id"].map(vol[vol["kind"] == "volunteer"].groupby("community_id").size()).fillna(0).astype(int)
    c["party_members"] = c["community_id"].map(vol[vol["kind"] == "party_member"].groupby("community_id").size()).fillna(0).astype(int)
    c["deployed_today"] = c["community_id"].map(dep_people.groupby("community_id").size()).fillna(0).astype(int)
    c["on_post_now"] = c["community_id"].map(assigned[on_post].groupby("community_id")["staff_id"].nunique()).fillna(0).astype(int)
    c["tasks_today"] = c["community_id"].map(tasks.groupby("community_id").size()).fillna(0).astype(int)
    c["unmet_seats"] = c["community_id"].map(tasks.groupby("community_id")["missing"].sum()).fillna(0).astype(int)
    pop = c["population"].to_numpy(float)
    c["volunteers_per_1k"] = np.where(pop > 0, c["volunteers"] / np.where(pop > 0, pop, 1) * 1000, np.nan).round(2)
    kpis = {"volunteers": int((vol["kind"] == "volunteer").sum()), "party_members": int((vol["kind"] == "party_member").sum()),
            "deployed_today": int(len(dep_people)), "on_post_now": int(on_post.sum()), "tasks_today": int(len(tasks)),
            "unmet_seats": int(tasks["missing"].sum()), "worn_out": int(people["worn_out"].sum()),
            "overbooked": int(tasks["overbooked"].sum())}
    if not personal:
        people = mask_frame(people, None, name_columns=["staff_name"], phone_columns=["phone"])
        assigned = mask_frame(assigned, None, name_columns=["staff_name"], phone_columns=["phone"])
    return DeploymentView(now=now, today=today, tasks=tasks, assignments=assigned, people=people,
                          communities=c, norms=norms, kpis=kpis)


def candidates(url: str | None, task_id: int, *, personal: bool, limit: int = 300) -> pd.DataFrame:
    """Who could take a task: on duty, deployable, not already on it, from the task's street; those
    with no issue and the fewest hours that day first, the task's own community before the rest;
    each with the issues assigning them would raise (blocking ones sort last)."""
    with session_scope(url) as s:
        task = repo.task_ref(s, task_id)
        if task is None:
            raise NotFound(f"任务 {task_id} 不存在")
        window = (task.starts_at, task.ends_at)
        comm = repo.community_ref(s, task.community_id)
        people = repo.people(s)
        on_task = repo.assignments(s, *window, task_id=task_id)
        day0 = dt.datetime.combine(window[0].date(), dt.time())
        that_day = repo.assignments(s, day0, day0 + dt.timedelta(days=1))
    assert comm is not None
    norms = norms_for_day(url, window[0].date())
    pool = people[people["on_duty"].astype(bool) & ~people["staff_id"].isin(on_task["staff_id"])]
    pool = pool.assign(same_community=pool["community_id"] == task.community_id,
                       same_street=pool["street_code"] == comm["street_code"])
    pool = pool[pool["same_street"]].sort_values(["same_community", "staff_id"], ascending=[False, True]).head(limit)
    issues = _issues_for(url, pool["staff_id"].astype(int).tolist(), window, norms)
    by = pd.DataFrame([(i.staff_id, i.blocking, i.message) for i in issues],
                      columns=["staff_id", "blocking", "message"])
    blocking = by[by["blocking"]].groupby("staff_id")["message"].agg("；".join)
    warn = by[~by["blocking"]].groupby("staff_id")["message"].agg("；".join)
    out = pool.assign(blocked=pool["staff_id"].map(blocking).notna(),
                      issues=pool["staff_id"].map(blocking).fillna(pool["staff_id"].map(warn)).fillna(""),
                      warned=pool["staff_id"].map(warn).notna(), skills_zh=_skills_zh(pool["skills"]))
    per_day = hours_by_day(that_day)
    hours = per_day[per_day["day"] == window[0].date()].set_index("staff_id")["hours"]
    out["hours_that_day"] = out["staff_id"].map(hours).fillna(0.0)
    # rested people first: fewest hours that day, then the task's own community
    out = out.sort_values(["blocked", "warned", "hours_that_day", "same_community", "staff_id"],
                          ascending=[True, True, True, False, True])
    if not personal:
        out = mask_frame(out, None, name_columns=["staff_name"], phone_columns=["phone"])
    return out.reset_index(drop=True)


def _issues_for(url: str | None, staff_ids: list[int], window: tuple[dt.datetime, dt.datetime], norms: Norms,
                session: Any = None) -> list[Issue]:
    if not staff_ids:
        return []
    pad = dt.timedelta(days=int(norms.max_consecutive_days) + 2)

    def read(s: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        people = repo.people(s, staff_ids=staff_ids)
        existing = repo.assignments(s, window[0] - pad, window[1] + pad, staff_ids=staff_ids)
        return people, existing, repo.availability(s, staff_ids)

    if session is None:
        with session_scope(url) as s:
            people, existing, av = read(s)
    else:
        people, existing, av = read(session)
    return check_assignments(people, existing, av, starts_at=window[0], ends_at=window[1],
                             max_hours_per_day=norms.max_hours_per_day,
                             max_consecutive_days=norms.max_consecutive_days, fatigue_policy=norms.fatigue_policy)


def checkpoints(url: str | None) -> pd.DataFrame:
    with session_scope(url) as s:
        return repo.checkpoints(s)


# --- writes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskCreated:
    id: int
    code: str


@write_service(*WRITE_ROLES)
def create_task(actor: Actor, url: str | None, *, type_: str, starts_at: dt.datetime, ends_at: dt.datetime,
                needed: int, community_id: int | None = None, checkpoint_id: int | None = None,
                grid_id: int | None = None, title: str = "", note: str = "") -> TaskCreated:
    """Create a task at a checkpoint (its community and position) or in a community (optionally a grid)."""
    if type_ not in TASK_TYPES:
        raise InvalidInput(f"未知的任务类型：{type_}")
    check_window(starts_at, ends_at)
    if not 1 <= int(needed) <= 500:
        raise InvalidInput("所需人数应在 1–500 人之间")
    if type_ == "checkpoint" and checkpoint_id is None:
        raise InvalidInput("卡点值守任务需要选择卡点")
    title, note = title.strip()[:120], note.strip()[:500]
    with session_scope(url) as s:
        repo.serialise_writers(s)
        lon = lat = None
        if checkpoint_id is not None:
            cp = repo.checkpoint_ref(s, checkpoint_id)
            if cp is None or not cp["active"]:
                raise NotFound(f"卡点 {checkpoint_id} 不存在或已撤销")
            community_id, grid_id, lon, lat = cp["community_id"], cp["grid_id"], cp["lon"], cp["lat"]
            title = title or str(cp["name"])
        if community_id is None:
            raise InvalidInput("请选择任务所在社区")
        comm = repo.community_ref(s, community_id)
        if comm is None:
            raise NotFound(f"社区 {community_id} 不存在")
        require(actor, *WRITE_ROLES, streets=[comm["street_code"]])
        if grid_id is not None and lon is None:
            grid = repo.grid_ref(s, grid_id)
            if grid is None or grid["community_id"] != community_id:
                raise InvalidInput("所选网格不属于该社区")
            lon, lat = grid["lon"], grid["lat"]
        row = VolunteerTask(code=repo.next_code(s, VolunteerTask, "T", starts_at.date()), type=type_,
                            title=title or f"{comm['name']}{TASK_TYPE_ZH[type_]}", community_id=community_id,
                            grid_id=grid_id, checkpoint_id=checkpoint_id, lon=lon if lon is not None else comm["lon"],
                            lat=lat if lat is not None else comm["lat"], starts_at=starts_at, ends_at=ends_at,
                            needed=int(needed), status="open", note=note, created_by=actor.username)
        repo.add(s, row)
        repo.flush(s)
        record(s, actor, "task.create", "volunteer_task", row.code, community_code=comm["code"],
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
    warnings: tuple[str, ...]

    @property
    def fill(self) -> str:
        return f"{self.total} / {self.needed}"


@write_service(*WRITE_ROLES)
def assign_volunteers(actor: Actor, url: str | None, task_id: int, staff_ids: Sequence[int], *,
                      override_reason: str = "", expected_version: int | None = None) -> AssignResult:
    """Put one or many people on a task, all or none: conflicts are refused; fatigue is refused or,
    under the "warn" policy, needs an override reason (audited with each warning)."""
    ids = sorted({int(x) for x in staff_ids})
    if not ids:
        raise InvalidInput("请至少选择一名志愿者")
    if len(ids) > MAX_BATCH:
        raise InvalidInput(f"一次最多派 {MAX_BATCH} 人")
    reason = override_reason.strip()
    with session_scope(url) as s:
        repo.serialise_writers(s)
        task = repo.lock_task(s, task_id)
        if task is None or task.status != "open":
            raise NotFound(f"任务 {task_id} 不存在或已取消")
        if expected_version is not None and task.version != expected_version:
            raise ConcurrentChange(f"任务 {task.code} 已被他人修改，请刷新后重试")
        comm = repo.community_ref(s, task.community_id)
        assert comm is not None
        require(actor, *WRITE_ROLES, streets=[comm["street_code"]])
        locked = repo.lock_people(s, ids)
        missing = sorted(set(ids) - set(locked["staff_id"].astype(int)))
        if missing:
            raise NotFound(f"人员不存在：{'、'.join(map(str, missing))}")
        already = [a for a in repo.existing_pairs(s, task_id, ids) if a.status == "assigned"]
        if already:
            codes = locked.set_index("staff_id").loc[[a.staff_id for a in already], "code"]
            raise RuleViolation(f"已在该任务中：{'、'.join(codes)}")
        norms = norms_for_day(url, task.starts_at.date())
        issues = _issues_for(url, ids, (task.starts_at, task.ends_at), norms, session=s)
        hard = [i.message for i in issues if i.blocking]
        soft = [i.message for i in issues if not i.blocking]
        if hard:
            raise RuleViolation("不能派岗：" + "；".join(hard), issues=hard)
        if soft and not reason:
            raise NeedsOverride("需要填写原因才能派岗：" + "；".join(soft), issues=soft)
        batch = new_batch_id()
        old = {a.staff_id: a for a in repo.existing_pairs(s, task_id, ids)}
        now = dt.datetime.now().replace(microsecond=0)
        code = locked.set_index("staff_id")["code"]
        for sid in ids:  # a handful chosen by a person (at most MAX_BATCH)
            row = old.get(sid)
            if row is None:
                row = TaskAssignment(task_id=task_id, staff_id=sid)
                repo.add(s, row)
            row.status, row.assigned_at, row.assigned_by = "assigned", now, actor.username
            row.override_reason = reason if soft else ""
            row.checked_in_at = row.checked_out_at = None
            row.hours = None
            row.batch_id = batch
            mine = [i.message for i in issues if i.staff_id == sid]
            record(s, actor, "task.assign", "task_assignment", f"{task.code}:{code[sid]}", community_code=comm["code"],
                   after={"task": task.code, "staff": code[sid], "warnings": mine}, reason=reason if mine else "",
                   batch_id=batch)
        repo.flush(s)
        total = len(repo.assignments(s, task.starts_at, task.ends_at, task_id=task_id))
        return AssignResult(task.code, len(ids), total, int(task.needed), tuple(soft))


@write_service(*WRITE_ROLES)
def unassign(actor: Actor, url: str | None, assignment_id: int, reason: str) -> None:
    """Take a person off a task (the row stays, cancelled); refused once they have checked in."""
    if not reason.strip():
        raise InvalidInput("请填写撤下原因")
    with session_scope(url) as s:
        a = repo.get_assignment(s, assignment_id)
        if a is None or a.status != "assigned":
            raise NotFound(f"派岗记录 {assignment_id} 不存在或已撤下")
        if a.checked_in_at is not None:
            raise RuleViolation("已签到的人员不能撤下，请先签退")
        task = repo.task_ref(s, a.task_id)
        assert task is not None
        comm = repo.community_ref(s, task.community_id)
        assert comm is not None
        require(actor, *WRITE_ROLES, streets=[comm["street_code"]])
        a.status = "cancelled"
        record(s, actor, "task.unassign", "task_assignment", a.id, community_code=comm["code"],
               before={"status": "assigned"}, after={"status": "cancelled", "task": task.code},
               reason=reason.strip(), batch_id=new_batch_id())


def _clock(actor: Actor, url: str | None, assignment_ids: Sequence[int], at: dt.datetime | None, out: bool) -> int:
    at = (at or dt.datetime.now()).replace(microsecond=0)
    ids = sorted({int(x) for x in assignment_ids})
    if not ids:
        raise InvalidInput("请至少选择一条派岗记录")
    batch = new_batch_id()
    with session_scope(url) as s:
        rows = repo.assignments_by_id(s, ids)
        if len(rows) != len(ids) or any(r.status != "assigned" for r in rows):
            raise NotFound("派岗记录不存在或已撤下")
        for r in rows:
            task = repo.task_ref(s, r.task_id)
            assert task is not None
            comm = repo.community_ref(s, task.community_id)
            assert comm is not None
            require(actor, *WRITE_ROLES, streets=[comm["street_code"]])
            if not out:
                if r.checked_in_at is not None:
                    raise RuleViolation(f"{task.code} 的派岗记录 {r.id} 已签到")
                r.checked_in_at = at
            else:
                if r.checked_in_at is None or r.checked_out_at is not None:
                    raise RuleViolation(f"{task.code} 的派岗记录 {r.id} 未签到或已签退")
                if at <= r.checked_in_at:
                    raise InvalidInput("签退时间必须晚于签到时间")
                r.checked_out_at = at
                r.hours = round((at - r.checked_in_at).total_seconds() / 3600.0, 2)
            record(s, actor, "task.check_out" if out else "task.check_in", "task_assignment", r.id,
                   community_code=comm["code"], after={"task": task.code, "at": at.isoformat(), "hours": r.hours},
                   batch_id=batch)
    return len(ids)


@write_service(*WRITE_ROLES)
def check_in(actor: Actor, url: str | None, assignment_ids: Sequence[int], at: dt.datetime | None = None) -> int:
    """Record that people arrived at their task (one or many)."""
    return _clock(actor, url, assignment_ids, at, out=False)


@write_service(*WRITE_ROLES)
def check_out(actor: Actor, url: str | None, assignment_ids: Sequence[int], at: dt.datetime | None = None) -> int:
    """Record that people left; the hours served are the time between check-in and check-out."""
    return _clock(actor, url, assignment_ids, at, out=True)


@write_service(*REGISTRY_ROLES)
def set_availability(actor: Actor, url: str | None, staff_id: int, days: str, hour_from: int, hour_to: int) -> None:
    """Register when a volunteer can serve (weekday digits 0 = Monday … 6 = Sunday, whole hours)."""
    clean = "".join(sorted({c for c in str(days) if c in "0123456"}))
    if not clean:
        raise InvalidInput("至少选择一天")
    if not 0 <= int(hour_from) < int(hour_to) <= 24:
        raise InvalidInput("可服务时段应在 0–24 时之间，且结束晚于开始")
    with session_scope(url) as s:
        person = repo.staff_ref(s, staff_id)
        if person is None or person["kind"] not in repo.DEPLOYABLE:
            raise NotFound(f"志愿者 {staff_id} 不存在")
        if person["community_id"] is not None:
            comm = repo.community_ref(s, int(person["community_id"]))
            require(actor, *REGISTRY_ROLES, streets=[comm["street_code"]] if comm else [])
        row = repo.get_availability(s, staff_id)
        before = None if row is None else {"days": row.days, "hour_from": row.hour_from, "hour_to": row.hour_to}
        if row is None:
            row = VolunteerAvailability(staff_id=staff_id)
            repo.add(s, row)
        row.days, row.hour_from, row.hour_to = clean, int(hour_from), int(hour_to)
        row.updated_by, row.updated_at = actor.username, dt.datetime.now().replace(microsecond=0)
        record(s, actor, "volunteer.availability", "staff", person["code"], before=before,
               after={"days": clean, "hour_from": int(hour_from), "hour_to": int(hour_to)}, batch_id=new_batch_id())
