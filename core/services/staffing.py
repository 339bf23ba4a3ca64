"""The staffing state read from the database: now, or any past day rebuilt from the dated history
(the state and its history arithmetic are ``core.model.state``)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from core.model.state import RawTables, StaffingState, end_of, grid_checkpoints, state_on


def read_tables(url: str | None, until: dt.date | None = None) -> RawTables:
    """One read transaction; with ``until`` also the history rows begun before the end of that day."""
    from core.storage.db import session_scope
    from core.storage.repositories import state_repo, volunteers_repo

    with session_scope(url) as s:
        comms = state_repo.communities(s)
        grids = grid_checkpoints(state_repo.grids(s), state_repo.active_checkpoints_per_grid(s))
        staff = state_repo.staff(s)
        deployments, today = volunteers_repo.deployments(s), volunteers_repo.reference_day(s)
        if until is None:
            return RawTables(comms, grids, staff, deployments=deployments, today=today)
        end = end_of(until)
        return RawTables(comms, grids, staff, state_repo.assignments_started_before(s, end),
                         state_repo.duty_changes_before(s, end), state_repo.conditions_until(s, until),
                         deployments=deployments, today=today)


def load_state(url: str | None, day: dt.date | None = None) -> StaffingState:
    """The staffing state now (``day=None``) or as of the end of a past ``day``, with the screening
    workload of the campaigns running that day (so the gap engine asks for the people a campaign
    needs to meet its deadline)."""
    raw = read_tables(url, day)
    state = state_on(raw, day)
    return with_screening(state, url, day or raw.today or dt.date.today())


def with_screening(state: StaffingState, url: str | None, day: dt.date) -> StaffingState:
    """The state with the day's screening workload per community (core.services.screening): the pace needed
    from the start of ``day`` to each running campaign's deadline, so it is stable within a day."""
    from core.services.screening import workload_by_community

    work = workload_by_community(url, dt.datetime.combine(day, dt.time(0, 0)))
    return dataclasses.replace(state, screening=work[["community_id", "households_per_day"]])


def screening_by_day(url: str | None, days: list[dt.date]) -> dict[dt.date, pd.DataFrame]:
    """The screening workload of several days in one read (for the day-by-day history)."""
    from core.services.screening import workload_on_days

    moments = {day: dt.datetime.combine(day, dt.time(0, 0)) for day in days}
    work = workload_on_days(url, list(moments.values()))
    return {day: work[m][["community_id", "households_per_day"]] for day, m in moments.items()}
