"""Staffing norms: the terms of the required headcount, as data (DESIGN.md, "Staffing norms").

A norm set is a plain dict of parameters so it can be stored as JSON, versioned and edited.
"""

from __future__ import annotations

from typing import Any

DEFAULT_NORMS: dict[str, Any] = {
    # community workers per 10,000 urban residents (Hubei 2021-2025 plan: 18)
    "base_per_10k_residents": 18.0,
    "grid_members_per_grid": 1.0,
    "people_per_checkpoint_shift": 2.0,
    "checkpoint_shifts_per_day": 3.0,
    "isolated_households_per_person": 10.0,
    "vulnerable_residents_per_person": 20.0,
    "risk_multiplier": {"low": 1.0, "medium": 1.5, "high": 2.5},
    "max_hours_per_day": 12.0,
    # which kinds count as available staff; volunteers are counted only if the district says so
    "counted_kinds": ["community_worker", "grid_member", "cadre", "party_member", "property_staff"],
}
