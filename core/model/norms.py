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
}
FATIGUE_POLICIES = ("refuse", "warn")


# --- typed norms, validation, versions -------------------------------------------------------

#: parameter -> (Chinese name, unit, smallest allowed, largest allowed)
NUMERIC_TERMS: dict[str, tuple[str, str, float, float]] = {
    "base_per_10k_residents": ("每万名常住人口社区工作者基数", "人", 0.0, 500.0),
    "grid_members_per_grid": ("每个网格网格员", "人", 0.0, 20.0),
    "people_per_checkpoint_shift": ("每个卡点每班人数", "人", 0.0, 50.0),
    "checkpoint_shifts_per_day": ("卡点每日班次", "班", 1.0, 24.0),
    "isolated_households_per_person": ("每人负责居家隔离户数", "户", 1.0, 1000.0),
    "vulnerable_residents_per_person": ("每人负责重点关爱人数", "人", 1.0, 1000.0),
    "screening_households_per_person_per_day": ("每人每日入户排查户数", "户", 10.0, 2000.0),
    "max_hours_per_day": ("每人每日最长工作时长", "小时", 1.0, 24.0),
    "max_consecutive_days": ("每人最多连续服务天数", "天", 1.0, 60.0),
}
RISK_NAMES_ZH = {"low": "低风险", "medium": "中风险", "high": "高风险"}


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

    @classmethod
    def from_params(cls, params: dict[str, Any] | None) -> Norms:
        """Validate a parameter dict (missing terms take the defaults); raise InvalidInput in Chinese."""
        merged: dict[str, Any] = {**DEFAULT_NORMS, **(params or {})}
        errors = validate(merged)
        if errors:
            raise InvalidInput("人员配置标准有误：" + "；".join(errors), errors=errors)
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


def validate(params: dict[str, Any]) -> list[str]:
    """Every problem of a parameter dict, as Chinese sentences (empty: valid)."""
    errors: list[str] = []
    unknown = sorted(set(params) - set(DEFAULT_NORMS))
    if unknown:
        errors.append(f"未知的参数：{'、'.join(unknown)}")
    for key, (zh, unit, lo, hi) in NUMERIC_TERMS.items():
        x = _number(params.get(key))
        if x is None:
            errors.append(f"{zh}必须是数字")
        elif not lo <= x <= hi:
            errors.append(f"{zh}应在 {lo:g}–{hi:g} {unit}之间，现为 {x:g} {unit}")
    mult = params.get("risk_multiplier")
    if not isinstance(mult, dict):
        errors.append("风险等级系数必须按低、中、高风险分别填写")
    else:
        values: list[float] = []
        for r in RiskLevel:
            x = _number(mult.get(r.value))
            if x is None:
                errors.append(f"{RISK_NAMES_ZH[r.value]}系数必须是数字")
            elif not 0.5 <= x <= 10:
                errors.append(f"{RISK_NAMES_ZH[r.value]}系数应在 0.5–10 之间，现为 {x:g}")
            else:
                values.append(x)
        if len(values) == 3 and not values[0] <= values[1] <= values[2]:
            errors.append("风险等级系数应满足 低风险 ≤ 中风险 ≤ 高风险")
    kinds = params.get("counted_kinds")
    valid_kinds = {k.value for k in StaffKind}
    if not isinstance(kinds, list | tuple) or not kinds:
        errors.append("至少选择一类计入在岗力量的人员")
    elif set(map(str, kinds)) - valid_kinds:
        errors.append(f"未知的人员类别：{'、'.join(sorted(set(map(str, kinds)) - valid_kinds))}")
    errors += _validate_volunteer_terms(params)
    return errors


def _validate_volunteer_terms(params: dict[str, Any]) -> list[str]:
    from core.model.volunteer_rules import TASK_TYPES

    errors: list[str] = []
    types = params.get("volunteers_count_for")
    if not isinstance(types, list | tuple):
        errors.append("志愿者计入的任务类型必须是列表")
    elif set(map(str, types)) - set(TASK_TYPES):
        errors.append(f"未知的任务类型：{'、'.join(sorted(set(map(str, types)) - set(TASK_TYPES)))}")
    if params.get("fatigue_policy") not in FATIGUE_POLICIES:
        errors.append("超时派岗的处理方式只能是 拒绝 或 提醒")
    return errors








def norms_in_force(versions: pd.DataFrame, day: dt.date) -> Norms:
    """Same rule as ``norms_for_day`` on an already-read version table (newest first)."""
    if len(versions):
        vf = pd.to_datetime(versions["valid_from"]).dt.date
        ok = versions[vf <= day]
        if len(ok):
            return Norms.from_params(dict(ok["params"].iat[0]))
    return Norms.from_params(None)
