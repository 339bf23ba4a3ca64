"""Deployment rules as data and pure functions (no I/O): task types, conflicts, fatigue, the errand
life-cycle. The services in ``core.services.volunteers`` and ``core.services.errands`` apply them inside a transaction.

* conflict: a person may not be on two tasks whose time windows overlap (always refused);
* fatigue: planned or served hours on a calendar day above ``max_hours_per_day``, or more than
  ``max_consecutive_days`` days of service in a row; refused or warned by ``fatigue_policy``
  (a warning needs an override reason, which is audited);
* availability: a task outside the weekdays or hours the person registered is a warning.

Hours of an assignment: the checked-in hours when it was checked out, otherwise its planned window.
Everything is vectorised over the candidates' assignments (pandas), never a loop per person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.model.errors import InvalidInput, RuleViolation

TASK_TYPES = ("checkpoint", "door_to_door", "delivery", "elderly_care", "disinfection", "publicity")
#: kinds of people a coordinator deploys on tasks (cadres and community staff are moved elsewhere)
DEPLOYABLE_KINDS = ("volunteer", "party_member")
FATIGUE_POLICIES = ("refuse", "warn")
MAX_TASK_HOURS = 24.0

ERRAND_KINDS = ("groceries", "medicine", "bills", "hospital", "other")
#: default hours from creation to deadline, by kind (medicine and hospital visits are urgent)
ERRAND_DEADLINE_HOURS = {"groceries": 12.0, "medicine": 4.0, "bills": 48.0, "hospital": 2.0, "other": 24.0}
ERRAND_STATUSES = ("new", "assigned", "in_progress", "done", "cancelled")
OPEN_ERRAND_STATUSES = ("new", "assigned", "in_progress")
#: (action, from status) -> to status; anything else is refused
ERRAND_TRANSITIONS: dict[tuple[str, str], str] = {
    ("assign", "new"): "assigned",
    ("assign", "assigned"): "assigned",
    ("assign", "in_progress"): "assigned",
    ("start", "assigned"): "in_progress",
    ("complete", "assigned"): "done",
    ("complete", "in_progress"): "done",
    ("cancel", "new"): "cancelled",
    ("cancel", "assigned"): "cancelled",
    ("cancel", "in_progress"): "cancelled",
}
ERRAND_ACTIONS = ("assign", "start", "complete", "cancel")


def errand_step(status: str, action: str) -> str:
    """The status after ``action``; RuleViolation ``errand.cannot_<action>`` when the step is not allowed."""
    to = ERRAND_TRANSITIONS.get((action, status))
    if to is None:
        key = f"errand.cannot_{action}" if action in ERRAND_ACTIONS else "errand.unknown_action"
        raise RuleViolation(key, status=status, action=action)
    return to


def errand_deadline(kind: str, created_at: dt.datetime, hours: float | None = None) -> dt.datetime:
    if kind not in ERRAND_KINDS:
        raise InvalidInput("errand.unknown_kind", kind=kind)
    return created_at + dt.timedelta(hours=ERRAND_DEADLINE_HOURS[kind] if hours is None else float(hours))


def flag_errands(df: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    """Add age (hours since creation), hours left to the deadline (negative: late), open and overdue."""
    out = df.copy()
    created = pd.to_datetime(out["created_at"])
    deadline = pd.to_datetime(out["deadline"])
    closed = pd.to_datetime(out["closed_at"]).astype("datetime64[us]")
    end = closed.fillna(pd.Timestamp(now).as_unit("us"))
    out["open"] = out["status"].isin(OPEN_ERRAND_STATUSES)
    out["age_h"] = ((end - created).dt.total_seconds() / 3600.0).round(1)
    out["left_h"] = ((deadline - pd.Timestamp(now)).dt.total_seconds() / 3600.0).round(1)
    out["overdue"] = out["open"] & (deadline < pd.Timestamp(now))
    return out


# --- deployments ---------------------------------------------------------------------------------


def check_window(starts_at: dt.datetime, ends_at: dt.datetime) -> float:
    """Hours of a task window; InvalidInput unless it ends after it starts and lasts at most a day."""
    hours = (ends_at - starts_at).total_seconds() / 3600.0
    if hours <= 0:
        raise InvalidInput("volunteer.window_empty")
    if hours > MAX_TASK_HOURS:
        raise InvalidInput("volunteer.window_too_long", max_hours=MAX_TASK_HOURS)
    return hours


def hours_by_day(assignments: pd.DataFrame) -> pd.DataFrame:
    """Hours per (staff_id, day): each assignment's hours spread over the calendar days its window
    touches, in proportion to the overlap (a 22:00–06:00 night shift counts 2 h and 6 h).

    ``assignments``: staff_id, starts_at, ends_at, hours (NaN: planned window)."""
    if not len(assignments):
        return pd.DataFrame({"staff_id": pd.Series(dtype=np.int64), "day": pd.Series(dtype=object),
                             "hours": pd.Series(dtype=float)})
    a = assignments.reset_index(drop=True)
    start = pd.to_datetime(a["starts_at"])
    end = pd.to_datetime(a["ends_at"])
    window_h = (end - start).dt.total_seconds().to_numpy() / 3600.0
    worked = pd.to_numeric(a["hours"], errors="coerce").to_numpy(float) if "hours" in a else np.full(len(a), np.nan)
    total = np.where(np.isnan(worked), window_h, worked)
    d0 = start.dt.normalize()
    n_days = ((end - pd.Timedelta(seconds=1)).dt.normalize() - d0).dt.days.clip(lower=0).to_numpy() + 1
    rep = np.repeat(np.arange(len(a)), n_days)
    offset = np.arange(len(rep)) - np.repeat(np.cumsum(n_days) - n_days, n_days)
    day_start = d0.to_numpy()[rep] + offset.astype("timedelta64[D]")
    day_end = day_start + np.timedelta64(1, "D")
    lo = np.maximum(start.to_numpy()[rep], day_start)
    hi = np.minimum(end.to_numpy()[rep], day_end)
    share = (hi - lo) / np.timedelta64(1, "h") / np.where(window_h[rep] > 0, window_h[rep], 1)
    out = pd.DataFrame({"staff_id": a["staff_id"].to_numpy(np.int64)[rep],
                        "day": pd.to_datetime(day_start).date, "hours": share * total[rep]})
    return out.groupby(["staff_id", "day"], as_index=False)["hours"].sum()


def _day_number(days: pd.Series) -> np.ndarray:
    """Days since the epoch (consecutive calendar days differ by one), vectorised."""
    return pd.to_datetime(days).to_numpy().astype("datetime64[D]").astype(np.int64)


def streak_through(days: pd.DataFrame, target_days: list[dt.date]) -> pd.Series:
    """Longest run of consecutive service days that includes one of ``target_days``, per staff_id.

    ``days``: staff_id, day (one row per day served or planned, the new task's days included)."""
    if not len(days):
        return pd.Series(dtype=np.int64)
    d = days.drop_duplicates(["staff_id", "day"]).copy()
    d["ord"] = _day_number(d["day"])
    d = d.sort_values(["staff_id", "ord"])
    brk = (d.groupby("staff_id")["ord"].diff() != 1).astype(int)
    d["run"] = brk.groupby(d["staff_id"]).cumsum()
    d["len"] = d.groupby(["staff_id", "run"])["ord"].transform("size")
    targets = set(_day_number(pd.Series(target_days)).tolist())
    hit = d[d["ord"].isin(targets)]
    return hit.groupby("staff_id")["len"].max()


@dataclass(frozen=True)
class Issue:
    """One reason against an assignment: kind conflict | hours | streak | availability | off_duty | kind.

    ``key`` and ``params`` are a message of the catalogue (``volunteer.issue.<kind>``), rendered in the
    reader's language by ``core.i18n.volunteers.issue_text``; params hold codes, never names."""

    staff_id: int
    kind: str
    blocking: bool
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"volunteer.issue.{self.kind}"


def _window_days(starts_at: dt.datetime, ends_at: dt.datetime) -> list[dt.date]:
    last = (ends_at - dt.timedelta(seconds=1)).date()
    n = max((last - starts_at.date()).days, 0) + 1
    return [starts_at.date() + dt.timedelta(days=k) for k in range(n)]


def check_assignments(people: pd.DataFrame, existing: pd.DataFrame, availability: pd.DataFrame, *,
                      starts_at: dt.datetime, ends_at: dt.datetime, max_hours_per_day: float,
                      max_consecutive_days: float, fatigue_policy: str) -> list[Issue]:
    """Every issue with putting ``people`` on a task of this window.

    ``people``: staff_id, code, kind, on_duty; ``existing``: their other live assignments (staff_id,
    task_code, starts_at, ends_at, hours); ``availability``: staff_id, days, hour_from, hour_to."""
    check_window(starts_at, ends_at)
    issues: list[Issue] = []
    code = dict(zip(people["staff_id"].astype(int), people["code"].astype(str), strict=True))
    for sid in people.loc[~people["kind"].isin(DEPLOYABLE_KINDS), "staff_id"].astype(int):
        issues.append(Issue(sid, "kind", True, {"code": code[sid]}))
    for sid in people.loc[~people["on_duty"].astype(bool), "staff_id"].astype(int):
        issues.append(Issue(sid, "off_duty", True, {"code": code[sid]}))
    ex = existing
    if len(ex):
        s, e = pd.to_datetime(ex["starts_at"]), pd.to_datetime(ex["ends_at"])
        clash = ex[(s < pd.Timestamp(ends_at)) & (e > pd.Timestamp(starts_at))]
        for sid, grp in clash.groupby("staff_id"):
            tasks = [f"{r.task_code} {pd.Timestamp(r.starts_at):%m-%d %H:%M}–{pd.Timestamp(r.ends_at):%H:%M}"
                     for r in grp.itertuples()]
            issues.append(Issue(int(sid), "conflict", True, {"code": code[int(sid)], "tasks": tasks}))
    new = pd.DataFrame({"staff_id": people["staff_id"].astype(np.int64), "starts_at": starts_at,
                        "ends_at": ends_at, "hours": np.nan})
    cols = ["staff_id", "starts_at", "ends_at", "hours"]
    both = pd.concat([ex[cols], new], ignore_index=True) if len(ex) else new
    per_day = hours_by_day(both)
    days = _window_days(starts_at, ends_at)
    heavy = per_day[per_day["day"].isin(days) & (per_day["hours"] > max_hours_per_day + 1e-9)]
    blocking = fatigue_policy == "refuse"
    for r in heavy.itertuples():
        issues.append(Issue(int(r.staff_id), "hours", blocking,
                            {"code": code[int(r.staff_id)], "day": f"{r.day:%m-%d}", "hours": round(float(r.hours), 1),
                             "limit": float(max_hours_per_day)}))
    streak = streak_through(per_day[per_day["hours"] > 0][["staff_id", "day"]], days)
    for sid, n in streak[streak > max_consecutive_days].items():
        issues.append(Issue(int(sid), "streak", blocking,
                            {"code": code[int(sid)], "days": int(n), "limit": float(max_consecutive_days)}))
    issues += _availability_issues(people, availability, starts_at, ends_at, code)
    return issues


def _availability_issues(people: pd.DataFrame, availability: pd.DataFrame, starts_at: dt.datetime,
                         ends_at: dt.datetime, code: dict[int, str]) -> list[Issue]:
    if not len(availability):
        return []
    av = availability[availability["staff_id"].isin(people["staff_id"])]
    wd = str(starts_at.weekday())
    end_h = ends_at.hour + ends_at.minute / 60 if ends_at.date() == starts_at.date() else 24.0
    bad_day = ~av["days"].astype(str).str.contains(wd, regex=False)
    bad_hour = (av["hour_from"].to_numpy(float) > starts_at.hour + starts_at.minute / 60) | \
               (av["hour_to"].to_numpy(float) < end_h)
    out = []
    for r in av[bad_day.to_numpy() | bad_hour].itertuples():
        out.append(Issue(int(r.staff_id), "availability", False,
                         {"code": code[int(r.staff_id)], "weekdays": str(r.days), "hour_from": int(r.hour_from),
                          "hour_to": int(r.hour_to)}))
    return out


def weekdays(days: str) -> list[int]:
    """Weekday digits ("0" = Monday … "6" = Sunday) as sorted numbers; anything else is ignored."""
    return sorted({int(c) for c in str(days) if c.isdigit() and int(c) < 7})


def _last_runs(days: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per staff_id: the last day served and the length of the run of consecutive days ending there."""
    d = days[["staff_id", "day"]].drop_duplicates().copy()
    d["ord"] = _day_number(d["day"])
    d = d.sort_values(["staff_id", "ord"])
    d["run"] = (d.groupby("staff_id")["ord"].diff() != 1).astype(int).groupby(d["staff_id"]).cumsum()
    last_run = d.groupby("staff_id")["run"].transform("max")
    tail = d[d["run"] == last_run]
    return tail.groupby("staff_id")["day"].max(), tail.groupby("staff_id").size()


def fatigue_table(per_day: pd.DataFrame, today: dt.date, max_hours_per_day: float,
                  max_consecutive_days: float) -> pd.DataFrame:
    """Per person: hours today, hours in the last 7 days, days served in a row up to today and
    whether they are worn out (today above the daily limit or the streak above the limit)."""
    if not len(per_day):
        return pd.DataFrame(columns=["staff_id", "hours_today", "hours_7d", "streak", "worn_out"])
    d = per_day[per_day["hours"] > 0]
    week = d[(d["day"] > today - dt.timedelta(days=7)) & (d["day"] <= today)]
    h7 = week.groupby("staff_id")["hours"].sum()
    htoday = d[d["day"] == today].groupby("staff_id")["hours"].sum()
    last, streak = _last_runs(d[d["day"] <= today])
    out = pd.DataFrame({"hours_7d": h7}).join(pd.DataFrame({"hours_today": htoday}), how="outer")
    out = out.join(pd.DataFrame({"last_day": last, "streak_all": streak}), how="outer").fillna(
        {"hours_7d": 0.0, "hours_today": 0.0})
    # a streak counts only while it is current (served today or yesterday)
    recent = pd.to_datetime(out["last_day"]).dt.date >= today - dt.timedelta(days=1)
    out["streak"] = np.where(recent, out["streak_all"].fillna(0), 0).astype(int)
    out["worn_out"] = (out["hours_today"] > max_hours_per_day + 1e-9) | (out["streak"] > max_consecutive_days)
    return out.reset_index(names="staff_id")[["staff_id", "hours_today", "hours_7d", "streak", "worn_out"]]
