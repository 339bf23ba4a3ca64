"""The staffing state of generated demo data, without a database (benchmarks and tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.demo.scales import DemoData
from core.model.state import COMMUNITY_COLUMNS, GRID_COLUMNS, StaffingState, normalise_staff


def state_from_demo(d: DemoData) -> StaffingState:
    """The current state of generated data (ids are 1..n in code order, as ``core.demo.seed`` writes them)."""
    street = d.streets.set_index("code")
    comm_id = pd.Series(np.arange(1, len(d.communities) + 1), index=d.communities["code"].to_numpy())
    street_id = pd.Series(np.arange(1, len(d.streets) + 1), index=d.streets["code"].to_numpy())
    c = d.communities
    comms = pd.DataFrame({
        "community_id": comm_id.to_numpy(), "code": c["code"].to_numpy(), "name": c["name"].to_numpy(),
        "street_id": c["street_code"].map(street_id).to_numpy(), "street_code": c["street_code"].to_numpy(),
        "street": c["street_code"].map(street["name"]).to_numpy(),
        **{col: c[col].to_numpy() for col in COMMUNITY_COLUMNS[6:]},
    })
    grid_id = pd.Series(np.arange(1, len(d.grids) + 1), index=d.grids["code"].to_numpy())
    g = d.grids
    grids = pd.DataFrame({
        "grid_id": grid_id.to_numpy(), "code": g["code"].to_numpy(), "name": g["name"].to_numpy(),
        "community_id": g["community_code"].map(comm_id).to_numpy(),
        **{col: g[col].to_numpy() for col in ("population", "households", "isolated_households",
                                              "vulnerable_residents")},
    })
    cp = d.checkpoints
    if len(cp):
        grids["checkpoints"] = g["code"].map(cp.groupby("grid_code").size()).fillna(0).astype(np.int64).to_numpy()
    else:
        grids["checkpoints"] = 0
    st = d.staff
    staff = pd.DataFrame({
        "staff_id": np.arange(1, len(st) + 1), "community_id": st["community_code"].map(comm_id).to_numpy(),
        "grid_id": st["grid_code"].map(grid_id).to_numpy(), "kind": st["kind"].to_numpy(),
        "on_duty": st["on_duty"].to_numpy(), "movable": st["movable"].to_numpy(),
        "volunteer_type": st["volunteer_type"].to_numpy(),
    })
    return StaffingState(comms, grids[GRID_COLUMNS], normalise_staff(staff), None)
