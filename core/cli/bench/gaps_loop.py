"""The gap engine's loop oracle: the same required/available/gap with plain Python loops over rows.
Used by ``fangxian bench gaps`` (the vectorised engine's speed-up) and the agreement test; never by the product."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.model.gaps import EPS_DECIMALS
from core.model.norms import Norms
from core.model.state import StaffingState


def compute_gaps_loop(state: StaffingState, norms: Norms) -> pd.DataFrame:
    """Reference only (benchmark and agreement test): required/available/gap/movable surplus per
    community with plain Python loops over rows. Never used by the product."""
    counted_kinds = set(norms.counted_kinds)
    avail: dict[int, int] = {}
    movable: dict[int, int] = {}
    grids_in: dict[int, int] = {}
    for cid_, kind, on_duty, mv in zip(state.staff["community_id"].tolist(), state.staff["kind"].tolist(),
                                       state.staff["on_duty"].tolist(), state.staff["movable"].tolist(), strict=True):
        if on_duty and kind in counted_kinds:
            avail[cid_] = avail.get(cid_, 0) + 1
            if mv:
                movable[cid_] = movable.get(cid_, 0) + 1
    for gc in state.grids["community_id"].tolist():
        grids_in[gc] = grids_in.get(gc, 0) + 1
    worst = max(norms.risk_multiplier.values())
    screening: dict[int, float] = {}
    if state.screening is not None:
        for k, v in zip(state.screening["community_id"].tolist(), state.screening["households_per_day"].tolist(),
                        strict=True):
            screening[k] = screening.get(k, 0.0) + v
    rows = []
    for r in state.communities.to_dict("records"):
        m = norms.risk_multiplier.get(r["risk_level"], worst)
        raw = (norms.base_per_10k_residents * r["population"] / 10_000
               + norms.grid_members_per_grid * grids_in.get(r["community_id"], 0)
               + norms.people_per_checkpoint_shift * norms.checkpoint_shifts_per_day * r["checkpoints"]
               + r["isolated_households"] / norms.isolated_households_per_person
               + r["vulnerable_residents"] / norms.vulnerable_residents_per_person
               + screening.get(r["community_id"], 0.0) / norms.screening_households_per_person_per_day)
        req = int(np.ceil(round(m * raw, EPS_DECIMALS)))
        a = avail.get(r["community_id"], 0)
        rows.append({"community_id": r["community_id"], "required": req, "available": a, "gap": req - a,
                     "movable_surplus": min(movable.get(r["community_id"], 0), max(0, a - req))})
    return pd.DataFrame(rows)
