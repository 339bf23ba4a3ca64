"""Home isolation follow-up (居家隔离): households, daily checks, automatic incidents, counts in step.

* A household is checked every day: each member's temperature (°C) and the household's needs.
* ``scan_isolation`` raises an incident for a reading at or above the fever threshold (default 37.3 °C)
  and for a household with no check by the configured hour (default 10:00); at most one incident per
  household, day and cause (the ``isolation_alert`` table's unique key), so running it again is harmless.
* Community and grid ``isolated_households`` (what the gap engine reads) follow the active households,
  in the same transaction, with the community's condition of the day recorded for past-day gaps.
* Head of household, phone and address are personal: masked for roles that do not need them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.i18n import DEFAULT_LANG, translate
from core.model.actor import Actor, require, write_service
from core.model.errors import ConcurrentChange, InvalidInput, NotFound, RuleViolation
from core.model.privacy import mask_names, mask_phones
from core.services import clock
from core.services.audit import new_batch_id, record
from core.services.desk import apply_due_risk
from core.services.incidents import create_incident
from core.services.uow import UnitOfWork

ENTRY_ROLES = ("coordinator", "clerk", "admin")
#: who may record a daily check: the desk, and the front line in its own grids (the phone pages)
CHECK_ROLES = (*ENTRY_ROLES, "grid_member", "community_staff")
SCAN_ROLES = ("coordinator", "admin")
TEMP_RANGE = (34.0, 43.0)


@dataclass(frozen=True)
class IsolationSettings:
    missed_hour: int = 10  # no check by this hour of the day: missed
    fever_threshold: float = 37.3  # °C, a reading at or above it raises a fever incident

    def validate(self) -> None:
        if not 0 <= self.missed_hour <= 23:
            raise InvalidInput("isolation.missed_hour_range", hour=self.missed_hour)
        if not 36.5 <= self.fever_threshold <= 39.5:
            raise InvalidInput("isolation.fever_threshold_range", threshold=self.fever_threshold)


def load_settings(uow: UnitOfWork) -> IsolationSettings:
    raw = uow.isolation.settings()
    d = IsolationSettings()
    return IsolationSettings(missed_hour=int(raw["missed_hour"] or d.missed_hour),
                             fever_threshold=float(raw["fever_threshold"] or d.fever_threshold))


@write_service("admin")
def set_settings(uow: UnitOfWork, actor: Actor, settings: IsolationSettings, reason: str = "") -> None:
    """Change the missed-check hour and the fever threshold."""
    settings.validate()
    before = load_settings(uow)
    uow.isolation.set_setting("missed_hour", str(settings.missed_hour))
    uow.isolation.set_setting("fever_threshold", str(settings.fever_threshold))
    record(uow, actor, "isolation.settings", "setting", "isolation",
           before=vars(before), after=vars(settings), reason=reason, batch_id=new_batch_id())


def _household_in_scope(uow: UnitOfWork, actor: Actor, household_id: int,
                        roles: tuple[str, ...] = ENTRY_ROLES) -> tuple[Any, dict[str, Any]]:
    """The household (row-locked) and its community, once the actor may act on its street (and, for a
    front-line account, on its community and grid)."""
    h = uow.isolation.get_household(household_id)
    if h is None:
        raise NotFound("isolation.household_missing", id=household_id)
    comm = uow.tables.community_ref(h.community_id)
    assert comm is not None
    grid = uow.screening.grid_street(h.grid_id) if h.grid_id is not None else None
    require(actor, *roles, places=[(comm["street_code"], comm["code"], grid["code"] if grid else None)])
    return h, comm


# --- writes --------------------------------------------------------------------------------------


@write_service(*ENTRY_ROLES)
def add_household(uow: UnitOfWork, actor: Actor, *, community_id: int, grid_id: int | None, address: str,
                  head_name: str, phone: str | None, members: int, start_date: dt.date, planned_end: dt.date,
                  now: dt.datetime | None = None) -> str:
    """Register a household in home isolation; the community's and grid's counts follow. Returns its code."""
    now = now or clock.wall_now()
    if members < 1 or members > 20:
        raise InvalidInput("isolation.members_range", members=members)
    if planned_end < start_date:
        raise InvalidInput("isolation.end_before_start")
    if not address.strip():
        raise InvalidInput("isolation.address_missing")
    uow.incidents.serialise_writers()
    apply_due_risk(uow)  # the day's condition rows carry the risk level in force
    comm = uow.tables.community_ref(community_id)
    if comm is None:
        raise NotFound("isolation.community_missing", id=community_id)
    require(actor, *ENTRY_ROLES, streets=[comm["street_code"]])
    if grid_id is not None and grid_id not in uow.isolation.grid_ids_of(community_id):
        raise InvalidInput("isolation.grid_not_in_community", grid_id=grid_id, community=comm["code"])
    code = uow.isolation.next_household_code()
    uow.isolation.add_household(code=code, community_id=community_id, grid_id=grid_id, address=address.strip(),
                                head_name=head_name.strip(), phone=(phone or "").strip() or None, members=members,
                                start_date=start_date, planned_end=planned_end, status="active",
                                created_by=actor.username)
    uow.isolation.flush()
    changes = uow.isolation.sync_counts([community_id], now.date())
    record(uow, actor, "isolation.add", "home_isolation", code, community_code=comm["code"],
           after={"members": members, "start_date": start_date.isoformat(),
                  "planned_end": planned_end.isoformat(), "isolated_households": changes[0]["after"]},
           batch_id=new_batch_id())
    return code


@write_service(*ENTRY_ROLES)
def end_household(uow: UnitOfWork, actor: Actor, household_id: int, *, expected_version: int, reason: str,
                  now: dt.datetime | None = None) -> None:
    """End a household's isolation; the counts follow."""
    now = now or clock.wall_now()
    uow.incidents.serialise_writers()
    apply_due_risk(uow)
    h, comm = _household_in_scope(uow, actor, household_id)
    if h.version != expected_version:
        raise ConcurrentChange("isolation.household_changed", code=h.code)
    if h.status != "active":
        raise RuleViolation("isolation.household_ended", code=h.code)
    h.status, h.ended_at = "ended", now
    uow.isolation.flush()
    changes = uow.isolation.sync_counts([h.community_id], now.date())
    record(uow, actor, "isolation.end", "home_isolation", h.code, community_code=comm["code"],
           before={"status": "active"}, after={"status": "ended", "isolated_households": changes[0]["after"]},
           reason=reason, batch_id=new_batch_id())


@write_service(*CHECK_ROLES)
def record_check(uow: UnitOfWork, actor: Actor, household_id: int, temperatures: list[float], *,
                 need_groceries: bool = False, need_medicine: bool = False, need_other: str = "", note: str = "",
                 now: dt.datetime | None = None) -> float:
    """Record today's check of a household (one temperature per member checked); returns the highest reading."""
    now = now or clock.wall_now()
    temps = [round(float(x), 1) for x in temperatures]
    if not temps:
        raise InvalidInput("isolation.temperature_missing")
    bad = [x for x in temps if not TEMP_RANGE[0] <= x <= TEMP_RANGE[1]]
    if bad:
        raise InvalidInput("isolation.temperature_range", low=TEMP_RANGE[0], high=TEMP_RANGE[1], readings=bad)
    h, comm = _household_in_scope(uow, actor, household_id, CHECK_ROLES)
    if h.status != "active":
        raise RuleViolation("isolation.household_ended_no_checks", code=h.code)
    if len(temps) > h.members:
        raise InvalidInput("isolation.too_many_readings", members=h.members, readings=len(temps))
    uow.isolation.add_check(household_id=h.id, day=now.date(), checked_at=now, temperatures=temps, max_temp=max(temps),
                            need_groceries=need_groceries, need_medicine=need_medicine, need_other=need_other.strip(),
                            note=note.strip(), checked_by=actor.username)
    record(uow, actor, "isolation.check", "home_isolation", h.code, community_code=comm["code"],
           after={"max_temp": max(temps), "readings": len(temps), "need_groceries": need_groceries,
                  "need_medicine": need_medicine}, batch_id=new_batch_id())
    return max(temps)


# --- the scan ------------------------------------------------------------------------------------


def find_alerts(households: pd.DataFrame, checks: pd.DataFrame, existing: pd.DataFrame,
                settings: IsolationSettings, now: dt.datetime) -> pd.DataFrame:
    """Alerts due on ``now``'s day (pure, vectorised): household_id, cause (fever | missed), max_temp.

    Fever: any of today's readings ≥ threshold. Missed: active since before today's cut-off, no check
    today, and the cut-off hour has passed. Households that already have an alert for the cause are left out."""
    day = now.date()
    act = households[(households["status"] == "active") & (pd.to_datetime(households["start_date"]).dt.date <= day)]
    today = checks[pd.to_datetime(checks["day"]).dt.date == day] if len(checks) else checks
    hottest = today.groupby("household_id")["max_temp"].max() if len(today) else pd.Series(dtype=float)
    hot = hottest[hottest >= settings.fever_threshold - 1e-9]
    fever = pd.DataFrame({"household_id": hot.index.astype(np.int64), "cause": "fever", "max_temp": hot.to_numpy()})
    if now.hour >= settings.missed_hour:
        ids = act["id"][~act["id"].isin(hottest.index)].to_numpy(np.int64)
    else:
        ids = np.array([], dtype=np.int64)
    missed = pd.DataFrame({"household_id": ids, "cause": "missed", "max_temp": np.nan})
    out = pd.concat([fever[fever["household_id"].isin(act["id"])], missed], ignore_index=True)
    if len(existing):
        seen = set(zip(existing["household_id"].astype(int), existing["cause"], strict=False))
        keep = [(int(h), c) not in seen for h, c in zip(out["household_id"], out["cause"], strict=False)]
        out = out[pd.Series(keep, index=out.index, dtype=bool)]  # a mask even when empty (a [] selects columns)
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class ScanResult:
    day: dt.date
    fever: int
    missed: int
    incident_codes: list[str]


#: incident type and severity raised for each cause of alert
ALERT_INCIDENT = {"fever": ("fever_case", "high"), "missed": ("other", "medium")}


def alert_description(cause: str, household_code: str, max_temp: float, settings: IsolationSettings) -> str:
    """The stored description of an automatic incident, in the district's language (the default)."""
    return translate(f"isolation.alert.{cause}", DEFAULT_LANG, code=household_code, temp=float(max_temp),
                     threshold=settings.fever_threshold, hour=settings.missed_hour)


@write_service(*SCAN_ROLES)
def scan_isolation(uow: UnitOfWork, actor: Actor, now: dt.datetime | None = None) -> ScanResult:
    """Raise the due fever and missed-check incidents of today (idempotent), in the caller's unit of work."""
    return _raise_due(uow, actor, now or clock.wall_now())


@write_service(*CHECK_ROLES)
def raise_fever_now(uow: UnitOfWork, actor: Actor, household_id: int, now: dt.datetime | None = None) -> ScanResult:
    """Raise a household's fever incident as soon as its check is recorded (the scan would find it at its next
    run; a front-line entry should not wait). Idempotent, like the scan: at most one a household and day."""
    _household_in_scope(uow, actor, household_id, CHECK_ROLES)
    return _raise_due(uow, actor, now or clock.wall_now(), household_id=household_id, causes=("fever",))


def _raise_due(uow: UnitOfWork, actor: Actor, now: dt.datetime, *, household_id: int | None = None,
               causes: tuple[str, ...] = ("fever", "missed")) -> ScanResult:
    day = now.date()
    uow.incidents.serialise_writers()
    settings = load_settings(uow)
    hh = uow.isolation.households(active_only=True)
    if household_id is not None:
        hh = hh[hh["id"] == household_id]
    checks = uow.isolation.checks_between(day, day)
    due = find_alerts(hh, checks, uow.isolation.alerts_on(day), settings, now)
    due = due[due["cause"].isin(causes)]
    if actor.streets is not None:
        due = due[due["household_id"].map(hh.set_index("id")["street_code"]).isin(actor.streets)]
    batch = new_batch_id()
    codes: list[str] = []
    info = hh.set_index("id")
    for row in due.itertuples(index=False):  # only the few alerts due, not the households
        h = info.loc[int(row.household_id)]
        comm = uow.tables.community_ref(int(h["community_id"]))
        assert comm is not None
        type_, sev = ALERT_INCIDENT[str(row.cause)]
        desc = alert_description(str(row.cause), str(h["code"]), row.max_temp, settings)
        rep = create_incident(uow, actor, community=comm, grid_id=None if pd.isna(h["grid_id"]) else int(h["grid_id"]),
                              type_=type_, severity=sev, place=f"{h['community']} {h['code']}", description=desc,
                              lon=None, lat=None, now=now, source="isolation", batch_id=batch)
        uow.isolation.add_alert(household_id=int(row.household_id), day=day, cause=row.cause, incident_id=rep.id)
        codes.append(rep.code)
    uow.isolation.flush()
    return ScanResult(day, int((due["cause"] == "fever").sum()), int((due["cause"] == "missed").sum()), codes)


# --- reads ---------------------------------------------------------------------------------------


def mask_addresses(s: pd.Series) -> pd.Series:
    """Keep the estate and building, hide the door number (…3栋2单元501 -> …3栋2单元***)."""
    text = s.astype("string")
    return text.str.replace(r"\d+(室|号)?$", "***", regex=True).astype(object).where(s.notna(), None)


def mask_households(df: pd.DataFrame, personal: bool) -> pd.DataFrame:
    """Personal columns masked unless ``personal`` (the actor's ``sees_personal_data``)."""
    if personal:
        return df
    out = df.copy()
    if "head_name" in out:
        out["head_name"] = mask_names(out["head_name"])
    if "phone" in out:
        out["phone"] = mask_phones(out["phone"])
    if "address" in out:
        out["address"] = mask_addresses(out["address"])
    return out


@dataclass(frozen=True)
class IsolationView:
    households: pd.DataFrame  # active, masked for the actor, with today's check status
    checks_today: pd.DataFrame
    missing: pd.DataFrame  # active households not yet checked today
    ending: pd.DataFrame  # planned end within the coming days
    settings: IsolationSettings
    day: dt.date


def load_view(uow: UnitOfWork, *, personal: bool, now: dt.datetime | None = None,
              ending_days: int = 3) -> IsolationView:
    """Everything the isolation page shows; personal data masked unless ``personal``
    (pass ``actor.sees_personal_data``)."""
    day = (now or clock.wall_now()).date()
    settings = load_settings(uow)
    hh = uow.isolation.households(active_only=True)
    checks = uow.isolation.checks_between(day, day)
    last = checks.groupby("household_id").agg(max_temp=("max_temp", "max"), checked_at=("checked_at", "max"),
                                              need_groceries=("need_groceries", "max"),
                                              need_medicine=("need_medicine", "max")) if len(checks) else None
    hh = hh.copy()
    if last is not None:
        hh = hh.join(last, on="id")
    else:
        hh = hh.assign(max_temp=np.nan, checked_at=pd.NaT, need_groceries=False, need_medicine=False)
    hh["checked_today"] = hh["checked_at"].notna()
    hh["fever"] = hh["max_temp"] >= settings.fever_threshold - 1e-9
    hh["days_left"] = (pd.to_datetime(hh["planned_end"]) - pd.Timestamp(day)).dt.days
    masked = mask_households(hh, personal)
    ending = masked[masked["days_left"].between(0, ending_days)].sort_values(["planned_end", "code"])
    missing = masked[~masked["checked_today"]]
    ct = checks.merge(masked[["id", "code", "community", "street_code", "grid"]], left_on="household_id",
                      right_on="id", how="left") if len(checks) else checks
    return IsolationView(masked, ct, missing, ending, settings, day)
