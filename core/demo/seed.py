"""Write a generated demo dataset into an empty, migrated database (one transaction)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from core.demo.generator import DemoData, generate
from core.model.norms import DEFAULT_NORMS
from core.storage import rows as m
from core.storage import schema
from core.storage.db import get_engine, is_empty, session_scope, set_meta

log = logging.getLogger(__name__)
CHUNK = 20_000


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as dicts with NaN/NaT turned into None and numpy scalars into Python ones."""
    out = df.astype(object).where(df.notna(), None)
    return out.to_dict("records")  # type: ignore[return-value]


def _insert(session: Session, model: type[m.Base], rows: Iterable[dict[str, Any]] | list[dict[str, Any]]) -> None:
    rows = list(rows)
    for i in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[i : i + CHUNK])


def _ids(codes: pd.Series) -> pd.Series:
    return pd.Series(np.arange(1, len(codes) + 1), index=codes.to_numpy())


def write_demo(session: Session, d: DemoData) -> dict[str, int]:
    """Insert every table of ``d``; ids are assigned here (1..n) so no round trips are needed."""
    session.add(m.District(id=1, code=d.district["code"], name=d.district["name"],
                           geometry=_district_geometry(d)))
    street_id = _ids(d.streets["code"])
    _insert(session, m.Street, _records(d.streets.assign(
        id=street_id.to_numpy(), district_id=1)[["id", "code", "name", "district_id", "lon", "lat", "geometry"]]))
    comm_id = _ids(d.communities["code"])
    c = d.communities.assign(id=comm_id.to_numpy(), street_id=d.communities["street_code"].map(street_id))
    _insert(session, m.Community, _records(c[[
        "id", "code", "name", "street_id", "population", "households", "lon", "lat", "risk_level",
        "checkpoints", "isolated_households", "vulnerable_residents", "geometry"]].assign(version=1)))
    cond = d.conditions.assign(community_id=d.conditions["community_code"].map(comm_id))
    _insert(session, m.CommunityCondition, _records(cond[[
        "community_id", "valid_from", "risk_level", "checkpoints", "isolated_households", "vulnerable_residents"]]))
    grid_id = _ids(d.grids["code"])
    g = d.grids.assign(id=grid_id.to_numpy(), community_id=d.grids["community_code"].map(comm_id))
    _insert(session, m.Grid, _records(g[[
        "id", "code", "name", "community_id", "population", "households", "isolated_households",
        "vulnerable_residents", "lon", "lat", "geometry"]]))
    if len(d.compounds):
        comp_id = _ids(d.compounds["code"])
        cp = d.compounds.assign(id=comp_id.to_numpy(), community_id=d.compounds["community_code"].map(comm_id),
                                grid_id=d.compounds["grid_code"].map(grid_id))
        _insert(session, m.Compound, _records(cp[[
            "id", "code", "name", "community_id", "grid_id", "households", "buildings", "lon", "lat"]]))
        k = d.checkpoints.assign(community_id=d.checkpoints["community_code"].map(comm_id),
                                 grid_id=d.checkpoints["grid_code"].map(grid_id),
                                 compound_id=d.checkpoints["compound_code"].map(comp_id), active=True)
        _insert(session, m.Checkpoint, _records(k[[
            "code", "name", "community_id", "grid_id", "compound_id", "lon", "lat", "active"]]))
    unit_id = _ids(d.units["code"])
    _insert(session, m.Unit, _records(d.units.assign(id=unit_id.to_numpy())[["id", "code", "name"]]))
    since = d.today - dt.timedelta(days=30)
    _insert(session, m.Pairing, _records(pd.DataFrame({
        "unit_id": d.pairings["unit_code"].map(unit_id), "community_id": d.pairings["community_code"].map(comm_id),
        "since": since})))
    staff_id = _ids(d.staff["code"])
    s = d.staff.assign(
        id=staff_id.to_numpy(), community_id=d.staff["community_code"].map(comm_id),
        grid_id=d.staff["grid_code"].map(grid_id), unit_id=d.staff["unit_code"].map(unit_id),
        home_community_id=d.staff["home_community_code"].map(comm_id), version=1)
    _insert(session, m.Staff, _records(s[[
        "id", "code", "name", "kind", "volunteer_type", "unit_id", "phone", "home_lon", "home_lat",
        "home_community_id", "movable", "on_duty", "skills", "hours_week", "community_id", "grid_id", "version"]]))
    a = d.assignments.assign(staff_id=d.assignments["staff_code"].map(staff_id),
                             community_id=d.assignments["community_code"].map(comm_id),
                             grid_id=d.assignments["grid_code"].map(grid_id))
    _insert(session, m.Assignment, _records(a[["staff_id", "community_id", "grid_id", "valid_from", "valid_to", "batch_id"]]))
    if len(d.duty_changes):
        du = d.duty_changes.assign(staff_id=d.duty_changes["staff_code"].map(staff_id))
        _insert(session, m.DutyChange, _records(du[["staff_id", "at", "on_duty"]]))
    if len(d.incidents):
        inc = d.incidents.assign(community_id=d.incidents["community_code"].map(comm_id),
                                 grid_id=d.incidents["grid_code"].map(grid_id))
        _insert(session, m.Incident, _records(inc[[
            "code", "community_id", "grid_id", "type", "severity", "status", "reported_at", "resolved_at",
            "deadline", "lon", "lat", "description"]].assign(version=1)))
    # the demo district counts volunteers on checkpoint duty towards checkpoint posts (issue 8)
    session.add(m.NormVersion(valid_from=d.today - dt.timedelta(days=60),
                              params={**DEFAULT_NORMS, "volunteers_count_for": ["checkpoint"]},
                              author="system", reason="默认规范（DESIGN.md）"))
    from core.demo.accounts import create_demo_accounts

    create_demo_accounts(session)  # one account per role + the demo kiosk token (demo only)
    from core.demo.isolation_demo import write_extras

    write_extras(session, d)  # incident details, home-isolation households and checks, a screening campaign
    from core.demo.volunteers_demo import write_volunteers

    write_volunteers(session, d)  # availability, tasks and assignments with hours, the errands queue
    set_meta(session, "demo", "1")
    set_meta(session, "demo_scale", d.scale)
    set_meta(session, "demo_seed", str(d.seed))
    set_meta(session, "demo_today", d.today.isoformat())
    session.add(m.AuditLog(actor="system", action="demo.seed", entity="database", entity_id=None,
                           after={"scale": d.scale, "seed": d.seed, "communities": len(d.communities),
                                  "staff": len(d.staff)}, reason="首次运行：生成演示数据"))
    return {"streets": len(d.streets), "communities": len(d.communities), "grids": len(d.grids),
            "checkpoints": len(d.checkpoints), "staff": len(d.staff), "incidents": len(d.incidents)}


def _district_geometry(d: DemoData) -> str | None:
    if d.scale == "district" and len(d.areas):
        return str(d.areas["geometry"].iat[0])
    return None


def _reset_sequences(url: str | None) -> None:
    """On PostgreSQL, move each id sequence past the explicit ids the seed wrote."""
    engine = get_engine(url)
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in schema.metadata.sorted_tables:
            if "id" not in table.c or not table.c.id.autoincrement or table.c.id.type.python_type is not int:
                continue
            highest = select(func.coalesce(func.max(table.c.id), 0) + 1).scalar_subquery()
            seq = func.pg_get_serial_sequence(table.name, "id")
            conn.execute(select(func.setval(seq, highest, False)).where(seq.isnot(None)))


def seed_demo_database(url: str | None = None, scale: str = "district", seed: int = 42,
                       today: dt.date | None = None) -> dict[str, int]:
    """Generate and write the demo into an empty database; refuses a database that has data."""
    if not is_empty(url):
        raise RuntimeError("the database already holds a district; the demo is only seeded into an empty one")
    data = generate(scale, seed, today)  # type: ignore[arg-type]
    with session_scope(url) as session:
        counts = write_demo(session, data)
    _reset_sequences(url)
    log.info("demo seeded: %s", json.dumps(counts))
    return counts
