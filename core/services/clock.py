"""The one clock of the product: what "now" and "today" are.

The demo district lives on its own day (the day it was seeded, ``meta.demo_today``): on the demo,
"today" is that day and "now" is that day at the wall clock's time, so the demo's incidents,
deadlines and trends stay coherent whenever it is opened. On a real district both are the real
ones. Every service asks here instead of calling ``datetime.now()``.

One time policy: every stored time is a naive timestamp in the district's zone (``FANGXIAN_TIMEZONE``,
default Asia/Shanghai), whatever zone the machine runs in; "the day" of anything is the date of that
time. The clock is ``core.config.district_now`` (the rows' defaults read the same one), so a move, an
import and an incident at one instant carry one time and one day.
"""

from __future__ import annotations

import datetime as dt

from core.config import district_now
from core.storage.uow import UnitOfWork


def wall_now() -> dt.datetime:
    """The district's wall clock, to the second: naive, in the district's zone (every stored time)."""
    return district_now().replace(microsecond=0)


def exact_now() -> dt.datetime:
    """The same clock to the microsecond, for stamps that must order actions within one second (which
    of two move batches came later, the newest saved scenario, a sign-in's lockout)."""
    return district_now()


def demo_day(uow: UnitOfWork) -> dt.date | None:
    """The demo's own day, or None when this is not the demo database."""
    if uow.meta.get("demo") != "1":
        return None
    day = uow.meta.get("demo_today")
    return dt.date.fromisoformat(day) if day else None


def reference_day(uow: UnitOfWork) -> dt.date:
    """Today: the demo's own day on the demo district, else the real date."""
    return demo_day(uow) or wall_now().date()


def reference_now(uow: UnitOfWork) -> dt.datetime:
    """Now: on the demo, its own day at the wall clock's time; else the wall clock."""
    now = wall_now()
    day = demo_day(uow)
    return now if day is None or day == now.date() else dt.datetime.combine(day, now.time())
