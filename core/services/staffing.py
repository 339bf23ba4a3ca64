"""The staffing state read from the database: now, or any past day rebuilt from the dated history
(the state and its history arithmetic are ``core.model.state``)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from core.model.state import RawTables, StaffingState, end_of, grid_checkpoints, state_on
from core.services import clock
from core.services.desk import apply_due_risk
from core.services.uow import UnitOfWork


def read_tables(uow: UnitOfWork, until: dt.date | None = None, since: dt.date | None = None) -> RawTables:
    """The current tables; with ``until`` also the history rows begun before the end of that day.
    ``since``: the first day the caller will rebuild (volunteer deployments that ended before it are
    not read); without it every open deployment is read. Without ``until`` only today's are needed."""
    apply_due_risk(uow)  # a scheduled risk change comes due on its day (core.services.desk)
    comms = uow.state.communities()
    grids = grid_checkpoints(uow.state.grids(), uow.state.active_checkpoints_per_grid())
    staff = uow.state.staff()
    today = clock.reference_day(uow)
    first = since if until is not None else today
    deployments = uow.volunteers.deployments(
        ending_after=dt.datetime.combine(first, dt.time(0, 0)) if first is not None else None)
    if until is None:
        return RawTables(comms, grids, staff, deployments=deployments, today=today)
    end = end_of(until)
    return RawTables(comms, grids, staff, uow.state.assignments_started_before(end),
                     uow.state.duty_changes_before(end), uow.state.conditions_until(until),
                     deployments=deployments, today=today)


def load_state(uow: UnitOfWork, day: dt.date | None = None) -> StaffingState:
    """The staffing state now (``day=None``) or as of the end of a past ``day``, with the screening
    workload of the campaigns running that day (so the gap engine asks for the people a campaign
    needs to meet its deadline)."""
    raw = read_tables(uow, day, since=day)
    state = state_on(raw, day)
    return with_screening(state, uow, day or raw.today or clock.reference_day(uow))


def with_screening(state: StaffingState, uow: UnitOfWork, day: dt.date) -> StaffingState:
    """The state with the day's screening workload per community (core.services.screening): the pace needed
    from the start of ``day`` to each running campaign's deadline, so it is stable within a day."""
    from core.services.rosters import grid_roster_coverage, roster_coverage

    work = screening_by_day(uow, [day])[day]
    return dataclasses.replace(state, screening=work, rostered=roster_coverage(uow, [day])[day],
                               grid_rostered=grid_roster_coverage(uow, [day])[day])


def screening_by_day(uow: UnitOfWork, days: list[dt.date]) -> dict[dt.date, pd.DataFrame]:
    """The screening workload of several days in one read (for the day-by-day history)."""
    from core.services.screening import workload_on_days

    moments = {day: dt.datetime.combine(day, dt.time(0, 0)) for day in days}
    work = workload_on_days(uow, list(moments.values()))
    return {day: work[m][["community_id", "households_per_day"]] for day, m in moments.items()}
