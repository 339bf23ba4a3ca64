"""Synthesise a living district (or city, or province) on real outlines.

Deterministic for a given seed: every random draw comes from one ``numpy.random.Generator``.
Communities are Voronoi cells of seed points clipped to the real outline (denser towards the old
town), streets are k-means groups of communities, grids are Voronoi cells inside each community.
Staff are allocated to communities unevenly on purpose, so that some communities are short and
others have movable surplus: a coordinator has real work to do.

Everything is returned as DataFrames keyed by string codes; ``core.demo.seed`` writes them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from core.config import district_now
from core.demo import names
from core.demo.geography import build_geography, build_grids_compounds, geojson, place_names
from core.demo.outbreak import build_incidents, community_counts
from core.demo.people import build_history, build_staff
from core.demo.scales import HISTORY_DAYS, SCALES, DemoData, Scale, ScaleSpec

__all__ = ["HISTORY_DAYS", "SCALES", "DemoData", "Scale", "ScaleSpec", "generate"]


def generate(scale: Scale = "district", seed: int = 42, today: dt.date | None = None) -> DemoData:
    """Build a whole demo dataset. Same scale, seed and day give the same data."""
    spec = SCALES[scale]
    rng = np.random.default_rng(seed)
    today = today or district_now().date()  # the district's date, not the machine's
    now = dt.datetime.combine(today, dt.time(9, 30))
    start = dt.datetime.combine(today - dt.timedelta(days=HISTORY_DAYS - 1), dt.time(0, 0))
    geo = build_geography(scale, spec, rng)
    comms: pd.DataFrame = geo["communities"]  # type: ignore[assignment]
    grids, compounds, checkpoints = build_grids_compounds(comms, spec, rng)
    comms, grids, hist = community_counts(comms, grids, checkpoints, scale, rng)
    comms["geometry"] = [(geojson(c, 0.0002) if c is not None and not c.is_empty else None) for c in comms["cell"]]

    n_units = {"district": 55, "city": 300, "province": 11000}[scale]
    unit_names = list(names.UNIT_NAMES)
    if n_units > len(unit_names):
        extra = place_names(n_units - len(unit_names), rng, ("局", "中心", "公司", "办公室"), set(unit_names))
        unit_names += extra
    units = pd.DataFrame({"code": [f"U{i + 1:05d}" for i in range(n_units)], "name": unit_names[:n_units]})
    # pair units with communities street by street, so a unit's communities sit together
    pair_unit = (np.arange(len(comms)) * n_units // len(comms)).astype(int)
    pairings = pd.DataFrame({"unit_code": units["code"].to_numpy()[pair_unit], "community_code": comms["code"]})

    staff = build_staff(comms, grids, units, pair_unit, spec, scale, rng)
    if spec.history:
        assignments, duty = build_history(staff, comms, start, rng)
    else:
        assignments = pd.DataFrame({"staff_code": staff["code"], "community_code": staff["community_code"],
                                    "grid_code": staff["grid_code"], "valid_from": start, "valid_to": pd.NaT,
                                    "batch_id": None})
        duty = pd.DataFrame(columns=["staff_code", "at", "on_duty"])
    incidents = build_incidents(comms, grids, hist, now, rng) if spec.incidents else pd.DataFrame()
    hist = hist.assign(valid_from=[today - dt.timedelta(days=HISTORY_DAYS - 1 - d) for d in hist["day"]])
    return DemoData(
        scale=scale, seed=seed, today=today, district=geo["district"],  # type: ignore[arg-type]
        areas=geo["areas"], streets=geo["streets"],  # type: ignore[arg-type]
        communities=comms.drop(columns=["cell", "dist_core"]), grids=grids.drop(columns=["share"]),
        compounds=compounds, checkpoints=checkpoints, units=units, pairings=pairings, staff=staff,
        assignments=assignments, duty_changes=duty, conditions=hist.drop(columns=["day"]), incidents=incidents,
    )
