"""Staffing norms: the terms of the required headcount, as data (DESIGN.md, "Staffing norms").

A norm set is a plain dict of parameters so it can be stored as JSON, versioned and edited.
``Norms`` is its validated, typed form; versions live in ``norm_version`` (never edited: a change is
a new version with author, time and reason), and the gap of day D uses the version in force on D.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from core.model.errors import InvalidInput
from core.model.vocab import RiskLevel, StaffKind

DEFAULT_NORMS: dict[str, Any] = {
    # community workers per 10,000 urban residents (Hubei 2021-2025 plan: 18)
    "base_per_10k_residents": 18.0,
    "grid_members_per_grid": 1.0,
    "people_per_checkpoint_shift": 2.0,
    "checkpoint_shifts_per_day": 3.0,
    "isolated_households_per_person": 10.0,
    "vulnerable_residents_per_person": 20.0,
    # door-to-door screening (地毯式排查): households one person visits in a day
    "screening_households_per_person_per_day": 150.0,
    "risk_multiplier": {"low": 1.0, "medium": 1.5, "high": 2.5},
    "max_hours_per_day": 12.0,
    # which kinds count as available staff; volunteers are counted only if the district says so
    "counted_kinds": ["community_worker", "grid_member", "cadre", "party_member", "property_staff"],
    # volunteers deployed that day on tasks of these types count as available (none unless chosen)
    "volunteers_count_for": [],
    "max_consecutive_days": 6.0,
    # a deployment beyond the daily hours or the days in a row: refused, or warned (needs a reason)
    "fatigue_policy": "warn",
    # duty rosters (排班): a grid's watch shifts a day (of grid_members_per_grid people each), and the limits
    # every rostered person keeps beside max_hours_per_day (core.model.roster_rules.FatigueLimits)
    "grid_shifts_per_day": 2.0,
    "max_hours_per_week": 60.0,
    "roster_max_consecutive_days": 14.0,
    "min_rest_hours": 8.0,
}
FATIGUE_POLICIES = ("refuse", "warn")


# --- typed norms, validation, versions -------------------------------------------------------

#: parameter -> (smallest allowed, largest allowed); names and units are catalogue texts
#: (``norms.term.<name>``, ``norms.unit.<name>`` in core/i18n/norms.py)
NUMERIC_TERMS: dict[str, tuple[float, float]] = {
    "base_per_10k_residents": (0.0, 500.0),
    "grid_members_per_grid": (0.0, 20.0),
    "people_per_checkpoint_shift": (0.0, 50.0),
    "checkpoint_shifts_per_day": (1.0, 24.0),
    "isolated_households_per_person": (1.0, 1000.0),
    "vulnerable_residents_per_person": (1.0, 1000.0),
    "screening_households_per_person_per_day": (10.0, 2000.0),
    "max_hours_per_day": (1.0, 24.0),
    "max_consecutive_days": (1.0, 60.0),
    "grid_shifts_per_day": (1.0, 24.0),
    "max_hours_per_week": (1.0, 168.0),
    "roster_max_consecutive_days": (1.0, 60.0),
    "min_rest_hours": (0.0, 24.0),
}
RISK_MULTIPLIER_RANGE = (0.5, 10.0)


@dataclass(frozen=True)
class Norms:
    """One validated norm set. ``from_params`` checks every term; ``to_params`` gives the stored JSON."""

    base_per_10k_residents: float = 18.0
    grid_members_per_grid: float = 1.0
    people_per_checkpoint_shift: float = 2.0
    checkpoint_shifts_per_day: float = 3.0
    isolated_households_per_person: float = 10.0
    vulnerable_residents_per_person: float = 20.0
    screening_households_per_person_per_day: float = 150.0
    risk_multiplier: dict[str, float] = field(default_factory=lambda: {"low": 1.0, "medium": 1.5, "high": 2.5})
    max_hours_per_day: float = 12.0
    counted_kinds: tuple[str, ...] = tuple(DEFAULT_NORMS["counted_kinds"])
    max_consecutive_days: float = 6.0
    volunteers_count_for: tuple[str, ...] = ()
    fatigue_policy: str = "warn"
    grid_shifts_per_day: float = 2.0
    max_hours_per_week: float = 60.0
    roster_max_consecutive_days: float = 14.0
    min_rest_hours: float = 8.0

    @classmethod
    def from_params(cls, params: dict[str, Any] | None) -> Norms:
        """Validate a parameter dict (missing terms take the defaults); raise ``InvalidInput`` with the
        key ``norms.invalid`` whose ``problems`` render every problem, one sentence each."""
        merged: dict[str, Any] = {**DEFAULT_NORMS, **(params or {})}
        errors = validate(merged)
        if errors:
            raise InvalidInput("norms.invalid", problems=all_of(errors), errors=errors)
        return cls(**{k: float(merged[k]) for k in NUMERIC_TERMS},
                   risk_multiplier={r.value: float(merged["risk_multiplier"][r.value]) for r in RiskLevel},
                   counted_kinds=tuple(str(k) for k in merged["counted_kinds"]),
                   volunteers_count_for=tuple(str(k) for k in merged["volunteers_count_for"]),
                   fatigue_policy=str(merged["fatigue_policy"]))

    def to_params(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in NUMERIC_TERMS}
        out["risk_multiplier"] = dict(self.risk_multiplier)
        out["counted_kinds"] = list(self.counted_kinds)
        out["volunteers_count_for"] = list(self.volunteers_count_for)
        out["fatigue_policy"] = self.fatigue_policy
        return out

    @property
    def people_per_checkpoint_day(self) -> float:
        return self.people_per_checkpoint_shift * self.checkpoint_shifts_per_day


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def all_of(problems: list[InvalidInput]) -> InvalidInput:
    """Several problems as one error whose text is every problem's sentence in turn (``norms.and``)."""
    out = problems[-1]
    for problem in reversed(problems[:-1]):
        out = InvalidInput("norms.and", first=problem, rest=out)
    return out


def validate(params: dict[str, Any]) -> list[InvalidInput]:
    """Every problem of a parameter dict, as errors with keys (empty: valid)."""
    errors: list[InvalidInput] = []
    unknown = sorted(set(params) - set(DEFAULT_NORMS))
    if unknown:
        errors.append(InvalidInput("norms.unknown_terms", names=unknown))
    for key, (lo, hi) in NUMERIC_TERMS.items():
        x = _number(params.get(key))
        if x is None:
            errors.append(InvalidInput(f"norms.term.{key}.not_a_number"))
        elif not lo <= x <= hi:
            errors.append(InvalidInput(f"norms.term.{key}.out_of_range", lo=lo, hi=hi, value=x))
    mult = params.get("risk_multiplier")
    if not isinstance(mult, dict):
        errors.append(InvalidInput("norms.risk_multiplier_missing"))
    else:
        values: list[float] = []
        lo, hi = RISK_MULTIPLIER_RANGE
        for r in RiskLevel:
            x = _number(mult.get(r.value))
            if x is None:
                errors.append(InvalidInput(f"norms.risk.{r.value}.not_a_number"))
            elif not lo <= x <= hi:
                errors.append(InvalidInput(f"norms.risk.{r.value}.out_of_range", lo=lo, hi=hi, value=x))
            else:
                values.append(x)
        if len(values) == 3 and not values[0] <= values[1] <= values[2]:
            errors.append(InvalidInput("norms.risk_multiplier_order"))
    kinds = params.get("counted_kinds")
    valid_kinds = {k.value for k in StaffKind}
    if not isinstance(kinds, list | tuple) or not kinds:
        errors.append(InvalidInput("norms.counted_kinds_empty"))
    elif set(map(str, kinds)) - valid_kinds:
        errors.append(InvalidInput("norms.unknown_kinds", kinds=sorted(set(map(str, kinds)) - valid_kinds)))
    errors += _validate_volunteer_terms(params)
    return errors


def _validate_volunteer_terms(params: dict[str, Any]) -> list[InvalidInput]:
    from core.model.volunteer_rules import TASK_TYPES

    errors: list[InvalidInput] = []
    types = params.get("volunteers_count_for")
    if not isinstance(types, list | tuple):
        errors.append(InvalidInput("norms.volunteer_tasks_not_a_list"))
    elif set(map(str, types)) - set(TASK_TYPES):
        errors.append(InvalidInput("norms.unknown_task_types", types=sorted(set(map(str, types)) - set(TASK_TYPES))))
    if params.get("fatigue_policy") not in FATIGUE_POLICIES:
        errors.append(InvalidInput("norms.fatigue_policy_invalid"))
    return errors


def norms_in_force(versions: pd.DataFrame, day: dt.date) -> Norms:
    """Same rule as ``norms_for_day`` on an already-read version table (newest first)."""
    if len(versions):
        vf = pd.to_datetime(versions["valid_from"]).dt.date
        ok = versions[vf <= day]
        if len(ok):
            return Norms.from_params(dict(ok["params"].iat[0]))
    return Norms.from_params(None)
