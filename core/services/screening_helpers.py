"""Who could be sent to the grids of a screening campaign that are behind schedule: the nearest movable,
on-duty cadres of communities with surplus, from the reassignment workflow.

Kept apart from ``core.services.screening`` on purpose: staffing reads the screening workload, and
reassignment reads staffing, so the screening module itself must not import reassignment.
"""

from __future__ import annotations

import pandas as pd

from core.services.gaps import load_gaps
from core.services.reassign import candidates
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
    movable = uow.reassign.movable_people()  # one read for every community behind (hundreds at city scale)
    parts = []
    for r in need.itertuples(index=False):  # one per community behind, each vectorised inside
        c = candidates(uow, int(r.community_id), streets=streets, limit=per_community, gaps=gaps, movable=movable)
        parts.append(c.assign(community_id=int(r.community_id), community_code=r.community_code,
                              community=r.community, shortfall=int(r.shortfall)))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
