"""The norms service on a fake unit of work (no database): a version in force on a day, saving a new
version with its audit entry, and refusing a save that lacks a reason or a role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from core.i18n import error_text
from core.model.actor import Actor
from core.model.errors import InvalidInput, PermissionDenied
from core.model.norms import DEFAULT_NORMS
from core.services.norms import norm_history, norms_for_day, save_norms
from tests.fakes import FakeUnitOfWork

ADMIN = Actor("admin1", "管理员甲", frozenset({"admin"}))
DAY = dt.date(2026, 3, 1)


class FakeNormVersions:
    """``uow.state``'s norm-version part, as a list of stored versions."""

    def __init__(self, *versions: tuple[dt.date, dict[str, Any]]) -> None:
        self.rows: list[dict[str, Any]] = [
            {"id": i + 1, "valid_from": day, "params": params, "author": "system", "reason": "seed"}
            for i, (day, params) in enumerate(versions)]

    def norm_params_for_day(self, day: dt.date) -> dict[str, Any] | None:
        in_force = [r for r in self.rows if r["valid_from"] <= day]
        return dict(max(in_force, key=lambda r: (r["valid_from"], r["id"]))["params"]) if in_force else None

    def add_norm_version(self, *, params: dict[str, Any], valid_from: dt.date, author: str, reason: str) -> int:
        self.rows.append({"id": len(self.rows) + 1, "valid_from": valid_from, "params": params, "author": author,
                          "reason": reason})
        return len(self.rows)

    def norm_versions(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows).sort_values(["valid_from", "id"], ascending=False)


def _uow(*versions: tuple[dt.date, dict[str, Any]]) -> Any:
    return FakeUnitOfWork(meta={"demo": "1", "demo_today": DAY.isoformat()}, state=FakeNormVersions(*versions))


def test_the_norms_of_a_day_are_the_latest_version_begun_by_then() -> None:
    uow = _uow((DAY - dt.timedelta(days=9), DEFAULT_NORMS),
               (DAY + dt.timedelta(days=1), {**DEFAULT_NORMS, "base_per_10k_residents": 30.0}))
    assert norms_for_day(uow, DAY).base_per_10k_residents == 18.0
    assert norms_for_day(uow, DAY + dt.timedelta(days=1)).base_per_10k_residents == 30.0
    assert norms_for_day(uow).base_per_10k_residents == 18.0  # no day: the clock's day (the demo's own)


def test_without_any_version_the_defaults_are_in_force() -> None:
    assert norms_for_day(_uow(), DAY).to_params() == DEFAULT_NORMS


def test_saving_adds_a_version_and_exactly_one_audit_entry_with_before_and_after() -> None:
    uow = _uow((DAY - dt.timedelta(days=9), DEFAULT_NORMS))
    vid = save_norms(uow, ADMIN, {**DEFAULT_NORMS, "people_per_checkpoint_shift": 3.0}, DAY, "  卡点加强值守 ")
    assert vid == 2 and len(norm_history(uow)) == 2
    [entry] = uow.audit.entries
    assert (entry["actor"], entry["action"], entry["entity"], entry["entity_id"]) == ("admin1", "norms.save",
                                                                                      "norm_version", "2")
    assert entry["reason"] == "卡点加强值守"
    assert entry["before"]["people_per_checkpoint_shift"] == 2.0
    assert entry["after"]["people_per_checkpoint_shift"] == 3.0 and entry["after"]["valid_from"] == "2026-03-01"


@pytest.mark.parametrize("reason", ["", "   "])
def test_saving_without_a_reason_is_refused_and_records_nothing(reason: str) -> None:
    uow = _uow()
    with pytest.raises(InvalidInput) as err:
        save_norms(uow, ADMIN, DEFAULT_NORMS, DAY, reason)
    assert err.value.key == "norms.reason_missing"
    assert error_text(err.value) == "请填写修改原因"
    assert uow.audit.entries == [] and uow.state.rows == []


def test_saving_invalid_terms_is_refused_with_every_problem_and_records_nothing() -> None:
    uow = _uow()
    with pytest.raises(InvalidInput) as err:
        save_norms(uow, ADMIN, {**DEFAULT_NORMS, "checkpoint_shifts_per_day": 0}, DAY, "写错了")
    assert err.value.key == "norms.invalid"
    assert "卡点每日班次应在 1–24 班之间，现为 0 班" in error_text(err.value)
    assert uow.audit.entries == [] and uow.state.rows == []


def test_only_an_admin_saves_norms() -> None:
    uow = _uow()
    with pytest.raises(PermissionDenied):
        save_norms(uow, Actor("c1", "调度员乙", frozenset({"coordinator"})), DEFAULT_NORMS, DAY, "试试")
    assert uow.audit.entries == []
