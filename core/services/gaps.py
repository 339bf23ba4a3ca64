"""Gaps read from the database: today's or a past day's, and the day-by-day history (the engine is
``core.model.gaps``; the norms in force each day come from ``core.model.norms``)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from core.model.gaps import GapResult, compute_gaps
from core.model.norms import norms_in_force
from core.model.state import states_on_days
from core.services import clock
from core.services.norms import norm_history, norms_for_day
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
    raw = read_tables(uow, today)  # one read; each day is cut from it in memory
    versions = norm_history(uow)
    totals, per_comm = [], []
    all_days = [today - dt.timedelta(days=k) for k in range(days - 1, -1, -1)]
    screening = screening_by_day(uow, all_days)  # the campaigns running each day (one read)
    # one pass per day (14), each vectorised over the whole district; the history is sorted once for all days
    for day, state in zip(all_days, states_on_days(raw, all_days), strict=True):
        state = dataclasses.replace(state, screening=screening[day])
        res = compute_gaps(state, norms_in_force(versions, day))
        totals.append({"day": day, **res.district, **res.coverage})
        per_comm.append(res.community[["community_id", "code", "name", "street", "required", "available", "gap",
                                       "shortage"]].assign(day=day))
    return pd.DataFrame(totals), pd.concat(per_comm, ignore_index=True)
