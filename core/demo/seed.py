"""Write a generated demo dataset into an empty, migrated database (one transaction)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import numpy as np
import pandas as pd

from core.demo.generator import DemoData, generate
from core.i18n import translate
from core.model.errors import RuleViolation
from core.model.norms import DEFAULT_NORMS
from core.storage.db import get_engine, is_empty, session_scope, set_meta
from core.storage.repositories import seed_repo, state_repo

log = logging.getLogger(__name__)


class DatabaseNotEmpty(RuleViolation, RuntimeError):
    """The demo is only ever written into an empty database."""

    key = "demo.database_not_empty"


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as dicts with NaN/NaT turned into None and numpy scalars into Python ones."""
    out = df.astype(object).where(df.notna(), None)
    return out.to_dict("records")  # type: ignore[return-value]


def _ids(codes: pd.Series) -> pd.Series:
    return pd.Series(np.arange(1, len(codes) + 1), index=codes.to_numpy())


def write_demo(session: Any, d: DemoData) -> dict[str, int]:
    """Insert every table of ``d``; ids are assigned here (1..n) so no round trips are needed."""
    seed_repo.insert_rows(session, "district", [{"id": 1, "code": d.district["code"], "name": d.district["name"],
                                                 "geometry": _district_geometry(d)}])
    street_id = _ids(d.streets["code"])
    seed_repo.insert_rows(session, "street", _records(d.streets.assign(
        id=street_id.to_numpy(), district_id=1)[["id", "code", "name", "district_id", "lon", "lat", "geometry"]]))
    comm_id = _ids(d.communities["code"])
    c = d.communities.assign(id=comm_id.to_numpy(), street_id=d.communities["street_code"].map(street_id))
    seed_repo.insert_rows(session, "community", _records(c[[
        "id", "code", "name", "street_id", "population", "households", "lon", "lat", "risk_level",
        "checkpoints", "isolated_households", "vulnerable_residents", "geometry"]].assign(version=1)))
    cond = d.conditions.assign(community_id=d.conditions["community_code"].map(comm_id))
    seed_repo.insert_rows(session, "community_condition", _records(cond[[
        "community_id", "valid_from", "risk_level", "checkpoints", "isolated_households", "vulnerable_residents"]]))
    grid_id = _ids(d.grids["code"])
    g = d.grids.assign(id=grid_id.to_numpy(), community_id=d.grids["community_code"].map(comm_id))
    seed_repo.insert_rows(session, "grid", _records(g[[
        "id", "code", "name", "community_id", "population", "households", "isolated_households",
        "vulnerable_residents", "lon", "lat", "geometry"]]))
    if len(d.compounds):
        comp_id = _ids(d.compounds["code"])
        cp = d.compounds.assign(id=comp_id.to_numpy(), community_id=d.compounds["community_code"].map(comm_id),
                                grid_id=d.compounds["grid_code"].map(grid_id))
        seed_repo.insert_rows(session, "compound", _records(cp[[
            "id", "code", "name", "community_id", "grid_id", "households", "buildings", "lon", "lat"]]))
        k = d.checkpoints.assign(community_id=d.checkpoints["community_code"].map(comm_id),
                                 grid_id=d.checkpoints["grid_code"].map(grid_id),
                                 compound_id=d.checkpoints["compound_code"].map(comp_id), active=True)
        seed_repo.insert_rows(session, "checkpoint", _records(k[[
            "code", "name", "community_id", "grid_id", "compound_id", "lon", "lat", "active"]]))
    unit_id = _ids(d.units["code"])
    seed_repo.insert_rows(session, "unit", _records(d.units.assign(id=unit_id.to_numpy())[["id", "code", "name"]]))
    since = d.today - dt.timedelta(days=30)
    seed_repo.insert_rows(session, "pairing", _records(pd.DataFrame({
        "unit_id": d.pairings["unit_code"].map(unit_id), "community_id": d.pairings["community_code"].map(comm_id),
        "since": since})))
    staff_id = _ids(d.staff["code"])
    s = d.staff.assign(
        id=staff_id.to_numpy(), community_id=d.staff["community_code"].map(comm_id),
        grid_id=d.staff["grid_code"].map(grid_id), unit_id=d.staff["unit_code"].map(unit_id),
        home_community_id=d.staff["home_community_code"].map(comm_id), version=1)
    seed_repo.insert_rows(session, "staff", _records(s[[
        "id", "code", "name", "kind", "volunteer_type", "unit_id", "phone", "home_lon", "home_lat",
        "home_community_id", "movable", "on_duty", "skills", "hours_week", "community_id", "grid_id", "version"]]))
    a = d.assignments.assign(staff_id=d.assignments["staff_code"].map(staff_id),
                             community_id=d.assignments["community_code"].map(comm_id),
                             grid_id=d.assignments["grid_code"].map(grid_id))
    seed_repo.insert_rows(session, "assignment", _records(a[["staff_id", "community_id", "grid_id", "valid_from", "valid_to", "batch_id"]]))
    if len(d.duty_changes):
        du = d.duty_changes.assign(staff_id=d.duty_changes["staff_code"].map(staff_id))
        seed_repo.insert_rows(session, "duty_change", _records(du[["staff_id", "at", "on_duty"]]))
    if len(d.incidents):
        inc = d.incidents.assign(community_id=d.incidents["community_code"].map(comm_id),
                                 grid_id=d.incidents["grid_code"].map(grid_id))
        seed_repo.insert_rows(session, "incident", _records(inc[[
            "code", "community_id", "grid_id", "type", "severity", "status", "reported_at", "resolved_at",
            "deadline", "lon", "lat", "description"]].assign(version=1)))
    # the demo district counts volunteers on checkpoint duty towards checkpoint posts (issue 8)
    state_repo.add_norm_version(session, valid_from=d.today - dt.timedelta(days=60),
                                params={**DEFAULT_NORMS, "volunteers_count_for": ["checkpoint"]},
                                author="system", reason=translate("norms.reason.default"))
    from core.demo.isolation_demo import write_extras

    write_extras(session, d)  # incident details, home-isolation households and checks, a screening campaign
    from core.demo.accounts import create_demo_accounts

    create_demo_accounts(session)  # one account per role + the demo kiosk token (after the households: the grid member)
    from core.demo.volunteers_demo import write_volunteers

    write_volunteers(session, d)  # availability, tasks and assignments with hours, the errands queue
    set_meta(session, "demo", "1")
    set_meta(session, "demo_scale", d.scale)
    set_meta(session, "demo_seed", str(d.seed))
    set_meta(session, "demo_today", d.today.isoformat())
    seed_repo.add_audit_entry(session, actor="system", action="demo.seed", entity="database", entity_id=None,
                              after={"scale": d.scale, "seed": d.seed, "communities": len(d.communities),
                                     "staff": len(d.staff)}, reason="首次运行：生成演示数据")
    return {"streets": len(d.streets), "communities": len(d.communities), "grids": len(d.grids),
            "checkpoints": len(d.checkpoints), "staff": len(d.staff), "incidents": len(d.incidents)}


def _district_geometry(d: DemoData) -> str | None:
    if d.scale == "district" and len(d.areas):
        return str(d.areas["geometry"].iat[0])
    return None


def seed_demo_database(url: str | None = None, scale: str = "district", seed: int = 42,
                       today: dt.date | None = None) -> dict[str, int]:
    """Generate and write the demo into an empty database; refuses a database that has data."""
    if not is_empty(url):
        raise DatabaseNotEmpty()
    data = generate(scale, seed, today)  # type: ignore[arg-type]
    with session_scope(url) as session:
        counts = write_demo(session, data)
    seed_repo.reset_sequences(get_engine(url))
    log.info("demo seeded: %s", json.dumps(counts))
    return counts
