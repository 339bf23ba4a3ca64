"""What the coverage and gap maps need besides the gap numbers: geometry (read once, cached by the
dashboard) and the detail of one community (checkpoints, open incidents)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.model.vocab import OPEN_INCIDENT_STATUSES
from core.storage.db import session_scope
from core.storage.repositories import state_repo
from core.storage.repositories import tables_repo as repo


@dataclass(frozen=True)
class MapGeometry:
    district: dict[str, str | None]
    streets: pd.DataFrame  # code, name, lon, lat, geometry (GeoJSON text)
    communities: pd.DataFrame  # community_id, code, geometry


@dataclass(frozen=True)
class CommunityDetail:
    community_id: int
    grids: pd.DataFrame  # grid_id, code, lon, lat, geometry
    checkpoints: pd.DataFrame  # code, name, grid, active, lon, lat
    open_incidents: pd.DataFrame  # code, type, severity, status, reported_at, deadline


def load_geometry(url: str | None) -> MapGeometry:
    """District outline, street boundaries and community polygons (simplified GeoJSON text)."""
    with session_scope(url) as s:
        d = repo.district(s) or {"code": "", "name": "", "geometry": None}
        return MapGeometry(district=d, streets=repo.streets(s, with_geometry=True),
                           communities=state_repo.community_geometry(s))


def load_community_detail(url: str | None, community_id: int) -> CommunityDetail:
    """Grids (with polygons), checkpoints and open incidents of one community."""
    with session_scope(url) as s:
        return CommunityDetail(
            community_id=community_id, grids=state_repo.grid_geometry(s, community_id),
            checkpoints=state_repo.checkpoints_of(s, community_id),
            open_incidents=state_repo.open_incidents_of(s, community_id,
                                                        sorted(x.value for x in OPEN_INCIDENT_STATUSES)))
