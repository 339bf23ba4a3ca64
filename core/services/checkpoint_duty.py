"""Checkpoint duty (卡点值守) from the phone: sign in to a shift at a checkpoint and out of it, and the
checkpoint's register (一口罩、二询问、三测温、四登记).

Sign-in and sign-out carry the phone's location when the person allowed it; the distance from the post
is stored (a check that the post is manned: ``NEAR_M`` or closer reads as at the post), never the
reason to refuse a shift (a phone indoors reads far). One open shift a person: a second sign-in asks
for the first to be signed out.

The register: a visitor or a vehicle, whether a mask is worn, where from and why, the temperature, and
who (name, phone, plate: personal data). A line is entered during one's own open shift at that post. A
temperature at or over the fever threshold raises a fever incident at the checkpoint's community at once
(no personal data in it). Names, phones and plates are shown in full only to whoever entered them and to
roles with need-to-know, and deleted by the ``duty.purge`` job once older than the retention setting
(``register_retention_days``, default 14 days).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.model.actor import Actor, require, write_service
from core.model.errors import ConcurrentChange, InvalidInput, NotFound, RuleViolation
from core.model.geo import haversine_km
from core.model.privacy import mask_names, mask_phones
from core.services import clock
from core.services.audit import new_batch_id, record
from core.services.front_line import (
    ENTRY_ROLES,
    Submitted,
    _own_staff_id,
    _temperature,
    earlier,
    remember,
)
from core.services.uow import UnitOfWork

NEAR_M = 300.0
RETENTION_KEY = "duty.register_retention_days"
DEFAULT_RETENTION_DAYS = 14
RETENTION_RANGE = (1, 90)
KINDS = ("person", "vehicle")
PLATE_RE = re.compile(r"^[\u4e00-\u9fa5A-Z0-9·-]{5,10}$")


def _in_scope(actor: Actor, cp: dict[str, Any]) -> bool:
    return actor.in_place(cp["street_code"], cp["community_code"], cp["grid_code"] if cp["grid_code"] else None)


def my_checkpoints(uow: UnitOfWork, actor: Actor) -> pd.DataFrame:
    """The active checkpoints inside the account's places."""
    require(actor, *ENTRY_ROLES)
    df = uow.duty.checkpoints(streets=actor.streets)
    if not len(df):
        return df
    keep = [_in_scope(actor, r) for r in df.to_dict("records")]
    return df[pd.Series(keep, index=df.index, dtype=bool)].reset_index(drop=True)


def _checkpoint_in_scope(uow: UnitOfWork, actor: Actor, checkpoint_id: int) -> dict[str, Any]:
    cp = uow.duty.checkpoint(checkpoint_id)
    if cp is None:
        raise NotFound("duty.checkpoint_missing", id=checkpoint_id)
    require(actor, *ENTRY_ROLES, places=[(cp["street_code"], cp["community_code"], cp["grid_code"] or None)])
    return cp


def _distance_m(cp: dict[str, Any], lon: float | None, lat: float | None) -> float | None:
    if lon is None or lat is None or cp.get("lon") is None or cp.get("lat") is None:
        return None
    if not (-180 <= float(lon) <= 180 and -90 <= float(lat) <= 90):
        raise InvalidInput("field.point_invalid")
    return round(float(haversine_km(float(lon), float(lat), float(cp["lon"]), float(cp["lat"]))) * 1000.0, 0)


@write_service(*ENTRY_ROLES)
def sign_in(uow: UnitOfWork, actor: Actor, *, client_id: str, checkpoint_id: int, lon: float | None = None,
            lat: float | None = None, now: dt.datetime | None = None) -> Submitted:
    """Start my shift at a checkpoint of my places (with the phone's distance from it, when known)."""
    now = now or clock.wall_now()
    again = earlier(uow, actor, client_id, "duty.sign_in")
    if again is not None:
        return again
    cp = _checkpoint_in_scope(uow, actor, checkpoint_id)
    running = uow.duty.open_shift_of(actor.username)
    if running is not None:
        other = uow.duty.checkpoint(running.checkpoint_id)
        raise RuleViolation("duty.already_on_shift", checkpoint=other["name"] if other else running.checkpoint_id)
    metres = _distance_m(cp, lon, lat)
    row = uow.duty.add_shift(checkpoint_id=checkpoint_id, username=actor.username, staff_id=_own_staff_id(uow, actor),
                             started_at=now, start_lon=lon, start_lat=lat, start_distance_m=metres)
    record(uow, actor, "duty.sign_in", "checkpoint", cp["code"], community_code=cp["community_code"],
           after={"shift": row.id, "distance_m": metres, "at": now.isoformat()}, batch_id=new_batch_id())
    return remember(uow, actor, client_id, "duty.sign_in", str(row.id), now)


@write_service(*ENTRY_ROLES)
def sign_out(uow: UnitOfWork, actor: Actor, *, client_id: str, shift_id: int, expected_version: int,
             lon: float | None = None, lat: float | None = None, now: dt.datetime | None = None) -> Submitted:
    """End my own open shift."""
    now = now or clock.wall_now()
    again = earlier(uow, actor, client_id, "duty.sign_out")
    if again is not None:
        return again
    row = uow.duty.shift_row(shift_id)
    if row is None or row.username != actor.username:
        raise NotFound("duty.shift_missing", id=shift_id)
    cp = _checkpoint_in_scope(uow, actor, row.checkpoint_id)
    if row.ended_at is not None:
        raise RuleViolation("duty.shift_ended")
    if row.version != expected_version:
        raise ConcurrentChange("duty.shift_changed")
    row.ended_at, row.end_lon, row.end_lat = now, lon, lat
    row.end_distance_m = _distance_m(cp, lon, lat)
    uow.flush()
    hours = round((now - row.started_at).total_seconds() / 3600.0, 1)
    record(uow, actor, "duty.sign_out", "checkpoint", cp["code"], community_code=cp["community_code"],
           after={"shift": row.id, "distance_m": row.end_distance_m, "hours": hours}, batch_id=new_batch_id())
    return remember(uow, actor, client_id, "duty.sign_out", str(row.id), now)


@dataclass(frozen=True)
class Registered:
    submitted: Submitted
    fever: bool
    incident: str | None


@write_service(*ENTRY_ROLES)
def register_entry(uow: UnitOfWork, actor: Actor, *, client_id: str, shift_id: int, kind: str, masked: bool,
                   from_place: str = "", purpose: str = "", temperature: float | None = None, name: str = "",
                   phone: str = "", plate: str = "", now: dt.datetime | None = None) -> Registered:
    """One line of the register during my open shift (see the module); a fever raises its incident."""
    from core.services.incidents import create_incident
    from core.services.isolation import load_settings

    now = now or clock.wall_now()
    again = earlier(uow, actor, client_id, "duty.register")
    if again is not None:
        return Registered(again, False, None)
    if kind not in KINDS:
        raise InvalidInput("duty.kind_unknown", kind=kind)
    shift = uow.duty.shift_row(shift_id)
    if shift is None or shift.username != actor.username:
        raise NotFound("duty.shift_missing", id=shift_id)
    if shift.ended_at is not None:
        raise RuleViolation("duty.shift_ended")
    cp = _checkpoint_in_scope(uow, actor, shift.checkpoint_id)
    name, phone = (name or "").strip()[:60], (phone or "").strip()[:32]
    plate = re.sub(r"\s+", "", (plate or "")).upper()
    if kind == "person" and not name:
        raise InvalidInput("duty.name_missing")
    if kind == "vehicle" and not PLATE_RE.match(plate):
        raise InvalidInput("duty.plate_invalid")
    if phone and not re.fullmatch(r"[0-9+\- ]{5,20}", phone):
        raise InvalidInput("duty.phone_invalid")
    temp = _temperature(temperature)
    if kind == "person" and temp is None:
        raise InvalidInput("duty.temperature_missing")
    row = uow.duty.add_entry(checkpoint_id=cp["id"], shift_id=shift.id, at=now, kind=kind, masked=bool(masked),
                             from_place=(from_place or "").strip()[:100], purpose=(purpose or "").strip()[:200],
                             temperature=temp, name=name, phone=phone or None, plate=plate or None,
                             entered_by=actor.username)
    threshold = load_settings(uow).fever_threshold
    fever = temp is not None and temp >= threshold
    batch = new_batch_id()
    record(uow, actor, "duty.register", "checkpoint", cp["code"], community_code=cp["community_code"],
           after={"entry": row.id, "kind": kind, "mask": bool(masked), "temperature": temp, "fever": fever},
           batch_id=batch)
    code = None
    if fever:
        comm = uow.tables.community_ref(int(cp["community_id"]))
        assert comm is not None
        code = create_incident(
            uow, actor, community=comm, grid_id=int(cp["grid_id"]) if pd.notna(cp["grid_id"]) else None,
            type_="fever_case", severity="high", place=str(cp["name"]),
            description=f"卡点测温发热 {temp:.1f} ℃（{cp['name']}），已按流程处置", lon=cp["lon"], lat=cp["lat"],
            now=now, source="checkpoint", batch_id=batch).code
    return Registered(remember(uow, actor, client_id, "duty.register", str(row.id), now), fever, code)


# --- reads ---------------------------------------------------------------------------------------


def my_open_shift(uow: UnitOfWork, actor: Actor) -> dict[str, Any] | None:
    """My shift not yet signed out (with its checkpoint's name), or None."""
    require(actor, *ENTRY_ROLES)
    df = uow.duty.shifts(since=dt.datetime.max, open_only=True, username=actor.username)
    return None if not len(df) else df.iloc[0].to_dict()


def register_of(uow: UnitOfWork, actor: Actor, checkpoint_id: int, now: dt.datetime | None = None) -> pd.DataFrame:
    """Today's register of a checkpoint of my places, newest first; names, phones and plates masked except
    on the lines I entered (and for roles with need-to-know)."""
    cp = _checkpoint_in_scope(uow, actor, checkpoint_id)
    now = now or clock.wall_now()
    df = uow.duty.entries(since=dt.datetime.combine(now.date(), dt.time()), checkpoint_ids=[int(cp["id"])])
    return _masked(df, actor)


def _masked(df: pd.DataFrame, actor: Actor) -> pd.DataFrame:
    if actor.sees_personal_data or not len(df):
        return df
    own = df["entered_by"] == actor.username
    plate = df["plate"].fillna("").astype(str)
    return df.assign(name=df["name"].where(own, mask_names(df["name"])),
                     phone=df["phone"].where(own, mask_phones(df["phone"])),
                     plate=plate.where(own, plate.str.slice(0, 2) + "***" + plate.str.slice(-1)).where(plate != "", None))


@dataclass(frozen=True)
class DutyBoard:
    """For the desk: who is on duty where now, the posts of the scope with nobody signed in, and today's
    register counts per post (no personal data)."""

    on_duty: pd.DataFrame  # SHIFT_COLUMNS + at_post
    unmanned: pd.DataFrame  # CHECKPOINT_COLUMNS
    counts: pd.DataFrame  # checkpoint_id, name, community, entries, vehicles, no_mask, fever


def duty_board(uow: UnitOfWork, streets: tuple[str, ...] | None = None,
               now: dt.datetime | None = None) -> DutyBoard:
    """The desk's view of checkpoint duty inside ``streets`` (None: the district); the day is the wall
    clock's, as on the phones that sign in."""
    now = now or clock.wall_now()
    cps = uow.duty.checkpoints(streets=frozenset(streets) if streets is not None else None)
    shifts = uow.duty.shifts(since=dt.datetime.max, open_only=True,
                             checkpoint_ids=[int(x) for x in cps["id"]] if streets is not None else None)
    shifts = shifts.assign(at_post=[None if m is None or pd.isna(m) else bool(m <= NEAR_M)
                                    for m in shifts["start_distance_m"]])
    manned = set(shifts["checkpoint_id"].astype(int))
    unmanned = cps[~cps["id"].isin(manned)].reset_index(drop=True)
    counts = uow.duty.entry_counts(dt.datetime.combine(now.date(), dt.time()))
    counts = counts.merge(cps[["id", "name", "community"]].rename(columns={"id": "checkpoint_id"}), on="checkpoint_id")
    return DutyBoard(shifts.reset_index(drop=True), unmanned, counts)


# --- retention -----------------------------------------------------------------------------------


def retention_days(uow: UnitOfWork) -> int:
    raw = uow.meta.get(RETENTION_KEY)
    return int(raw) if raw else DEFAULT_RETENTION_DAYS


@write_service("admin")
def set_retention_days(uow: UnitOfWork, actor: Actor, days: int, reason: str = "") -> None:
    """How many days the register's lines are kept before the purge job deletes them."""
    if not RETENTION_RANGE[0] <= int(days) <= RETENTION_RANGE[1]:
        raise InvalidInput("duty.retention_range", low=RETENTION_RANGE[0], high=RETENTION_RANGE[1], days=days)
    before = retention_days(uow)
    uow.meta.set(RETENTION_KEY, str(int(days)))
    record(uow, actor, "duty.retention", "setting", "duty", before={"days": before}, after={"days": int(days)},
           reason=reason, batch_id=new_batch_id())


def purge_register(uow: UnitOfWork, actor: Actor, now: dt.datetime | None = None) -> int:
    """Delete the register's lines older than the retention setting (the job); audited as one count."""
    require(actor, "admin")
    now = now or clock.wall_now()
    days = retention_days(uow)
    gone = uow.duty.purge_entries(now - dt.timedelta(days=days))
    if gone:
        record(uow, actor, "duty.purge", "setting", "duty", after={"deleted": gone, "days": days},
               batch_id=new_batch_id())
    return gone
