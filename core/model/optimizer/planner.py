"""The suggested reassignment plan: community flows (``solving``), then the people (``choosing``), then
the totals (``network.evaluate``)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from core.model.optimizer.choosing import choose_cadres
from core.model.optimizer.network import (
    DEFAULT_OPTIONS,
    MOVE_COLUMNS,
    Plan,
    PlanOptions,
    evaluate,
    with_positions,
)
from core.model.optimizer.solving import plan_flows


def plan(comm: pd.DataFrame, staff: pd.DataFrame | None = None, opt: PlanOptions = DEFAULT_OPTIONS) -> Plan:
    """The suggested plan for the communities in ``comm`` (and, given ``staff``, who moves)."""
    t0 = time.perf_counter()
    placed = with_positions(comm)
    flows, info = plan_flows(placed, opt)
    t1 = time.perf_counter()
    moves = choose_cadres(flows, staff, placed, opt) if staff is not None else pd.DataFrame(columns=MOVE_COLUMNS)
    t2 = time.perf_counter()
    unknown = set(placed.loc[~placed["located"], "id"])
    if unknown:  # distances to a community without coordinates are not known: say so, never guess
        for frame in (flows, moves):
            if len(frame):
                blind = frame["from_community_id"].isin(unknown) | frame["to_community_id"].isin(unknown)
                frame["km"] = np.where(blind, np.nan, frame["km"].astype(float))
                if "home_km" in frame:
                    frame["home_km"] = np.where(frame["to_community_id"].isin(unknown), np.nan,
                                                frame["home_km"].astype(float))
    totals = evaluate(comm, flows)
    return Plan(flows=flows, moves=moves, totals=totals, options=opt, edges=int(info["edges"]),
                fallback_rounds=int(info["fallback_rounds"]), widen_rounds=int(info["widen_rounds"]),
                unlocated=len(unknown),
                timings={"flows": t1 - t0, "people": t2 - t1, "total": t2 - t0,
                         **{k: float(v) for k, v in info.items() if k.startswith("t_")}})
