"""Duty rosters (排班) at checkpoints and in grids (网格值守): each post's shift pattern, who is on which shift, the rules every
assignment keeps (``core.model.roster_rules``: clashes refused, fatigue limits refused unless a reason is
given and audited), the empty shifts of the next hours, and a call-out list for one empty shift.

Any kind of staff may be rostered (cadres, community workers, grid members, property staff, party members,
volunteers), but only people on duty: someone off sick, in isolation or on leave (日常维护's off-duty
list) is neither offered nor accepted. The fatigue limits are terms of the norms in force (hours a day and a
week, days in a row, rest between shifts; ``fatigue_policy`` "refuse" makes them hard, "warn" lets a reason
override them).

A **post** is a checkpoint (``kind="checkpoint"``) or a grid's duty (``kind="grid"``: the grid members' day
and night watch, 网格值守). The functions keyed by post take ``checkpoint_id=`` or ``grid_id=``; frames of
shifts carry ``kind``, ``post_id`` and the kind's own id column. A grid without a pattern of its own follows
the norms (``grid_shifts_per_day`` shifts of ``grid_members_per_grid`` people).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.model.actor import Actor, require, write_service
from core.model.errors import InvalidInput, NotFound, RuleViolation
from core.model.geo import haversine_km
from core.model.norms import Norms
from core.model.roster_rules import (
    PRESETS,
    FatigueLimits,
    Problem,
    Slot,
    check_shift,
    even_slots,
    format_slots,
    parse_slots,
    slot_named,
)
from core.model.vocab import SKILLS
from core.model.volunteer_rules import hours_by_day, streak_through
from core.services import clock
from core.services.audit import new_batch_id, record
from core.services.uow import UnitOfWork

ROSTER_ROLES = ("coordinator", "admin")
LIMIT_KEY = "roster.limits.{name}"
#: how far back and ahead a person's other shifts matter to the rules (a week of hours, a streak)
LOOK_DAYS = 15


POST_KINDS = ("checkpoint", "grid")


@dataclass(frozen=True)
class Pattern:
    post_id: int
    slots: tuple[Slot, ...]
    people_per_shift: int
    from_norms: bool
    kind: str = "checkpoint"
    skill: str = ""  # a skill code everyone on the shifts should have ("": none)


def which(checkpoint_id: int | None, grid_id: int | None) -> tuple[str, int]:
    """The post named by exactly one of the two ids: (kind, id)."""
    if (checkpoint_id is None) == (grid_id is None):
        raise InvalidInput("roster.post_one")
    return ("checkpoint", int(checkpoint_id)) if checkpoint_id is not None else ("grid", int(grid_id))  # type: ignore[arg-type]


def post_frame(uow: UnitOfWork, kind: str, *, streets: frozenset[str] | None = None, ids: list[int] | None = None,
               active_only: bool = True) -> pd.DataFrame:
    """Posts of one kind in the columns of ``uow.duty.checkpoints`` (for a grid: its own code, name, grid)."""
    if kind == "grid":
        return uow.rosters.grid_posts(streets=streets, ids=ids)
    return uow.duty.checkpoints(streets=streets, active_only=active_only, ids=ids)


def slot_label(name: str, lang: str | None = None) -> str:
    """A shift's name to show: a preset's code in the reader's language (早班, Early …), a district's own
    name as it is."""
    from core.i18n import DEFAULT_LANG, TABLES, translate

    lang = lang or DEFAULT_LANG
    if f"roster.slot.{name}" in TABLES[lang]:
        return translate(f"roster.slot.{name}", lang)
    if name[:1] == "s" and name[1:].isdigit():
        return translate("roster.slot.n", lang, i=int(name[1:]))
    return name


#: the norms' terms of each fatigue limit (``FatigueLimits`` field -> norms term)
LIMIT_TERMS = {"max_hours_day": "max_hours_per_day", "max_hours_week": "max_hours_per_week",
               "max_consecutive_days": "roster_max_consecutive_days", "min_rest_hours": "min_rest_hours"}


def limits(uow: UnitOfWork, day: dt.date | None = None) -> FatigueLimits:
    """The fatigue limits of the norms in force on ``day`` (today). A limit an administrator set as a setting
    before the limits joined the norms (``roster.limits.*``) still holds while the norms do not state it."""
    params = uow.state.norm_params_for_day(day or clock.reference_day(uow)) or {}
    norms = Norms.from_params(params)
    base: dict[str, Any] = {}
    for name, term in LIMIT_TERMS.items():
        value: float = float(getattr(norms, term))
        raw = uow.meta.get(LIMIT_KEY.format(name=name)) if term not in params else None
        if raw:
            value = float(raw)
        base[name] = int(value) if name == "max_consecutive_days" else value
    return FatigueLimits(**base, hard=norms.fatigue_policy == "refuse")


@write_service("admin")
def set_limits(uow: UnitOfWork, actor: Actor, new: FatigueLimits, reason: str = "",
               valid_from: dt.date | None = None) -> int:
    """New fatigue limits: a new version of the norms (from ``valid_from``, today by default) with every other
    term as in force; audited as a norms change. Returns the version's id."""
    from core.services.norms import save_norms

    day = valid_from or clock.reference_day(uow)
    params = {**Norms.from_params(uow.state.norm_params_for_day(day)).to_params(),
              **{term: float(getattr(new, name)) for name, term in LIMIT_TERMS.items()}}
    try:
        Norms.from_params(params)
    except InvalidInput as e:
        raise InvalidInput("roster.limits_range") from e
    return save_norms(uow, actor, params, day, reason)


def _post_frame(uow: UnitOfWork, post_id: int, kind: str = "checkpoint") -> pd.DataFrame:
    """The one post as a row of ``post_frame`` (for ``patterns_of``); NotFound if there is none."""
    df = post_frame(uow, kind, ids=[int(post_id)], active_only=False)
    if not len(df):
        raise NotFound("duty.checkpoint_missing" if kind == "checkpoint" else "roster.grid_missing", id=post_id)
    return df


def _post(uow: UnitOfWork, post_id: int, kind: str = "checkpoint") -> dict[str, Any]:
    return _post_frame(uow, post_id, kind).iloc[0].to_dict()


def patterns_of(uow: UnitOfWork, cps: pd.DataFrame, day: dt.date | None = None,
                kind: str = "checkpoint") -> dict[int, Pattern]:
    """Each post's own pattern, or the norms' (a checkpoint's own shifts a day and people per shift where it
    has them; a grid: ``grid_shifts_per_day`` shifts of ``grid_members_per_grid`` people); ``cps``: rows of
    ``post_frame``. One query for the stored patterns, one for the norms."""
    from core.services.norms import norms_for_day

    ids = [int(x) for x in cps["id"]]
    stored = uow.rosters.patterns(ids, kind)
    key = f"{kind}_id"
    own = {int(getattr(r, key)): Pattern(int(getattr(r, key)), parse_slots(r.slots), int(r.people_per_shift), False,
                                         kind, str(r.skill or "")) for r in stored.itertuples()}
    norms = norms_for_day(uow, day)
    out: dict[int, Pattern] = {}
    for r in cps.itertuples():
        cid = int(r.id)
        if cid in own:
            out[cid] = own[cid]
            continue
        if kind == "grid":
            shifts, people = int(norms.grid_shifts_per_day), int(round(norms.grid_members_per_grid))
        else:
            shifts = int(r.shifts_per_day) if pd.notna(r.shifts_per_day) and r.shifts_per_day else int(
                norms.checkpoint_shifts_per_day)
            people = int(r.people_per_shift) if pd.notna(r.people_per_shift) and r.people_per_shift else int(
                round(norms.people_per_checkpoint_shift))
        out[cid] = Pattern(cid, even_slots(shifts), max(people, 1), True, kind)
    return out


def pattern_of(uow: UnitOfWork, checkpoint_id: int | None = None, day: dt.date | None = None, *,
               grid_id: int | None = None) -> Pattern:
    kind, pid = which(checkpoint_id, grid_id)
    return patterns_of(uow, _post_frame(uow, pid, kind), day, kind)[pid]


def _audit_post(uow: UnitOfWork, actor: Actor, action: str, kind: str, post: dict[str, Any], **kw: Any) -> None:
    record(uow, actor, action, kind, post["code"], community_code=post["community_code"], **kw)


@write_service(*ROSTER_ROLES)
def set_pattern(uow: UnitOfWork, actor: Actor, checkpoint_id: int | None = None, *, grid_id: int | None = None,
                preset: str | None = None, slots: str | None = None, people_per_shift: int,
                reason: str = "", skill: str = "") -> Pattern:
    """Give a post its own shifts: a preset (``2x12`` 两班倒, ``3x8`` 三班倒) or ``早班|08:00|8;…``; ``skill``: a
    skill everyone on them should have (a fever-check post: ``medical``), which the call-out then asks for."""
    kind, pid = which(checkpoint_id, grid_id)
    frame = _post_frame(uow, pid, kind)
    cp = frame.iloc[0].to_dict()
    require(actor, *ROSTER_ROLES, streets=[cp["street_code"]])
    if preset is not None:
        if preset not in PRESETS:
            raise InvalidInput("roster.preset_unknown", preset=preset, known=sorted(PRESETS))
        chosen = PRESETS[preset]
    else:
        chosen = parse_slots(slots or "")
    if not 1 <= int(people_per_shift) <= 50:
        raise InvalidInput("roster.people_range", n=people_per_shift)
    skill = (skill or "").strip()
    if skill and skill not in SKILLS:
        raise InvalidInput("roster.skill_unknown", skill=skill[:40])
    before = patterns_of(uow, frame, None, kind)[pid]
    row = uow.rosters.pattern(pid, kind)
    now = clock.wall_now()
    if row is None:
        uow.rosters.add_pattern(**{f"{kind}_id": pid}, slots=format_slots(chosen),
                                people_per_shift=int(people_per_shift), skill=skill, updated_by=actor.username,
                                updated_at=now)
    else:
        row.slots, row.people_per_shift, row.skill, row.updated_by, row.updated_at = (
            format_slots(chosen), int(people_per_shift), skill, actor.username, now)
        uow.flush()
    _audit_post(uow, actor, "roster.pattern", kind, cp,
                before={"slots": format_slots(before.slots), "people_per_shift": before.people_per_shift,
                        "skill": before.skill},
                after={"slots": format_slots(chosen), "people_per_shift": int(people_per_shift), "skill": skill},
                reason=reason, batch_id=new_batch_id())
    return Pattern(pid, chosen, int(people_per_shift), False, kind, skill)


def time_on(uow: UnitOfWork, since: dt.datetime, until: dt.datetime,
            staff_ids: list[int] | None = None, now: dt.datetime | None = None) -> pd.DataFrame:
    """Everyone's time on duty in [since, until) for the fatigue rules: their roster shifts, and the shifts they
    signed in and out of on the phone that no roster shift of theirs covers (a post manned without a roster,
    or a shift worked beyond it). Columns: staff_id, starts_at, ends_at, place."""
    cols = ["staff_id", "starts_at", "ends_at", "place"]
    planned = uow.rosters.entries(since=since, until=until, staff_ids=staff_ids)[cols]
    planned = planned.assign(starts_at=pd.to_datetime(planned["starts_at"]), ends_at=pd.to_datetime(planned["ends_at"]))
    done = uow.rosters.worked(since=since, until=until, now=now or clock.reference_now(uow), staff_ids=staff_ids)
    if not len(done):
        return planned.reset_index(drop=True)
    if len(planned):
        pairs = done.reset_index().merge(planned, on="staff_id", suffixes=("", "_r"))
        covered = pairs[(pairs["starts_at"] < pairs["ends_at_r"]) & (pairs["ends_at"] > pairs["starts_at_r"])]["index"]
        done = done.drop(index=covered.unique())
    return pd.concat([planned, done[cols]], ignore_index=True)


def problems_for(uow: UnitOfWork, staff_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> list[Problem]:
    """What stands against giving the person this shift (their other time on duty within a fortnight)."""
    around = time_on(uow, starts_at - dt.timedelta(days=LOOK_DAYS), ends_at + dt.timedelta(days=LOOK_DAYS), [staff_id])
    return check_shift(staff_id, around[["starts_at", "ends_at", "place"]], starts_at, ends_at,
                       limits(uow, starts_at.date()))


def needed_on(uow: UnitOfWork, checkpoint_id: int, day: dt.date, pat: Pattern) -> int:
    """People each shift of the post needs on ``day``: the day's exception, else the pattern's."""
    got = uow.rosters.exceptions([checkpoint_id], day, day, pat.kind)
    return int(got["people_per_shift"].iloc[0]) if len(got) else pat.people_per_shift


@write_service(*ROSTER_ROLES)
def set_exception(uow: UnitOfWork, actor: Actor, checkpoint_id: int | None, day: dt.date,
                  people_per_shift: int | None, reason: str, *, grid_id: int | None = None) -> None:
    """A post's shifts on one date unlike its pattern: ``people_per_shift`` people (0: closed that day, its
    shifts gone; None: back to the pattern). A reason is required; audited."""
    kind, pid = which(checkpoint_id, grid_id)
    frame = _post_frame(uow, pid, kind)
    cp = frame.iloc[0].to_dict()
    require(actor, *ROSTER_ROLES, streets=[cp["street_code"]])
    if not (reason or "").strip():
        raise InvalidInput("roster.exception_reason")
    if people_per_shift is not None and not 0 <= int(people_per_shift) <= 50:
        raise InvalidInput("roster.people_range", n=people_per_shift)
    row = uow.rosters.exception_row(pid, day, kind)
    before = None if row is None else row.people_per_shift
    now = clock.wall_now()
    if people_per_shift is None:
        if row is not None:
            uow.rosters.delete_entry(row)  # any row: the session deletes it
    elif row is None:
        uow.rosters.add_exception(**{f"{kind}_id": pid}, day=day, people_per_shift=int(people_per_shift),
                                  reason=reason.strip(), updated_by=actor.username, updated_at=now)
    else:
        row.people_per_shift, row.reason, row.updated_by, row.updated_at = (int(people_per_shift), reason.strip(),
                                                                            actor.username, now)
    uow.flush()
    _audit_post(uow, actor, "roster.exception", kind, cp, before={"day": day.isoformat(), "people_per_shift": before},
                after={"day": day.isoformat(), "people_per_shift": people_per_shift}, reason=reason.strip(),
                batch_id=new_batch_id())


@dataclass(frozen=True)
class Assigned:
    entry_id: int
    warnings: list[Problem]


@write_service(*ROSTER_ROLES)
def assign(uow: UnitOfWork, actor: Actor, *, checkpoint_id: int | None = None, grid_id: int | None = None,
           staff_id: int, day: dt.date, shift: str, override_reason: str = "") -> Assigned:
    """Put a person on a post's shift of ``day``: refused on a clash or when the person is off duty; over a
    fatigue limit refused unless ``override_reason`` says why (then audited with the limits crossed), or
    always when the norms' fatigue policy is "refuse"."""
    kind, pid = which(checkpoint_id, grid_id)
    frame = _post_frame(uow, pid, kind)
    cp = frame.iloc[0].to_dict()
    require(actor, *ROSTER_ROLES, streets=[cp["street_code"]])
    person = uow.rosters.lock_person(staff_id)
    if person is None:
        raise NotFound("roster.person_missing", id=staff_id)
    if not person["on_duty"]:
        raise RuleViolation("roster.off_duty", code=person["code"])
    pat = patterns_of(uow, frame, day, kind)[pid]
    starts, ends = slot_named(pat.slots, shift).window(day)
    needed = needed_on(uow, pid, day, pat)
    if needed == 0:
        raise RuleViolation("roster.closed_day", day=f"{day:%m-%d}")
    found = problems_for(uow, staff_id, starts, ends)
    if pat.skill and pat.skill not in skills_of(person.get("skills")):
        found.append(Problem(staff_id, "skill", False, {"skill": InvalidInput(f"skill.{pat.skill}")}))
    hard = [p for p in found if p.hard]
    if hard:
        raise RuleViolation("roster.clash", code=person["code"], place=hard[0].params["place"],
                            at=hard[0].params["at"])
    reason = (override_reason or "").strip()
    fatigue = [p for p in found if p.kind != "skill"]
    if fatigue and limits(uow, day).hard:
        p = fatigue[0]
        raise RuleViolation(f"roster.hard.{p.kind}", code=person["code"], **p.params)
    if found and not reason:
        p = found[0]
        raise RuleViolation(f"roster.limit.{p.kind}", code=person["code"], **p.params)
    taken = uow.rosters.entries(since=starts, until=ends, **{f"{kind}_ids": [pid]})
    taken = taken[present(taken)]
    same = taken[(pd.to_datetime(taken["starts_at"]) == pd.Timestamp(starts)) & (taken["shift"] == shift)]
    if len(same) >= needed:
        raise RuleViolation("roster.shift_full", shift=slot_label(shift), day=f"{day:%m-%d}", n=needed)
    now = clock.wall_now()
    row = uow.rosters.add_entry(**{f"{kind}_id": pid}, staff_id=staff_id, shift=shift, starts_at=starts,
                                ends_at=ends, assigned_by=actor.username, assigned_at=now, override_reason=reason)
    _audit_post(uow, actor, "roster.assign", kind, cp,
                after={"staff": person["code"], "shift": shift, "starts_at": starts.isoformat(), "hours": round(
                    (ends - starts).total_seconds() / 3600, 1), "limits_crossed": [p.kind for p in found]},
                reason=reason, batch_id=new_batch_id())
    return Assigned(int(row.id), found)


@dataclass(frozen=True)
class RangeResult:
    added: int
    unchanged: int
    over_limits: int  # entries made over a fatigue limit (with the reason given)


@write_service(*ROSTER_ROLES)
def assign_range(uow: UnitOfWork, actor: Actor, *, checkpoint_id: int | None = None, grid_id: int | None = None,
                 teams: list[list[int]], first: dt.date, last: dt.date, rotate_days: int = 0,
                 override_reason: str = "") -> RangeResult:
    """Roster teams by the post's pattern over [first, last] (A/B 两班倒: team A on the first shift, team B on
    the second; with ``rotate_days`` they swap round every so many days). Every entry goes through ``assign``
    (clash, off duty, full shift refused; a fatigue limit needs ``override_reason``), in the caller's unit of
    work: one refusal leaves nothing written. An entry already there is kept."""
    kind, pid = which(checkpoint_id, grid_id)
    frame = _post_frame(uow, pid, kind)
    cp = frame.iloc[0].to_dict()
    require(actor, *ROSTER_ROLES, streets=[cp["street_code"]])
    days = (last - first).days + 1
    if days < 1 or days > 62:
        raise InvalidInput("roster.range_days", days=days)
    teams = [[int(x) for x in team] for team in teams if team]
    pat = patterns_of(uow, frame, first, kind)[pid]
    if not teams or len(teams) > len(pat.slots):
        raise InvalidInput("roster.range_teams", teams=len(teams), slots=len(pat.slots))
    if not 0 <= int(rotate_days) <= 31:
        raise InvalidInput("roster.range_rotate", days=rotate_days)
    added = unchanged = tired = 0
    for k in range(days):
        day = first + dt.timedelta(days=k)
        turn = (k // int(rotate_days)) if rotate_days else 0
        for i, team in enumerate(teams):
            slot = pat.slots[(i + turn) % len(teams)]
            starts, _ = slot.window(day)
            for sid in team:
                if uow.rosters.has_entry(pid, sid, starts, kind):
                    unchanged += 1
                    continue
                done = assign(uow, actor, **{f"{kind}_id": pid}, staff_id=sid, day=day, shift=slot.name,
                              override_reason=override_reason)
                added += 1
                tired += bool(done.warnings)
    return RangeResult(added, unchanged, tired)


@write_service(*ROSTER_ROLES)
def release(uow: UnitOfWork, actor: Actor, entry_id: int, reason: str = "") -> None:
    """Take a person off a shift (the entry goes; the audit keeps who, where and when)."""
    row = uow.rosters.entry_row(entry_id)
    if row is None:
        raise NotFound("roster.entry_missing", id=entry_id)
    kind, pid = which(row.checkpoint_id, row.grid_id)
    frame = _post_frame(uow, pid, kind)
    cp = frame.iloc[0].to_dict()
    require(actor, *ROSTER_ROLES, streets=[cp["street_code"]])
    person = uow.rosters.lock_person(row.staff_id)
    before = {"staff": person["code"] if person else row.staff_id, "shift": row.shift,
              "starts_at": row.starts_at.isoformat()}
    uow.rosters.delete_entry(row)
    _audit_post(uow, actor, "roster.release", kind, cp, before=before, reason=reason, batch_id=new_batch_id())


def held_shifts(uow: UnitOfWork, staff_ids: list[int], now: dt.datetime | None = None) -> pd.DataFrame:
    """The shifts the people hold from now on (the move page asks whether they keep or release them)."""
    now = now or clock.reference_now(uow)
    if not staff_ids:
        return uow.rosters.entries(since=now, until=now, staff_ids=[])
    held = uow.rosters.entries(since=now, until=now + dt.timedelta(days=366), staff_ids=[int(x) for x in staff_ids])
    return held[pd.to_datetime(held["starts_at"]) >= pd.Timestamp(now)].reset_index(drop=True)


def shifts_held_by(uow: UnitOfWork, staff_ids: tuple[int, ...]) -> pd.DataFrame:
    """``held_shifts`` with a hashable argument (the pages cache it)."""
    return held_shifts(uow, list(staff_ids))


def release_for_moves(uow: UnitOfWork, actor: Actor, dest: dict[int, int], batch_id: str, reason: str) -> int:
    """Inside a move (``core.services.reassign``, which has checked the role and locked the people): the
    moved people's shifts from now on at posts outside the community they go to are released, each audited
    under the move's batch. Returns how many."""
    held = held_shifts(uow, list(dest))
    if not len(held):
        return 0
    by_kind = {kind: post_frame(uow, kind, active_only=False,
                                ids=sorted({int(x) for x in held[f"{kind}_id"].dropna()})).set_index("id")
               for kind in POST_KINDS}
    n = 0
    for r in held.itertuples():
        kind, pid = which(None if pd.isna(r.checkpoint_id) else int(r.checkpoint_id),
                          None if pd.isna(r.grid_id) else int(r.grid_id))
        cp = by_kind[kind].loc[pid]
        if int(cp["community_id"]) == dest[int(r.staff_id)]:
            continue  # a post of the community they go to: the shift stays theirs
        row = uow.rosters.entry_row(int(r.id))
        uow.rosters.delete_entry(row)
        record(uow, actor, "roster.release", kind, str(cp["code"]), community_code=str(cp["community_code"]),
               before={"staff": r.code, "shift": r.shift, "starts_at": pd.Timestamp(r.starts_at).isoformat()},
               reason=reason, batch_id=batch_id)
        n += 1
    return n


# --- reads ---------------------------------------------------------------------------------------


def skills_of(raw: object) -> set[str]:
    """A person's skill codes (stored comma-separated)."""
    return {x.strip() for x in str(raw or "").split(",") if x.strip()}


def present(entries: pd.DataFrame) -> np.ndarray:
    """Which roster entries count: the person is on duty, or off duty but expected back by the shift's day
    (someone off sick with no return date holds no shift: it is empty until they are back)."""
    if not len(entries):
        return np.zeros(0, dtype=bool)
    back = pd.to_datetime(entries["back"])
    day = pd.to_datetime(entries["starts_at"]).dt.normalize()
    return (entries["on_duty"].fillna(False).astype(bool) | (back.notna() & (day >= back))).to_numpy(bool)


def shifts_of(uow: UnitOfWork, cps: pd.DataFrame, since: dt.datetime, until: dt.datetime,
              kind: str = "checkpoint") -> pd.DataFrame:
    """Every shift of the posts (``post_frame`` rows of ``kind``) starting in [since, until): needed, taken and
    who (staff codes), one row a shift. The post's id is in ``post_id`` and in ``<kind>_id``; its name in
    ``checkpoint`` (the column every roster view reads, whatever the kind)."""
    key = f"{kind}_id"
    pats = patterns_of(uow, cps, since.date(), kind)
    names = dict(zip(cps["id"].astype(int), cps["name"], strict=True))
    comm = dict(zip(cps["id"].astype(int), cps["community"], strict=True))
    rows = []
    days = pd.date_range(since.date() - dt.timedelta(days=1), until.date()).date
    for cid, pat in pats.items():
        for day in days:
            for slot in pat.slots:
                s, e = slot.window(day)
                if since <= s < until:
                    rows.append((cid, names[cid], comm[cid], slot.name, s, e, pat.people_per_shift))
    out = pd.DataFrame(rows, columns=[key, "checkpoint", "community", "shift", "starts_at", "ends_at", "needed"])
    out["starts_at"] = pd.to_datetime(out["starts_at"])
    odd = uow.rosters.exceptions(list(pats), days[0], days[-1], kind) if len(out) else None
    if odd is not None and len(odd):  # dates unlike the pattern: other headcounts, or closed (no shifts)
        at_odd = pd.MultiIndex.from_arrays([odd[key].astype(int), pd.to_datetime(odd["day"])])
        per = pd.Series(odd["people_per_shift"].astype(int).to_numpy(), index=at_odd)
        at = pd.MultiIndex.from_arrays([out[key].astype(int), out["starts_at"].dt.normalize()])
        found = per.reindex(at).to_numpy()
        out["needed"] = np.where(pd.isna(found), out["needed"], found).astype(int)
        out = out[out["needed"] > 0].reset_index(drop=True)
    taken = uow.rosters.entries(since=since, until=until + dt.timedelta(days=1), **{f"{kind}_ids": list(pats)})
    if len(out) and len(taken):
        taken = taken.assign(here=present(taken))
        taken[key] = taken[key].astype("int64")
        per = taken.groupby([key, "shift", "starts_at"]).agg(
            taken=("here", "sum"), absent=("here", lambda h: int((~h).sum())),
            codes=("code", lambda c: list(c))).reset_index()
        per["starts_at"] = pd.to_datetime(per["starts_at"])
        out = out.merge(per, on=[key, "shift", "starts_at"], how="left")
    else:
        out = out.assign(taken=0, absent=0, codes=[[] for _ in range(len(out))])
    out["taken"] = out["taken"].fillna(0).astype(int)
    out["absent"] = out["absent"].fillna(0).astype(int)
    out["codes"] = [c if isinstance(c, list) else [] for c in out["codes"]]
    out["empty"] = (out["needed"] - out["taken"]).clip(lower=0)
    out["kind"] = kind
    out["post_id"] = out[key].astype("int64")
    return out.sort_values(["starts_at", "checkpoint"]).reset_index(drop=True)


def shifts_of_all(uow: UnitOfWork, posts_by_kind: dict[str, pd.DataFrame], since: dt.datetime,
                  until: dt.datetime) -> pd.DataFrame:
    """``shifts_of`` for checkpoints and grids together (each kind's id column blank on the other's rows)."""
    parts = [shifts_of(uow, cps, since, until, kind) for kind, cps in posts_by_kind.items() if len(cps)]
    if not parts:
        return shifts_of(uow, uow.duty.checkpoints(ids=[]), since, until)
    out = pd.concat(parts, ignore_index=True)
    for kind in POST_KINDS:
        col = f"{kind}_id"
        out[col] = out[col].astype("Int64") if col in out else pd.Series(pd.NA, index=out.index, dtype="Int64")
    return out.sort_values(["starts_at", "checkpoint"]).reset_index(drop=True)


def roster_coverage(uow: UnitOfWork, days: list[dt.date]) -> dict[dt.date, pd.DataFrame]:
    """For the gap engine (``StaffingState.rostered``), per day and community: the active posts that keep a
    roster that day (their own pattern, or people on a shift starting that day), their shifts starting that
    day and those staffed (as many people present as the shift needs). One read for all the days."""
    cols = ["community_id", "checkpoints", "shifts", "staffed"]
    empty = {day: pd.DataFrame(columns=cols, dtype="int64") for day in days}
    if not days:
        return empty
    kept = _kept_shifts(uow, "checkpoint", days)
    if kept is None:
        return empty
    out = dict(empty)
    for day, part in kept.groupby("day"):
        per = part.groupby("community_id").agg(checkpoints=("checkpoint_id", "nunique"), shifts=("shift", "size"),
                                               staffed=("staffed", "sum")).reset_index()
        out[day] = per.astype("int64")[cols]
    return out


def _kept_shifts(uow: UnitOfWork, kind: str, days: list[dt.date]) -> pd.DataFrame | None:
    """The shifts starting on ``days`` of the posts of ``kind`` that keep a roster on the day (their own
    pattern, or people on a shift starting that day), with ``day``, ``community_id`` and ``staffed``."""
    since = dt.datetime.combine(min(days), dt.time())
    until = dt.datetime.combine(max(days) + dt.timedelta(days=1), dt.time())
    ids = uow.rosters.rostered_ids(since, until, kind)
    if not ids:
        return None
    cps = post_frame(uow, kind, ids=sorted(ids))
    if not len(cps):
        return None
    key = f"{kind}_id"
    shifts = shifts_of(uow, cps, since, until, kind)
    own = {int(x) for x in uow.rosters.patterns(sorted(ids), kind)[key]}
    shifts["day"] = shifts["starts_at"].dt.date
    with_people = shifts.groupby([key, "day"])["codes"].transform(lambda c: sum(len(x) for x in c) > 0)
    kept = shifts[shifts[key].isin(own) | with_people]
    return kept.assign(community_id=kept[key].map(dict(zip(cps["id"], cps["community_id"], strict=True))),
                       staffed=(kept["taken"] >= kept["needed"]).astype(int))


def grid_roster_coverage(uow: UnitOfWork, days: list[dt.date]) -> dict[dt.date, pd.DataFrame]:
    """For the gap engine (``StaffingState.grid_rostered``), per day: the grids that keep a watch roster that
    day, their shifts starting that day and those staffed. Such a grid is covered when every one of its
    shifts is; the others by an on-duty grid member assigned to them, as before."""
    cols = ["grid_id", "shifts", "staffed"]
    empty = {day: pd.DataFrame(columns=cols, dtype="int64") for day in days}
    kept = _kept_shifts(uow, "grid", days) if days else None
    if kept is None:
        return empty
    out = dict(empty)
    for day, part in kept.groupby("day"):
        per = part.groupby("grid_id").agg(shifts=("shift", "size"), staffed=("staffed", "sum")).reset_index()
        out[day] = per.astype("int64")[cols]
    return out


@dataclass(frozen=True)
class DutyBoard:
    """The wall's checkpoint duty (no names): per post that keeps a roster, the shift on now and the next
    one, each as taken / needed; and how many shifts starting within ``hours`` are not fully taken."""

    posts: pd.DataFrame  # kind, post_id, checkpoint (the post's name), community, now_shift, now_taken, now_needed, next_shift, next_at, next_taken, next_needed
    empty_soon: int
    hours: float


def duty_board(uow: UnitOfWork, now: dt.datetime | None = None, hours: float = 12.0) -> DutyBoard | None:
    """None when no post keeps a roster (the wall then says nothing of shifts beyond the headcount tile).
    Posts short now or next first."""
    now = now or clock.reference_now(uow)
    soon = now + dt.timedelta(hours=hours)
    posts = {}
    for kind in POST_KINDS:
        ids = uow.rosters.rostered_ids(now - dt.timedelta(days=1), soon, kind)
        if ids:
            posts[kind] = post_frame(uow, kind, ids=sorted(ids))
    if not any(len(p) for p in posts.values()):
        return None
    sh = shifts_of_all(uow, posts, now - dt.timedelta(days=1), now + dt.timedelta(hours=max(hours, 24.0)))
    sh["ends_at"] = pd.to_datetime(sh["ends_at"])
    t_now = pd.Timestamp(now)
    cur = sh[(sh["starts_at"] <= t_now) & (sh["ends_at"] > t_now)].groupby(["kind", "post_id"]).first()
    nxt = sh[sh["starts_at"] > t_now].groupby(["kind", "post_id"]).first()
    board = pd.concat([p[["id", "name", "community"]].assign(kind=kind) for kind, p in posts.items()],
                      ignore_index=True).rename(columns={"id": "post_id", "name": "checkpoint"})
    board = board.set_index(["kind", "post_id"])
    board["now_shift"] = cur["shift"].reindex(board.index)
    board["now_taken"] = cur["taken"].reindex(board.index)
    board["now_needed"] = cur["needed"].reindex(board.index)
    board["next_shift"] = nxt["shift"].reindex(board.index)
    board["next_at"] = nxt["starts_at"].reindex(board.index)
    board["next_taken"] = nxt["taken"].reindex(board.index)
    board["next_needed"] = nxt["needed"].reindex(board.index)
    short_now = (board["now_needed"].fillna(0) - board["now_taken"].fillna(0)).clip(lower=0)
    short_next = (board["next_needed"].fillna(0) - board["next_taken"].fillna(0)).clip(lower=0)
    board = (board.assign(_s=-(short_now + short_next)).sort_values(["_s", "kind", "checkpoint"]).drop(columns="_s")
             .reset_index())
    board["checkpoint_id"] = board["post_id"].where(board["kind"] == "checkpoint").astype("Int64")
    upcoming = sh[(sh["starts_at"] >= t_now) & (sh["starts_at"] < pd.Timestamp(soon)) & (sh["empty"] > 0)]
    return DutyBoard(board, int(len(upcoming)), float(hours))


def empty_shifts(uow: UnitOfWork, hours: float = 24.0, streets: tuple[str, ...] | None = None,
                 now: dt.datetime | None = None) -> pd.DataFrame:
    """Shifts starting in the next ``hours`` at the active posts (inside ``streets``) that keep a roster (their
    own pattern, or people on a shift of the window), not fully taken. Posts without one are staffed by
    headcount (the gap engine) and have no shifts to fill."""
    now = now or clock.reference_now(uow)
    until = now + dt.timedelta(hours=hours)
    within = frozenset(streets) if streets is not None else None
    posts = {}
    for kind in POST_KINDS:
        ids = sorted(uow.rosters.rostered_ids(now, until, kind))
        posts[kind] = post_frame(uow, kind, streets=within, ids=ids) if ids else post_frame(uow, kind, ids=[])
    out = shifts_of_all(uow, posts, now, until)
    return out[out["empty"] > 0].reset_index(drop=True)


def call_out(uow: UnitOfWork, checkpoint_id: int | None, day: dt.date, shift: str, limit: int = 30, *,
             grid_id: int | None = None) -> pd.DataFrame:
    """Who could take an empty shift: on duty in the post's street, with the skill the post asks for (if
    any), no clash, nearest (home, else their community) and fewest hours in the last 7 days first; those over
    a fatigue limit after everyone else, with the limit named (they may still be given it, with a reason,
    unless the norms refuse it)."""
    kind, pid = which(checkpoint_id, grid_id)
    frame = _post_frame(uow, pid, kind)
    cp = frame.iloc[0].to_dict()
    pat = patterns_of(uow, frame, day, kind)[pid]
    starts, ends = slot_named(pat.slots, shift).window(day)
    people = uow.rosters.people_near(cp["street_code"])
    if pat.skill:
        people = people[[pat.skill in skills_of(x) for x in people["skills"]]].reset_index(drop=True)
    if not len(people):
        return people.assign(km=pd.Series(dtype=float), hours_7d=pd.Series(dtype=float), limits=pd.Series(dtype=object))
    lon = people["home_lon"].fillna(people["community_lon"]).to_numpy(float)
    lat = people["home_lat"].fillna(people["community_lat"]).to_numpy(float)
    km = (haversine_km(lon, lat, float(cp["lon"]), float(cp["lat"])) if pd.notna(cp.get("lon")) and pd.notna(cp.get("lat"))
          else np.full(len(lon), np.nan))
    people = people.assign(km=np.round(km, 2))
    around = time_on(uow, starts - dt.timedelta(days=LOOK_DAYS), ends + dt.timedelta(days=LOOK_DAYS),
                     [int(x) for x in people["staff_id"]])
    lim = limits(uow, day)
    week0 = starts - dt.timedelta(days=7)
    # the rules per person only for those with shifts near this one (few); the others: the shift alone
    alone = [p.kind for p in check_shift(-1, around.iloc[0:0][["starts_at", "ends_at", "place"]], starts, ends, lim)]
    rows = []
    alone_ok = not (alone and lim.hard)  # the shift alone over a limit the norms refuse: nobody may take it
    busy = set(int(x) for x in around["staff_id"])
    for sid in (int(x) for x in people["staff_id"]):
        if sid not in busy:
            if alone_ok:
                rows.append((sid, 0.0, alone))
            continue
        grp = around[around["staff_id"] == sid]
        found = check_shift(sid, grp[["starts_at", "ends_at", "place"]], starts, ends, lim)
        if any(p.hard for p in found) or (found and lim.hard):
            continue
        recent = grp[(pd.to_datetime(grp["starts_at"]) >= week0) & (pd.to_datetime(grp["starts_at"]) < starts)]
        h7 = float(((pd.to_datetime(recent["ends_at"]) - pd.to_datetime(recent["starts_at"])).dt.total_seconds() / 3600).sum())
        rows.append((sid, round(h7, 1), [p.kind for p in found]))
    ok = pd.DataFrame(rows, columns=["staff_id", "hours_7d", "limits"])
    out = people.merge(ok, on="staff_id")
    out["tired"] = out["limits"].map(bool)
    return (out.sort_values(["tired", "km", "hours_7d", "code"], na_position="last")
            .head(limit).reset_index(drop=True))


def long_haul(uow: UnitOfWork, streets: tuple[str, ...] | None = None, now: dt.datetime | None = None) -> pd.DataFrame:
    """连续作战: the people placed in ``streets`` over a fatigue limit as of now, from their roster and their
    phone sign-ins: hours today, hours in the 7 days ending today, days in a row through today (for leaders'
    关心关爱: who to send home). Most days in a row, then most hours, first."""
    now = now or clock.reference_now(uow)
    lim = limits(uow)
    today = now.date()
    since = dt.datetime.combine(today - dt.timedelta(days=LOOK_DAYS + lim.max_consecutive_days), dt.time())
    done = time_on(uow, since, dt.datetime.combine(today + dt.timedelta(days=1), dt.time()), now=now)
    cols = ["staff_id", "code", "name", "kind", "community", "street_code", "hours_today", "hours_7d", "days_in_row",
            "limits"]
    if not len(done):
        return pd.DataFrame(columns=cols)
    per_day = hours_by_day(done.assign(hours=float("nan"))[["staff_id", "starts_at", "ends_at", "hours"]])
    per_day = per_day[per_day["day"] <= today]
    week = per_day[per_day["day"] > today - dt.timedelta(days=7)].groupby("staff_id")["hours"].sum()
    day = per_day[per_day["day"] == today].groupby("staff_id")["hours"].sum()
    streak = streak_through(per_day[per_day["hours"] > 0][["staff_id", "day"]], [today])
    out = pd.DataFrame({"staff_id": sorted(set(per_day["staff_id"].astype(int)))})
    out["hours_today"] = out["staff_id"].map(day).fillna(0.0).round(1)
    out["hours_7d"] = out["staff_id"].map(week).fillna(0.0).round(1)
    out["days_in_row"] = out["staff_id"].map(streak).fillna(0).astype(int)
    out["limits"] = [[k for k, over in (("hours_day", h > lim.max_hours_day + 1e-9),
                                        ("hours_week", w > lim.max_hours_week + 1e-9),
                                        ("streak", n > lim.max_consecutive_days)) if over]
                     for h, w, n in zip(out["hours_today"], out["hours_7d"], out["days_in_row"], strict=True)]
    out = out[out["limits"].map(bool)]
    people = uow.rosters.people(list(out["staff_id"].astype(int)))
    out = out.merge(people, on="staff_id")
    if streets is not None:
        out = out[out["street_code"].isin(streets)]
    return out.sort_values(["days_in_row", "hours_7d", "code"], ascending=[False, False, True])[cols].reset_index(drop=True)


def over_limit_ids(uow: UnitOfWork) -> set[int]:
    """Who is over a fatigue limit now (``long_haul``): the candidates list and the suggested plan leave them out."""
    return {int(x) for x in long_haul(uow)["staff_id"]}


# --- the desk page's reads (plain arguments: cached per page) -------------------------------------


def posts(uow: UnitOfWork, streets: tuple[str, ...] | None = None, kind: str = "checkpoint") -> pd.DataFrame:
    """The active checkpoints (or the grids) inside ``streets`` (None: the district), with whether each keeps
    a roster (its own pattern, or people on its shifts of the last and next week)."""
    out = post_frame(uow, kind, streets=frozenset(streets) if streets is not None else None)
    now = clock.reference_now(uow)
    kept = uow.rosters.rostered_ids(now - dt.timedelta(days=7), now + dt.timedelta(days=7), kind)
    return out.assign(rostered=out["id"].isin(kept))


def week(uow: UnitOfWork, checkpoint_id: int, start: str, days: int = 7, kind: str = "checkpoint") -> pd.DataFrame:
    """A post's shifts for ``days`` from ``start`` (ISO date), taken / needed and who."""
    cps = post_frame(uow, kind, active_only=False, ids=[checkpoint_id])
    since = dt.datetime.combine(dt.date.fromisoformat(start), dt.time())
    return shifts_of(uow, cps, since, since + dt.timedelta(days=days), kind)


def crew(uow: UnitOfWork, street_code: str) -> pd.DataFrame:
    """The people on duty placed in the street, to make teams of (code order)."""
    return uow.rosters.people_near(street_code).sort_values("code").reset_index(drop=True)


def entries_of(uow: UnitOfWork, checkpoint_id: int, start: str, days: int = 7, kind: str = "checkpoint") -> pd.DataFrame:
    since = dt.datetime.combine(dt.date.fromisoformat(start), dt.time())
    return uow.rosters.entries(since=since, until=since + dt.timedelta(days=days), **{f"{kind}_ids": [checkpoint_id]})


def call_out_on(uow: UnitOfWork, checkpoint_id: int, day: str, shift: str, kind: str = "checkpoint") -> pd.DataFrame:
    if kind == "grid":
        return call_out(uow, None, dt.date.fromisoformat(day), shift, grid_id=checkpoint_id)
    return call_out(uow, checkpoint_id, dt.date.fromisoformat(day), shift)
