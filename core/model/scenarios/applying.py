"""Applying a scenario's changes, in order, to the live state and norms (never modifying them)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from core.model.norms import Norms
from core.model.scenarios import apply_geography, apply_plan, apply_staffing
from core.model.scenarios.changes import MOVE_COLUMNS, Context
from core.model.scenarios.working import Working
from core.model.state import StaffingState

APPLIERS: dict[str, Callable[[Working, Any, Context], Working]] = {
    "set_risk": apply_geography.set_risk, "checkpoints": apply_geography.checkpoints,
    "counts": apply_geography.counts, "add_cadres": apply_staffing.add_cadres, "off_duty": apply_staffing.off_duty,
    "norms": apply_staffing.norms_change, "move": apply_staffing.move, "apply_plan": apply_plan.apply_plan,
}


def apply_changes(state: StaffingState, norms: Norms, changes: Sequence[Any], ctx: Context | None = None) -> Working:
    """Apply ``changes`` in order to the state and norms; the inputs are never modified."""
    ctx = ctx or Context()
    w = Working(state=state, norms=norms, moves=pd.DataFrame(columns=MOVE_COLUMNS),
                added=pd.DataFrame({"staff_id": pd.Series(dtype=np.int64), "code": pd.Series(dtype=object),
                                    "unit_code": pd.Series(dtype=object)}))
    for k, ch in enumerate(changes, start=1):
        w = dataclasses.replace(w, position=k)
        w = APPLIERS[ch.kind](w, ch, ctx)
    return w
