"""What the coverage and gap maps need besides the gap numbers: geometry (read once, cached by the
dashboard) and the detail of one community (checkpoints, open incidents)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.model.vocab import OPEN_INCIDENT_STATUSES
from core.services.uow import UnitOfWork


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


def load_geometry(uow: UnitOfWork) -> MapGeometry:
    """District outline, street boundaries and community polygons (simplified GeoJSON text)."""
    d = uow.tables.district() or {"code": "", "name": "", "geometry": None}
    return MapGeometry(district=d, streets=uow.tables.streets(with_geometry=True),
                       communities=uow.state.community_geometry())


def load_community_detail(uow: UnitOfWork, community_id: int) -> CommunityDetail:
    """Grids (with polygons), checkpoints and open incidents of one community."""
    return CommunityDetail(
        community_id=community_id, grids=uow.state.grid_geometry(community_id),
        checkpoints=uow.state.checkpoints_of(community_id),
        open_incidents=uow.state.open_incidents_of(community_id, sorted(x.value for x in OPEN_INCIDENT_STATUSES)))
