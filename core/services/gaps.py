"""Gaps read from the database: today's or a past day's, and the day-by-day history (the engine is
``core.model.gaps``; the norms in force each day come from ``core.model.norms``)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from core.model.gap_days import gaps_of_days
from core.model.gaps import GapResult, compute_gaps
from core.model.norms import norms_in_force
from core.model.state import states_on_days
from core.services import clock
from core.services.norms import norm_history, norms_for_day
from core.services.rosters import grid_roster_coverage, roster_coverage
from core.services.staffing import load_state, read_tables, screening_by_day
from core.services.uow import UnitOfWork


def load_gaps(uow: UnitOfWork, day: dt.date | None = None) -> GapResult:
    """Gaps of today (``day=None``) or of a past day, with the norms in force that day."""
    state = load_state(uow, day)
    return compute_gaps(state, norms_for_day(uow, day or clock.reference_day(uow)))


def gap_history(uow: UnitOfWork, days: int = 14, today: dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Day-by-day district totals and per-community gaps for the last ``days`` days (norms of each day).

    Returns (district rows: day, required, available, gap, shortage, short_communities, coverage...;
    community rows: day, community_id, code, required, available, gap, shortage)."""
    today = today or clock.reference_day(uow)
    all_days = [today - dt.timedelta(days=k) for k in range(days - 1, -1, -1)]
    raw = read_tables(uow, today, since=all_days[0])  # one read; each day is cut from it in memory
    versions = norm_history(uow)
    screening = screening_by_day(uow, all_days)  # the campaigns running each day (one read)
    # the history sorted once for all days, and the engine run once over all days stacked (core.model.gap_days)
    rostered = roster_coverage(uow, all_days)  # posts that keep a roster: their shifts from it (one read)
    grid_rostered = grid_roster_coverage(uow, all_days)  # grids that keep a watch roster (one read)
    states = [dataclasses.replace(state, screening=screening[day], rostered=rostered[day],
                                  grid_rostered=grid_rostered[day])
              for day, state in zip(all_days, states_on_days(raw, all_days), strict=True)]
    per_day = gaps_of_days(states, [norms_in_force(versions, day) for day in all_days])
    totals = pd.DataFrame([{"day": d.day, **d.district, **d.coverage} for d in per_day])
    per_comm = pd.concat([d.community.assign(day=d.day) for d in per_day], ignore_index=True)
    return totals, per_comm
