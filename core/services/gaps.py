"""Gaps read from the database: today's or a past day's, and the day-by-day history (the engine is
``core.model.gaps``; the norms in force each day come from ``core.model.norms``)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from core.model.gaps import GapResult, compute_gaps
from core.model.norms import norms_in_force


def load_gaps(url: str | None, day: dt.date | None = None) -> GapResult:
    """Gaps of today (``day=None``) or of a past day, with the norms in force that day."""
    from core.services.norms import norms_for_day
    from core.services.staffing import load_state

    state = load_state(url, day)
    return compute_gaps(state, norms_for_day(url, day or dt.date.today()))


def gap_history(url: str | None, days: int = 14, today: dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Day-by-day district totals and per-community gaps for the last ``days`` days (norms of each day).

    Returns (district rows: day, required, available, gap, shortage, short_communities, coverage...;
    community rows: day, community_id, code, required, available, gap, shortage)."""
    from core.model.state import state_on
    from core.services.staffing import read_tables, screening_by_day

    today = today or _today(url)
    raw = read_tables(url, today)  # one read; each day is cut from it in memory
    versions = _norm_versions(url)
    totals, per_comm = [], []
    all_days = [today - dt.timedelta(days=k) for k in range(days - 1, -1, -1)]
    screening = screening_by_day(url, all_days)  # the campaigns running each day (one read)
    for day in all_days:  # one pass per day (14), each vectorised over the whole district
        state = dataclasses.replace(state_on(raw, day), screening=screening[day])
        res = compute_gaps(state, norms_in_force(versions, day))
        totals.append({"day": day, **res.district, **res.coverage})
        per_comm.append(res.community[["community_id", "code", "name", "street", "required", "available", "gap",
                                       "shortage"]].assign(day=day))
    return pd.DataFrame(totals), pd.concat(per_comm, ignore_index=True)


def _norm_versions(url: str | None) -> pd.DataFrame:
    from core.services.norms import norm_history

    return norm_history(url)


def _today(url: str | None) -> dt.date:
    """Today, or the demo's own "today" when the database holds the demo district."""
    from core.storage.db import session_scope
    from core.storage.repositories import tables_repo as repo

    with session_scope(url) as s:
        info = repo.demo_info(s)
    if info.get("demo") == "1" and info.get("today"):
        return dt.date.fromisoformat(str(info["today"]))
    return dt.date.today()
