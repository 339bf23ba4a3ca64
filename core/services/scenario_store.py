"""Saved scenarios: save, copy, delete (planners and leaders, the what-if users of DESIGN.md, and
admins; audited), list and read (anyone who may see the what-if page, coordinators included). Only the ``scenario`` table and the audit log are written; the
caller's unit of work is the transaction."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable

import pandas as pd

from core.model.actor import Actor, write_service
from core.model.errors import ConcurrentChange, InvalidInput, NotFound, RuleViolation
from core.model.scenarios.changes import Change
from core.model.scenarios.evaluation import LIVE, Scenario, flatten
from core.model.scenarios.file_format import FORMAT, change_to_dict, from_dict
from core.services import clock
from core.services.audit import new_batch_id, record
from core.services.uow import UnitOfWork

ROLES = ("planner", "leader", "admin")
COPY_SUFFIX = "（副本）"  # a copy's default name: the original's, marked as a copy


def _scenario(row: dict[str, object]) -> Scenario:
    sc = from_dict({"format": FORMAT, "name": row["name"], "changes": row["changes"],
                    "base": row["base"], "id": row["id"], "author": row["author"],
                    "description": row["description"]}, source=str(row["name"]))
    return dataclasses.replace(sc, created_at=row["created_at"])  # type: ignore[arg-type]


def list_scenarios(uow: UnitOfWork) -> pd.DataFrame:
    """Saved scenarios, newest change first: id, name, author, base, created_at, updated_at, n_changes."""
    return uow.scenarios.listing()


def get_scenario(uow: UnitOfWork, scenario_id: str) -> Scenario:
    row = uow.scenarios.find(scenario_id)
    if row is None:
        raise NotFound("whatif.scenario_missing", id=scenario_id)
    return _scenario(row)


def lookup(uow: UnitOfWork) -> Callable[[str], Scenario | None]:
    """A ``lookup(id) -> Scenario | None`` for ``flatten``/``evaluate`` (one read per base), valid while
    ``uow`` is open."""
    def find(scenario_id: str) -> Scenario | None:
        try:
            return get_scenario(uow, scenario_id)
        except NotFound:
            return None
    return find


def _clean_name(name: str) -> str:
    if not name or not name.strip():
        raise InvalidInput("whatif.name_missing")
    return name.strip()[:100]


@write_service(*ROLES)
def save_scenario(uow: UnitOfWork, actor: Actor, scenario: Scenario, expected_version: int | None = None) -> str:
    """Store a new scenario (no id, or an id not yet saved) or update one; returns its id."""
    name = _clean_name(scenario.name)
    changes = [change_to_dict(c) for c in scenario.changes]
    batch = new_batch_id()
    repo = uow.scenarios
    if scenario.base != LIVE and repo.get(scenario.base) is None:
        raise NotFound("whatif.base_scenario_missing", id=scenario.base)
    row = repo.get(scenario.id, lock=True) if scenario.id else None
    if row is None:
        sid = scenario.id or uuid.uuid4().hex[:12]
        if scenario.base == sid:
            raise InvalidInput("whatif.self_base")
        new = repo.create(scenario_id=sid, name=name, description=scenario.description, author=actor.username,
                          base=scenario.base or LIVE, changes=changes, when=clock.exact_now())
        record(uow, actor, "scenario.save", "scenario", sid, before=None,
               after={"name": name, "base": new.base, "changes": len(changes)}, reason="新建情景", batch_id=batch)
        return sid
    if expected_version is not None and row.version != int(expected_version):
        raise ConcurrentChange("whatif.saved_by_other", name=row.name, by=row.updated_by)
    if scenario.base == row.id:
        raise InvalidInput("whatif.self_base")
    before = {"name": row.name, "base": row.base, "changes": len(row.changes or [])}
    repo.update(row, name=name, description=scenario.description, base=scenario.base or LIVE, changes=changes,
                by=actor.username, when=clock.exact_now())
    record(uow, actor, "scenario.save", "scenario", row.id, before=before,
           after={"name": name, "base": row.base, "changes": len(changes)}, reason="修改情景", batch_id=batch)
    return row.id


@write_service(*ROLES)
def copy_scenario(uow: UnitOfWork, actor: Actor, scenario_id: str, name: str | None = None) -> str:
    """A copy under a new id (same base and changes), authored by ``actor``."""
    src = get_scenario(uow, scenario_id)
    copy = dataclasses.replace(src, id=None, name=_clean_name(name or f"{src.name}{COPY_SUFFIX}"))
    sid = uuid.uuid4().hex[:12]
    uow.scenarios.create(scenario_id=sid, name=copy.name, description=copy.description, author=actor.username,
                         base=copy.base, changes=[change_to_dict(c) for c in copy.changes], when=clock.exact_now())
    record(uow, actor, "scenario.copy", "scenario", sid, before={"from": scenario_id},
           after={"name": copy.name, "changes": len(copy.changes)}, reason="复制情景", batch_id=new_batch_id())
    return sid


@write_service(*ROLES)
def delete_scenario(uow: UnitOfWork, actor: Actor, scenario_id: str, reason: str = "") -> None:
    """Delete a scenario; refused while another scenario is built on it."""
    repo = uow.scenarios
    row = repo.get(scenario_id, lock=True)
    if row is None:
        raise NotFound("whatif.scenario_missing", id=scenario_id)
    kids = repo.children(scenario_id)
    if kids:
        raise RuleViolation("whatif.base_of_others", name=row.name, children=kids)
    before = {"name": row.name, "base": row.base, "changes": list(row.changes or [])}
    repo.delete(row)
    record(uow, actor, "scenario.delete", "scenario", scenario_id, before=before, after=None,
           reason=reason.strip() or "删除情景", batch_id=new_batch_id())


def flattened(uow: UnitOfWork, scenario: Scenario) -> tuple[Change, ...]:
    """Every change of the scenario with its bases' first (for export and comparison)."""
    return flatten(scenario, lookup(uow))
