"""Who could be sent to the grids of a screening campaign that are behind schedule: the nearest movable,
on-duty cadres of communities with surplus, from the reassignment workflow.

Kept apart from ``core.services.screening`` on purpose: staffing reads the screening workload, and
reassignment reads staffing, so the screening module itself must not import reassignment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.services.gaps import load_gaps
from core.services.reassign import candidates_for_many
from core.services.uow import UnitOfWork

HELPER_COLUMNS = ["community_id", "community", "shortfall", "staff_id", "staff_code", "name", "from_community",
                  "home_km", "post_km"]


def helpers_for_behind(uow: UnitOfWork, grids: pd.DataFrame, per_community: int = 3,
                       streets: list[str] | None = None) -> pd.DataFrame:
    """For each community with grids behind schedule (``grids``: a campaign's per-grid progress): the
    nearest movable, on-duty cadres of communities with surplus, at most ``per_community`` each."""
    behind = grids[grids["behind"]]
    if behind.empty:
        return pd.DataFrame(columns=HELPER_COLUMNS)
    need = behind.groupby(["community_id", "community_code", "community"], as_index=False)["shortfall"].sum()
    need = need.sort_values("shortfall", ascending=False)
    gaps = load_gaps(uow)
    # every community behind at once (hundreds at city scale): the people read and described once
    found = candidates_for_many(uow, [int(i) for i in need["community_id"]], streets=streets, limit=per_community,
                                gaps=gaps)
    ids = [int(i) for i in need["community_id"]]
    rows = pd.concat([found[i] for i in ids], ignore_index=True)
    times = [len(found[i]) for i in ids]
    for col in ("community_id", "community_code", "community", "shortfall"):  # each community's own, repeated
        rows[col] = pd.Series(np.repeat(need[col].to_numpy(), times), index=rows.index).astype(need[col].dtype)
    return rows
