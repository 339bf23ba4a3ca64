"""Duty rosters (排班) as data and pure functions (no I/O): shift patterns, the shifts of a day, and the
rules a roster keeps for every kind of staff.

* A **pattern** is a list of named shifts (``early 08:00 8 h``…) and the people each needs; presets
  "2x12" (两班倒) and "3x8" (三班倒), or the norms' shifts a day split evenly from 08:00. A shift may run
  past midnight (a night shift at 20:00 for 12 h ends at 08:00 the next day); it belongs to the day it starts.
* **Clash**: a person on two shifts (anywhere) whose times overlap — always refused.
* **Fatigue** (``FatigueLimits``): hours on a calendar day, hours in the 7 days ending that day, days in
  a row, and the rest between the end of one shift and the start of the next. Over a limit the
  assignment is refused unless the coordinator gives a reason (then it is made, and the reason audited).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.model.errors import InvalidInput
from core.model.volunteer_rules import hours_by_day, streak_through

SLOT_NAME_MAX = 12


@dataclass(frozen=True)
class Slot:
    """One named shift of a pattern: its start time of day and its length in hours."""

    name: str
    start: dt.time
    hours: float

    def window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        starts = dt.datetime.combine(day, self.start)
        return starts, starts + dt.timedelta(hours=self.hours)


#: the presets' shifts carry codes for names (``roster.slot.<code>`` in the catalogue: 白班, 夜班, 早班, 中班;
#: ``s1``… for the norms' even split: 第1班…); a district's own pattern names its shifts as it likes
PRESETS: dict[str, tuple[Slot, ...]] = {
    "2x12": (Slot("day", dt.time(8, 0), 12.0), Slot("night", dt.time(20, 0), 12.0)),
    "3x8": (Slot("early", dt.time(8, 0), 8.0), Slot("middle", dt.time(16, 0), 8.0), Slot("night", dt.time(0, 0), 8.0)),
}


def even_slots(shifts_per_day: int) -> tuple[Slot, ...]:
    """The norms' shifts a day as a pattern: a preset when there is one, else equal shifts from 08:00."""
    n = int(shifts_per_day)
    if n == 2:
        return PRESETS["2x12"]
    if n == 3:
        return PRESETS["3x8"]
    if not 1 <= n <= 24:
        raise InvalidInput("roster.shifts_range", n=n)
    hours = 24.0 / n
    return tuple(Slot(f"s{i + 1}", (dt.datetime(2000, 1, 1, 8) + dt.timedelta(hours=hours * i)).time(), hours)
                 for i in range(n))


_SLOT_RE = re.compile(r"^\s*(?P<name>[^|;]{1,12})\|(?P<h>\d{1,2}):(?P<m>\d{2})\|(?P<len>\d{1,2}(\.\d+)?)\s*$")


def parse_slots(text: str) -> tuple[Slot, ...]:
    """``early|08:00|8;夜岗|20:00|12`` -> slots (the stored form of a pattern), checked: 1–24 h each, at
    most 24 h a day together, names unique."""
    slots = []
    for part in [p for p in str(text or "").split(";") if p.strip()]:
        m = _SLOT_RE.match(part)
        if m is None or int(m["h"]) > 23 or int(m["m"]) > 59:
            raise InvalidInput("roster.slot_invalid", slot=part.strip()[:40])
        hours = float(m["len"])
        if not 1.0 <= hours <= 24.0:
            raise InvalidInput("roster.slot_hours", slot=m["name"].strip(), hours=hours)
        slots.append(Slot(m["name"].strip(), dt.time(int(m["h"]), int(m["m"])), hours))
    if not slots:
        raise InvalidInput("roster.pattern_empty")
    names = [s.name for s in slots]
    if len(set(names)) != len(names):
        raise InvalidInput("roster.slot_duplicate")
    if sum(s.hours for s in slots) > 24.0 + 1e-9:
        raise InvalidInput("roster.pattern_too_long", hours=sum(s.hours for s in slots))
    return tuple(slots)


def format_slots(slots: tuple[Slot, ...]) -> str:
    return ";".join(f"{s.name}|{s.start:%H:%M}|{s.hours:g}" for s in slots)


def slot_named(slots: tuple[Slot, ...], name: str) -> Slot:
    for s in slots:
        if s.name == name:
            return s
    raise InvalidInput("roster.slot_unknown", slot=name, known=[s.name for s in slots])


@dataclass(frozen=True)
class FatigueLimits:
    max_hours_day: float = 12.0
    max_hours_week: float = 60.0
    max_consecutive_days: int = 14
    min_rest_hours: float = 8.0
    #: the norms' fatigue policy "refuse": over a limit is refused even with a reason
    hard: bool = False


@dataclass(frozen=True)
class Problem:
    """Why a person should not take a shift: ``clash`` (never allowed) or a fatigue limit (allowed with a
    reason); ``params`` name the figures for the message."""

    staff_id: int
    kind: str  # clash | hours_day | hours_week | streak | rest
    hard: bool
    params: dict[str, Any]


def check_shift(staff_id: int, shifts: pd.DataFrame, starts_at: dt.datetime, ends_at: dt.datetime,
                limits: FatigueLimits) -> list[Problem]:
    """Every problem with giving ``staff_id`` the shift ``starts_at``–``ends_at``, given the person's other
    shifts (``shifts``: starts_at, ends_at, place)."""
    out: list[Problem] = []
    mine = shifts
    if len(mine):
        s, e = pd.to_datetime(mine["starts_at"]), pd.to_datetime(mine["ends_at"])
        clash = mine[(s < pd.Timestamp(ends_at)) & (e > pd.Timestamp(starts_at))]
        for r in clash.itertuples():
            out.append(Problem(staff_id, "clash", True, {"place": r.place, "at": f"{pd.Timestamp(r.starts_at):%m-%d %H:%M}"}))
        if len(clash):
            return out
        before = mine[e <= pd.Timestamp(starts_at)]
        after = mine[s >= pd.Timestamp(ends_at)]
        gaps = []
        if len(before):
            gaps.append((pd.Timestamp(starts_at) - pd.to_datetime(before["ends_at"]).max()).total_seconds() / 3600)
        if len(after):
            gaps.append((pd.to_datetime(after["starts_at"]).min() - pd.Timestamp(ends_at)).total_seconds() / 3600)
        short = [g for g in gaps if g < limits.min_rest_hours - 1e-9]
        if short:
            out.append(Problem(staff_id, "rest", False, {"hours": round(min(short), 1), "limit": limits.min_rest_hours}))
    both = pd.concat([mine[["starts_at", "ends_at"]], pd.DataFrame({"starts_at": [starts_at], "ends_at": [ends_at]})],
                     ignore_index=True).assign(staff_id=staff_id, hours=float("nan"))
    per_day = hours_by_day(both[["staff_id", "starts_at", "ends_at", "hours"]])
    days = sorted(set(pd.date_range(starts_at.date(), (ends_at - dt.timedelta(seconds=1)).date()).date))
    for r in per_day[per_day["day"].isin(days)].itertuples():
        if float(r.hours) > limits.max_hours_day + 1e-9:
            out.append(Problem(staff_id, "hours_day", False, {"day": f"{r.day:%m-%d}", "hours": round(float(r.hours), 1),
                                                              "limit": limits.max_hours_day}))
        week = per_day[(per_day["day"] > r.day - dt.timedelta(days=7)) & (per_day["day"] <= r.day)]["hours"].sum()
        if float(week) > limits.max_hours_week + 1e-9:
            out.append(Problem(staff_id, "hours_week", False, {"day": f"{r.day:%m-%d}", "hours": round(float(week), 1),
                                                               "limit": limits.max_hours_week}))
    streak = streak_through(per_day[per_day["hours"] > 0][["staff_id", "day"]], days)
    n = int(streak.get(staff_id, 0))
    if n > limits.max_consecutive_days:
        out.append(Problem(staff_id, "streak", False, {"days": n, "limit": limits.max_consecutive_days}))
    return out
