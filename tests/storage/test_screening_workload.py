"""The staffing engine's screening workload of many moments (``workload_on_days``: cumulative sums over
the progress sorted once) equals the campaign view's own arithmetic — ``workload(grid_progress(...))`` of
each running campaign, summed per community — on SQLite and PostgreSQL, with two overlapping campaigns,
before either starts, while they run and after a deadline."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from core.model.actor import Actor
from core.services import clock, screening
from core.services.uow import unit_of_work

COORD = Actor("coordinator", "李调度", frozenset({"coordinator"}))


def _reference(uow, moments):  # type: ignore[no-untyped-def]
    """The formulation the workload had before: one grid_progress frame per campaign and moment."""
    camps = uow.screening.campaigns()
    active = camps[camps["status"] == "active"].to_dict("records")
    out = {}
    for now in moments:
        parts = []
        for c in active:
            cid = int(c["id"])
            t = uow.screening.workload_targets([cid]).drop(columns="campaign_id")
            p = uow.screening.workload_progress([cid]).drop(columns="campaign_id")
            start, deadline = pd.Timestamp(c["started_at"]).to_pydatetime(), pd.Timestamp(c["deadline"]).to_pydatetime()
            if start <= now:
                parts.append(screening.workload(screening.grid_progress(t, p, start, deadline, now), deadline, now))
        out[now] = (pd.concat(parts).groupby("community_id", as_index=False)[["remaining", "households_per_day"]].sum()
                    if parts else None)
    return out


def test_the_workload_of_many_moments_equals_the_campaign_arithmetic(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        now = clock.reference_now(uow)
        comms = uow.state.communities()["community_id"].head(12).tolist()
        start = now - dt.timedelta(hours=20)
        second = screening.create_campaign(uow, COORD, "第二轮排查", start, now + dt.timedelta(days=2),
                                           community_ids=comms)
        grids = uow.screening.targets(second)["grid_id"].tolist()
        for k, g in enumerate(grids[:15]):
            screening.record_progress(uow, COORD, second, int(g), at_home=10 + k, not_home=2,
                                      now=start + dt.timedelta(hours=k))
    moments = [start - dt.timedelta(days=3), start - dt.timedelta(minutes=1), start + dt.timedelta(hours=5),
               now, now + dt.timedelta(days=1), now + dt.timedelta(days=5)]
    with unit_of_work(demo_db) as uow:
        got = screening.workload_on_days(uow, moments)
        want = _reference(uow, moments)
    running = 0
    for m in moments:
        if want[m] is None:
            assert got[m].empty, m
            continue
        running += 1
        pd.testing.assert_frame_equal(got[m].reset_index(drop=True), want[m].reset_index(drop=True),
                                      check_dtype=False, obj=str(m))
        assert got[m]["community_id"].dtype == "int64" and got[m]["remaining"].dtype == "int64"
    assert running >= 4
    # the second campaign's progress counts from its moment on: the pace changes between two moments
    assert not got[start + dt.timedelta(hours=5)].equals(got[now])
