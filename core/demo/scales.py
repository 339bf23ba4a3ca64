"""The sizes of a generated demo (district, city, province) and the dataset it produces."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

Scale = Literal["district", "city", "province"]

HISTORY_DAYS = 14


@dataclass
class ScaleSpec:
    communities: int
    streets_per_area: int
    grids_per_community: tuple[int, int]
    staff_per_community: float  # every kind except volunteers
    volunteers_per_community: float
    polygons: bool
    incidents: bool
    history: bool


SCALES: dict[str, ScaleSpec] = {
    "district": ScaleSpec(180, 16, (3, 8), 56.0, 28.0, True, True, True),
    "city": ScaleSpec(1400, 10, (3, 8), 43.0, 10.0, True, True, True),
    # province: 27,000 communities and about 580,000 cadres (the article's Hubei figures)
    "province": ScaleSpec(27000, 10, (3, 6), 0.0, 0.0, False, False, False),
}


@dataclass
class DemoData:
    """A whole synthetic dataset, as DataFrames keyed by codes."""

    scale: str
    seed: int
    today: dt.date
    district: dict[str, str]
    areas: pd.DataFrame  # districts (city) or counties (province): code, name, geometry
    streets: pd.DataFrame
    communities: pd.DataFrame
    grids: pd.DataFrame
    compounds: pd.DataFrame
    checkpoints: pd.DataFrame
    units: pd.DataFrame
    pairings: pd.DataFrame
    staff: pd.DataFrame
    assignments: pd.DataFrame
    duty_changes: pd.DataFrame
    conditions: pd.DataFrame
    incidents: pd.DataFrame
    extra: dict[str, object] = field(default_factory=dict)
