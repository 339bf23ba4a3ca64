"""Saved scenarios: save, copy, delete (planner or admin, audited), list and read (anyone who may see
the what-if page, leaders included). Only the ``scenario`` table and the audit log are written."""

from __future__ import annotations

import dataclasses
import uuid

import pandas as pd

from core.model.actor import Actor, write_service
from core.model.errors import ConcurrentChange, InvalidInput, NotFound, RuleViolation
from core.model.scenarios.evaluation import LIVE, Scenario, flatten
from core.model.scenarios.file_format import change_to_dict, from_dict
from core.services.audit import new_batch_id, record
from core.storage.db import session_scope
from core.storage.repositories import scenario_repo as sr
from core.storage.rows import now as _now
from core.storage.rows.scenarios import ScenarioRow

ROLES = ("planner", "admin")


def _scenario(row: dict[str, object]) -> Scenario:
    sc = from_dict({"format": "fangxian-scenario/1", "name": row["name"], "changes": row["changes"],
                    "base": row["base"], "id": row["id"], "author": row["author"],
                    "description": row["description"]}, source=f"情景「{row['name']}」")
    return dataclasses.replace(sc, created_at=row["created_at"])  # type: ignore[arg-type]


def list_scenarios(url: str | None) -> pd.DataFrame:
    """Saved scenarios, newest change first: id, name, author, base, created_at, updated_at, n_changes."""
    with session_scope(url) as s:
        return sr.listing(s)


def get_scenario(url: str | None, scenario_id: str) -> Scenario:
    with session_scope(url) as s:
        row = sr.get(s, scenario_id)
        if row is None:
            raise NotFound(f"情景 {scenario_id} 不存在（可能已被删除）")
        return _scenario(sr.as_dict(row))


def lookup(url: str | None):  # type: ignore[no-untyped-def]
    """A ``lookup(id) -> Scenario | None`` for ``flatten``/``evaluate`` (one read per base)."""
    def find(scenario_id: str) -> Scenario | None:
        try:
            return get_scenario(url, scenario_id)
        except NotFound:
            return None
    return find


def _clean_name(name: str) -> str:
    if not name or not name.strip():
        raise InvalidInput("请填写情景名称")
    return name.strip()[:100]


@write_service(*ROLES)
def save_scenario(actor: Actor, url: str | None, scenario: Scenario, expected_version: int | None = None) -> str:
    """Store a new scenario (no id, or an id not yet saved) or update one; returns its id."""
    name = _clean_name(scenario.name)
    changes = [change_to_dict(c) for c in scenario.changes]
    batch = new_batch_id()
    with session_scope(url) as s:
        if scenario.base != LIVE and sr.get(s, scenario.base) is None:
            raise NotFound(f"基础情景 {scenario.base} 不存在（可能已被删除）")
        row = sr.get(s, scenario.id, lock=True) if scenario.id else None
        if row is None:
            sid = scenario.id or uuid.uuid4().hex[:12]
            if scenario.base == sid:
                raise InvalidInput("情景不能以自己为基础")
            now = _now()
            row = ScenarioRow(id=sid, name=name, description=scenario.description, author=actor.username,
                              base=scenario.base or LIVE, changes=changes, created_at=now, updated_at=now,
                              updated_by=actor.username)
            sr.add(s, row)
            record(s, actor, "scenario.save", "scenario", sid, before=None,
                   after={"name": name, "base": row.base, "changes": len(changes)}, reason="新建情景", batch_id=batch)
            return sid
        if expected_version is not None and row.version != int(expected_version):
            raise ConcurrentChange(f"情景「{row.name}」刚被 {row.updated_by} 修改，请重新载入后再保存")
        if scenario.base == row.id:
            raise InvalidInput("情景不能以自己为基础")
        before = {"name": row.name, "base": row.base, "changes": len(row.changes or [])}
        row.name, row.description, row.base = name, scenario.description, scenario.base or LIVE
        row.changes, row.updated_at, row.updated_by = changes, _now(), actor.username
        s.flush()
        record(s, actor, "scenario.save", "scenario", row.id, before=before,
               after={"name": name, "base": row.base, "changes": len(changes)}, reason="修改情景", batch_id=batch)
        return row.id


@write_service(*ROLES)
def copy_scenario(actor: Actor, url: str | None, scenario_id: str, name: str | None = None) -> str:
    """A copy under a new id (same base and changes), authored by ``actor``."""
    src = get_scenario(url, scenario_id)
    copy = dataclasses.replace(src, id=None, name=_clean_name(name or f"{src.name}（副本）"))
    batch = new_batch_id()
    sid = uuid.uuid4().hex[:12]
    now = _now()
    with session_scope(url) as s:
        sr.add(s, ScenarioRow(id=sid, name=copy.name, description=copy.description, author=actor.username,
                              base=copy.base, changes=[change_to_dict(c) for c in copy.changes], created_at=now,
                              updated_at=now, updated_by=actor.username))
        record(s, actor, "scenario.copy", "scenario", sid, before={"from": scenario_id},
               after={"name": copy.name, "changes": len(copy.changes)}, reason="复制情景", batch_id=batch)
    return sid


@write_service(*ROLES)
def delete_scenario(actor: Actor, url: str | None, scenario_id: str, reason: str = "") -> None:
    """Delete a scenario; refused while another scenario is built on it."""
    with session_scope(url) as s:
        row = sr.get(s, scenario_id, lock=True)
        if row is None:
            raise NotFound(f"情景 {scenario_id} 不存在（可能已被删除）")
        kids = sr.children(s, scenario_id)
        if kids:
            raise RuleViolation(f"情景「{row.name}」是{'、'.join(f'「{k}」' for k in kids)}的基础，请先删除或改写它们")
        before = {"name": row.name, "base": row.base, "changes": list(row.changes or [])}
        sr.delete(s, row)
        record(s, actor, "scenario.delete", "scenario", scenario_id, before=before, after=None,
               reason=reason.strip() or "删除情景", batch_id=new_batch_id())


def flattened(url: str | None, scenario: Scenario) -> tuple:  # type: ignore[type-arg]
    """Every change of the scenario with its bases' first (for export and comparison)."""
    return flatten(scenario, lookup(url))
