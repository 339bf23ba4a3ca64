"""What-if changes: small frozen dataclasses, each with a ``kind`` tag, and the reference data
(``Context``) a change is applied with.

How each kind is applied lives beside it: ``apply_geography`` (risk, checkpoints, counts),
``apply_staffing`` (more cadres, people off duty, norms, moves), ``apply_plan`` (the optimiser's plan);
``applying.apply_changes`` runs a list of them in order.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

#: the community counts a ``Counts`` change may set (labels: ``wi.field.*`` in the catalogue)
COUNT_FIELDS = ("isolated_households", "vulnerable_residents")
PLAN_OPTION_KEYS = ("max_km", "keep_origin_at_requirement", "respect_party_home", "max_moves_per_community")
MOVE_COLUMNS = ["staff_id", "staff_code", "from_community_id", "to_community_id", "source", "change"]


# --- the change types ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SetRisk:
    """Set the risk level of some communities, or of every community of a street."""

    kind: ClassVar[str] = "set_risk"
    level: str
    communities: tuple[str, ...] = ()
    street: str | None = None


@dataclass(frozen=True)
class Checkpoints:
    """Add (delta > 0) or remove (delta < 0) checkpoints of one community."""

    kind: ClassVar[str] = "checkpoints"
    community: str
    delta: int


@dataclass(frozen=True)
class Counts:
    """Set (``value``) or shift (``delta``) the isolated households or vulnerable residents of a community."""

    kind: ClassVar[str] = "counts"
    community: str
    field: str  # isolated_households | vulnerable_residents
    value: int | None = None
    delta: int | None = None


@dataclass(frozen=True)
class AddCadres:
    """N more cadres from unit U, split over named communities, or (none named) onto the worst gaps."""

    kind: ClassVar[str] = "add_cadres"
    unit: str
    n: int
    communities: tuple[str, ...] = ()


@dataclass(frozen=True)
class OffDuty:
    """Take people off duty: named staff, or everyone on duty matching street/kind, optionally a share
    of them (drawn with ``seed``, so the same scenario always takes the same people); ``days``: they are
    away that many days from today and then back (None: until further notice), which the evaluation
    shows as phases (``ScenarioResult.phases``)."""

    kind: ClassVar[str] = "off_duty"
    share: float | None = None
    street: str | None = None
    staff_kind: str | None = None
    staff: tuple[str, ...] = ()
    seed: int = 1
    days: int | None = None


@dataclass(frozen=True)
class NormChange:
    """Change norm parameters (``params`` as in ``Norms.to_params``; multipliers merged by level);
    ``shift_hours`` sets the shifts per day to 24 / hours."""

    kind: ClassVar[str] = "norms"
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    shift_hours: float | None = None


@dataclass(frozen=True)
class MoveStaff:
    """Move named people to a community (as a coordinator would)."""

    kind: ClassVar[str] = "move"
    staff: tuple[str, ...]
    to: str


@dataclass(frozen=True)
class ApplyPlan:
    """Apply the optimiser's suggested plan, computed on the scenario state at this point."""

    kind: ClassVar[str] = "apply_plan"
    options: dict[str, Any] = dataclasses.field(default_factory=dict)


Change = SetRisk | Checkpoints | Counts | AddCadres | OffDuty | NormChange | MoveStaff | ApplyPlan
CHANGE_TYPES: dict[str, type] = {c.kind: c for c in (SetRisk, Checkpoints, Counts, AddCadres, OffDuty, NormChange,
                                                    MoveStaff, ApplyPlan)}


# --- reference data besides the state ------------------------------------------------------------


PEOPLE_COLUMNS = ["staff_id", "code", "unit_code", "home_lon", "home_lat", "home_community_id", "skills", "hours_week"]


@dataclass(frozen=True)
class Context:
    """Reference data besides the state: units (code, name) and people (``PEOPLE_COLUMNS``: code, unit,
    home, skills, hours; no names or phones). Either may be empty."""

    units: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["code", "name"]))
    people: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PEOPLE_COLUMNS))

    def __post_init__(self) -> None:
        # people as numpy columns sorted by id, for fast look-ups on every evaluation
        order = np.argsort(self.people["staff_id"].to_numpy(np.int64), kind="stable")
        cols = {c: self.people[c].to_numpy()[order] for c in PEOPLE_COLUMNS if c in self.people}
        object.__setattr__(self, "_cols", cols)

    def people_columns(self, ids: np.ndarray) -> dict[str, np.ndarray]:
        """Each people column for ``ids`` (missing ids: NaN / None)."""
        cols: dict[str, np.ndarray] = self._cols  # type: ignore[attr-defined]
        known = cols.get("staff_id", np.empty(0, dtype=np.int64)).astype(np.int64)
        if len(known) == 0:
            return {c: np.full(len(ids), None, dtype=object) for c in PEOPLE_COLUMNS[1:]}
        i = np.minimum(np.searchsorted(known, ids), len(known) - 1)
        hit = known[i] == ids
        out = {}
        for c in PEOPLE_COLUMNS[1:]:
            v = cols[c][i] if c in cols else np.full(len(ids), None, dtype=object)
            if not hit.all():
                fill: Any = np.nan if v.dtype.kind == "f" else None
                v = np.where(hit, v, fill)
            out[c] = v
        return out
