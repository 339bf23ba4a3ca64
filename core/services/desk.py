"""Desk edits of what changes every day (日常维护): a community's risk level (today, back-dated or
scheduled), a person on or off duty, the grid member of a grid. Each is audited with who, when, why
and before/after, re-checks role and street scope here, and is reversible (a later edit that puts
the old value back, or the cancel of a scheduled change).

Risk levels are dated: every change writes the ``community_condition`` row of its day (past days'
figures read them). The community row's ``risk_level`` is the level in force on the reference day:
set at once for today or a back-dated day without a later row, and for a scheduled (future) day on
that day by ``apply_due_risk``, which the state read calls (a sync at read, see below).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.model.actor import SYSTEM, Actor, require, write_service
from core.model.errors import ConcurrentChange, FangxianError, InvalidInput, NotFound, RuleViolation
from core.model.vocab import RiskLevel, StaffKind
from core.services import clock
from core.services.audit import new_batch_id, record
from core.services.uow import UnitOfWork

RISK_ROLES = ("leader", "admin")
DUTY_ROLES = ("coordinator", "clerk", "admin")
GRID_ROLES = ("coordinator", "clerk", "admin")
RISK_LEVELS = tuple(r.value for r in RiskLevel)
#: why someone is off duty (病假、隔离、轮休、离岗、其他), stored in ``duty_change.reason``
DUTY_REASONS = ("sick", "isolation", "rest", "left", "other")
#: meta key: the earliest day a scheduled risk change may come due (ISO date); absent: none pending
DUE_KEY = "desk.risk_due"


def _reason(reason: str | None) -> str:
    if not reason or not reason.strip():
        raise InvalidInput("desk.reason_missing")
    return reason.strip()


# --- risk level ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskChange:
    code: str
    level: str
    effective: dt.date
    kind: str  # today | backdated | scheduled
    in_force_today: bool


def latest_per_community(rows: pd.DataFrame) -> pd.DataFrame:
    """The latest condition row of each community (vectorised: sort + drop_duplicates)."""
    return (rows.sort_values(["community_id", "valid_from"], kind="stable")
            .drop_duplicates("community_id", keep="last").reset_index(drop=True))


def apply_due_risk(uow: UnitOfWork) -> int:
    """Bring the community rows to the risk level in force today once a scheduled change is due (one
    meta read when nothing is due). Called by the state read, so a change dated for a day shows on
    that day without anyone acting; audited as the system. Returns the communities changed."""
    due = uow.meta.get(DUE_KEY)
    if due is None:
        return 0
    today = clock.reference_day(uow)
    if dt.date.fromisoformat(due) > today:
        return 0
    uow.desk.serialise()
    due = uow.desk.lock_meta(DUE_KEY)  # a second reader waits here, then finds it done
    if due is None or dt.date.fromisoformat(due) > today:
        return 0
    rows = uow.desk.conditions_between(dt.date.fromisoformat(due), today)
    changed = 0
    if len(rows):
        last = latest_per_community(rows)
        comms = uow.desk.lock_communities([int(i) for i in last["community_id"]])
        for cid, level, day in zip(last["community_id"], last["risk_level"], last["valid_from"], strict=True):
            c = comms.get(int(cid))
            if c is None or c.risk_level == level:
                continue
            before, c.risk_level = c.risk_level, str(level)
            changed += 1
            record(uow, SYSTEM, "community.risk_due", "community", c.code, community_code=c.code,
                   before={"risk_level": before}, after={"risk_level": str(level), "effective": str(day)},
                   reason="scheduled", batch_id=new_batch_id())
        uow.desk.flush()
    _reset_due(uow, today)
    return changed


def _reset_due(uow: UnitOfWork, today: dt.date) -> None:
    nxt = uow.desk.first_condition_after(today)
    if nxt is None:
        uow.desk.delete_meta(DUE_KEY)
    else:
        uow.meta.set(DUE_KEY, nxt.isoformat())
    uow.desk.flush()


def _locked_community(uow: UnitOfWork, actor: Actor, community_id: int, expected_version: int | None) -> Any:
    c = uow.desk.lock_community(int(community_id))
    if c is None:
        raise NotFound("desk.community_missing", id=community_id)
    require(actor, *RISK_ROLES, streets=[uow.desk.street_of(c.id)])
    if expected_version is not None and c.version != int(expected_version):
        raise ConcurrentChange("desk.community_changed", code=c.code)
    return c


@write_service(*RISK_ROLES)
def set_risk_level(uow: UnitOfWork, actor: Actor, community_id: int, level: str, effective: dt.date, reason: str,
                   expected_version: int | None) -> RiskChange:
    """Set a community's risk level from ``effective`` on (today, a past day or a future day)."""
    reason = _reason(reason)
    if level not in RISK_LEVELS:
        raise InvalidInput("desk.risk_level_unknown", level=level, levels=list(RISK_LEVELS))
    uow.desk.serialise()
    apply_due_risk(uow)
    c = _locked_community(uow, actor, community_id, expected_version)
    today = clock.reference_day(uow)
    conds = uow.desk.conditions_of(c.id)
    same = next((r for r in conds if r.valid_from == effective), None)
    earlier = [r for r in conds if r.valid_from <= effective]
    in_force = earlier[-1].risk_level if earlier else c.risk_level
    if in_force == level:
        raise RuleViolation("desk.risk_unchanged", code=c.code, level=FangxianError(f"risk.{level}"),
                            day=effective.isoformat())
    if same is not None:
        same.risk_level = level
    else:
        base = earlier[-1] if earlier and effective < today else c
        uow.desk.add_condition(community_id=c.id, valid_from=effective, risk_level=level, checkpoints=base.checkpoints,
                               isolated_households=base.isolated_households,
                               vulnerable_residents=base.vulnerable_residents, recorded_at=clock.exact_now())
    later = [r for r in conds if effective < r.valid_from <= today]
    now_in_force = effective <= today and not later
    before_level = c.risk_level
    if now_in_force and c.risk_level != level:
        c.risk_level = level
        uow.desk.flush()
    else:
        uow.desk.touch(c, "risk_level")  # the version goes up: a stale view of the community is refused
    if effective > today:
        _reset_due(uow, today)
    kind = "today" if effective == today else "backdated" if effective < today else "scheduled"
    record(uow, actor, "community.risk_level", "community", c.code, community_code=c.code,
           before={"risk_level": in_force, "current": before_level,
                   "condition": None if same is None else "replaced"},
           after={"risk_level": level, "effective": effective.isoformat(), "kind": kind,
                  "current": c.risk_level},
           reason=reason, batch_id=new_batch_id())
    return RiskChange(c.code, level, effective, kind, now_in_force)


@write_service(*RISK_ROLES)
def cancel_risk_change(uow: UnitOfWork, actor: Actor, community_id: int, effective: dt.date, reason: str,
                       expected_version: int | None = None) -> str:
    """Cancel a scheduled (future) risk change: its condition row goes. Returns the community's code."""
    reason = _reason(reason)
    uow.desk.serialise()
    apply_due_risk(uow)
    c = _locked_community(uow, actor, community_id, expected_version)
    today = clock.reference_day(uow)
    if effective <= today:
        raise RuleViolation("desk.risk_not_scheduled", code=c.code, day=effective.isoformat())
    row = next((r for r in uow.desk.conditions_of(c.id) if r.valid_from == effective), None)
    if row is None:
        raise NotFound("desk.risk_change_missing", code=c.code, day=effective.isoformat())
    before = {"risk_level": row.risk_level, "effective": effective.isoformat()}
    uow.desk.delete_condition(row.id)
    uow.desk.touch(c, "risk_level")
    _reset_due(uow, today)
    record(uow, actor, "community.risk_cancel", "community", c.code, community_code=c.code, before=before,
           after={"cancelled": True}, reason=reason, batch_id=new_batch_id())
    return str(c.code)


def risk_communities(uow: UnitOfWork, streets: Sequence[str] | None = None) -> pd.DataFrame:
    """Communities (code, name, street, level, version) for the desk's picker, within ``streets``."""
    df = uow.desk.communities()
    return df if streets is None else df[df["street_code"].isin(list(streets))].reset_index(drop=True)


def scheduled_risk_changes(uow: UnitOfWork, streets: Sequence[str] | None = None) -> pd.DataFrame:
    """Risk changes dated after today that change the level (rows that only repeat it are left out)."""
    df = uow.desk.scheduled_after(clock.reference_day(uow))
    if streets is not None:
        df = df[df["street_code"].isin(list(streets))]
    if df.empty:
        return df.assign(previous=pd.Series(dtype=object)).reset_index(drop=True)
    df = df.sort_values(["community_id", "valid_from"], kind="stable")
    prev = df.groupby("community_id")["risk_level"].shift(1)
    df["previous"] = prev.where(prev.notna(), df["current_level"])
    return (df[df["risk_level"] != df["previous"]].sort_values(["valid_from", "code"], kind="stable")
            .reset_index(drop=True))


# --- on / off duty -------------------------------------------------------------------------------------


@write_service(*DUTY_ROLES)
def set_duty(uow: UnitOfWork, actor: Actor, staff_id: int, on_duty: bool, *, reason: str,
             expected_return: dt.date | None = None, note: str = "", expected_version: int | None) -> str:
    """Put a person off duty (reason sick|isolation|rest|left|other, expected return) or back on duty
    (reason: free text); ``staff.on_duty`` follows, a dated ``duty_change`` is appended. Returns the code."""
    if on_duty:
        why = _reason(reason)
        expected_return = None
    else:
        if reason not in DUTY_REASONS:
            raise InvalidInput("desk.duty_reason_unknown", reason=reason, reasons=list(DUTY_REASONS))
        why = f"{reason} {note.strip()}".strip()
        if expected_return is not None and expected_return < clock.reference_day(uow):
            raise InvalidInput("desk.return_in_past", day=expected_return.isoformat())
    uow.desk.serialise()
    st = uow.desk.lock_person(int(staff_id))
    if st is None:
        raise NotFound("desk.staff_missing", id=staff_id)
    require(actor, *DUTY_ROLES, streets=[uow.desk.street_of(st.community_id)])
    if expected_version is not None and st.version != int(expected_version):
        raise ConcurrentChange("desk.staff_changed", staff=st.code)
    if on_duty and st.on_duty:
        raise RuleViolation("desk.already_on_duty", staff=st.code)
    was = bool(st.on_duty)
    uow.desk.add_duty_change(staff_id=st.id, at=clock.wall_now(), on_duty=bool(on_duty),
                             reason=None if on_duty else reason, expected_return=expected_return)
    if was != bool(on_duty):
        st.on_duty = bool(on_duty)
        uow.desk.flush()
    else:
        uow.desk.touch(st, "on_duty")  # off again with a new reason or return day
    comm = uow.tables.community_ref(st.community_id) if st.community_id is not None else None
    record(uow, actor, "staff.duty", "staff", st.code, community_code=comm["code"] if comm else None,
           before={"on_duty": was}, after={"on_duty": bool(on_duty), "reason": None if on_duty else reason,
                                           "expected_return": expected_return.isoformat() if expected_return else None,
                                           "note": note.strip() or None},
           reason=why, batch_id=new_batch_id())
    return str(st.code)


def _scoped(df: pd.DataFrame, streets: Sequence[str] | None) -> pd.DataFrame:
    if streets is None:
        return df.reset_index(drop=True)
    return df[df["street_code"].isin(list(streets))].reset_index(drop=True)


def off_duty_list(uow: UnitOfWork, streets: Sequence[str] | None = None) -> pd.DataFrame:
    """Who is off duty (within ``streets``): since when, why, expected return, and overdue returns."""
    df = _scoped(uow.desk.off_duty(), streets)
    today = clock.reference_day(uow)
    ret = pd.to_datetime(df["expected_return"])
    df["overdue"] = (ret.notna() & (ret < pd.Timestamp(today))).to_numpy(bool)
    since = pd.to_datetime(df["since"])
    df["days_off"] = np.where(since.notna(), (pd.Timestamp(today) - since.dt.normalize()).dt.days, np.nan)
    return df.sort_values(["overdue", "expected_return", "code"], ascending=[False, True, True],
                          kind="stable", na_position="last").reset_index(drop=True)


def find_people(uow: UnitOfWork, text: str, streets: Sequence[str] | None = None, limit: int = 30,
                kind: str | None = None) -> pd.DataFrame:
    """People whose code or name contains ``text`` (within ``streets``; people placed nowhere only for
    a district-wide scope)."""
    if not text.strip():
        return _scoped(uow.desk.find_people("", 0, kind), streets)
    return _scoped(uow.desk.find_people(text, limit * 4 if streets is not None else limit, kind), streets).head(limit)


# --- grid member of a grid ---------------------------------------------------------------------------


def _move(uow: UnitOfWork, actor: Actor, person: Any, community_id: int | None, grid_id: int | None,
          grid_codes: dict[int | None, str | None], when: dt.datetime, reason: str, batch: str) -> None:
    """Close the person's open assignment and open one at (community, grid); audited."""
    before = {"community_id": person.community_id, "grid": grid_codes.get(person.grid_id)}
    uow.reassign.close_open_assignments([person.id], when)
    if community_id is not None:
        uow.reassign.add_assignment(staff_id=person.id, community_id=community_id, grid_id=grid_id, valid_from=when,
                                    batch_id=batch)
    person.community_id, person.grid_id = community_id, grid_id
    record(uow, actor, "staff.grid", "staff", person.code, before=before,
           after={"community_id": community_id, "grid": grid_codes.get(grid_id)}, reason=reason, batch_id=batch)


@write_service(*GRID_ROLES)
def assign_grid_member(uow: UnitOfWork, actor: Actor, grid_id: int, staff_id: int | None, reason: str) -> str:
    """Make a grid member (kind grid_member) the one of ``grid_id`` (``None``: leave it without one);
    the grid's previous member has the grid cleared. Returns the audit batch id."""
    reason = _reason(reason)
    uow.desk.serialise()
    g = uow.desk.grid_ref(int(grid_id))
    if g is None:
        raise NotFound("desk.grid_missing", id=grid_id)
    current = uow.desk.lock_members_of(int(grid_id))
    person = None
    if staff_id is not None:
        person = uow.desk.lock_person(int(staff_id))
        if person is None:
            raise NotFound("desk.staff_missing", id=staff_id)
    streets = [g["street_code"]] + ([uow.desk.street_of(person.community_id)] if person is not None else [])
    require(actor, *GRID_ROLES, streets=streets)
    if person is not None and person.kind != StaffKind.GRID_MEMBER.value:
        raise RuleViolation("desk.not_grid_member", staff=person.code)
    if person is not None and [p.id for p in current] == [person.id]:
        raise RuleViolation("desk.already_grid_member", staff=person.code, grid=g["code"])
    if person is None and not current:
        raise RuleViolation("desk.grid_without_member", grid=g["code"])
    batch, when = new_batch_id(), clock.exact_now()
    codes: dict[int | None, str | None] = {int(grid_id): g["code"], None: None}
    if person is not None and person.grid_id is not None and person.grid_id not in codes:
        other = uow.desk.grid_ref(person.grid_id)
        codes[person.grid_id] = other["code"] if other else None
    touched = {g["community_id"]}
    for prev in current:
        if person is None or prev.id != person.id:
            touched.add(prev.community_id)
            _move(uow, actor, prev, prev.community_id, None, codes, when, reason, batch)
    if person is not None:
        touched.add(person.community_id)
        _move(uow, actor, person, g["community_id"], int(grid_id), codes, when, reason, batch)
    uow.desk.flush()
    uow.reassign.bump_versions([c for c in touched if c is not None])
    record(uow, actor, "grid.member", "grid", g["code"], community_code=g["community_code"],
           before={"staff": [p.code for p in current]}, after={"staff": person.code if person is not None else None},
           reason=reason, batch_id=batch)
    return batch


def grid_desk(uow: UnitOfWork, streets: Sequence[str] | None = None) -> pd.DataFrame:
    """Grids (within ``streets``) with their community, street and current grid member."""
    return _scoped(uow.desk.grids(), streets)


def grid_member_choices(uow: UnitOfWork, streets: Sequence[str] | None = None) -> pd.DataFrame:
    """Every person of kind grid_member within ``streets``, where they are now."""
    return _scoped(uow.desk.grid_members(), streets)


# --- screening: the scope of a new campaign ------------------------------------------------------------


def campaign_scope(uow: UnitOfWork) -> pd.DataFrame:
    """Grids with households, community and street: what a new campaign can cover."""
    return uow.desk.grid_scope()


def desk_counts(uow: UnitOfWork) -> dict[str, int]:
    """What the desk can work on: people, grid members and grids (a district may have none yet)."""
    return {"staff": uow.desk.count_people(), "grid_members": uow.desk.count_people(StaffKind.GRID_MEMBER.value),
            "grids": uow.desk.count_grids()}
