"""SQL of the what-if scenarios: the reference data a scenario needs (units, people without names or
phones) and the saved scenarios themselves. Only the ``scenario`` table is ever written here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.tables_repo import frame
from core.storage.rows.scenarios import ScenarioRow


def units(session: Session) -> pd.DataFrame:
    return frame(session, select(orm.Unit.code, orm.Unit.name).order_by(orm.Unit.code))


def people(session: Session) -> pd.DataFrame:
    """Everyone's code, unit, home and hours (what the optimiser needs; no names, no phones), with the
    row's version, community and the flags that make a person movable (what a hand-over checks)."""
    stmt = (select(orm.Staff.id.label("staff_id"), orm.Staff.code, orm.Unit.code.label("unit_code"), orm.Staff.home_lon,
                   orm.Staff.home_lat, orm.Staff.home_community_id, orm.Staff.skills, orm.Staff.hours_week,
                   orm.Staff.community_id, orm.Staff.movable, orm.Staff.on_duty, orm.Staff.version)
            .outerjoin(orm.Unit, orm.Unit.id == orm.Staff.unit_id).order_by(orm.Staff.id))
    return frame(session, stmt)


def as_dict(row: ScenarioRow) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "description": row.description, "author": row.author,
            "base": row.base, "changes": list(row.changes or []), "created_at": row.created_at,
            "updated_at": row.updated_at, "updated_by": row.updated_by, "version": row.version}


def get(session: Session, scenario_id: str, *, lock: bool = False) -> ScenarioRow | None:
    stmt = select(ScenarioRow).where(ScenarioRow.id == scenario_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def find(session: Session, scenario_id: str) -> dict[str, Any] | None:
    """A saved scenario as plain data (``as_dict``), or None."""
    row = get(session, scenario_id)
    return None if row is None else as_dict(row)


def listing(session: Session) -> pd.DataFrame:
    stmt = (select(ScenarioRow.id, ScenarioRow.name, ScenarioRow.author, ScenarioRow.base, ScenarioRow.created_at,
                    ScenarioRow.updated_at, ScenarioRow.updated_by, ScenarioRow.changes)
            .order_by(ScenarioRow.updated_at.desc(), ScenarioRow.id))
    df = frame(session, stmt)
    df["n_changes"] = [len(c or []) for c in df["changes"]]
    return df.drop(columns=["changes"])


def children(session: Session, scenario_id: str) -> list[str]:
    stmt = select(ScenarioRow.name).where(ScenarioRow.base == scenario_id).order_by(ScenarioRow.name)
    return [str(r[0]) for r in session.execute(stmt).all()]


def add(session: Session, row: ScenarioRow) -> None:
    session.add(row)
    session.flush()


def create(session: Session, *, scenario_id: str, name: str, description: str, author: str, base: str,
           changes: list[dict[str, Any]], when: dt.datetime) -> ScenarioRow:
    """A new saved scenario (authored and last changed by ``author`` at ``when``)."""
    row = ScenarioRow(id=scenario_id, name=name, description=description, author=author, base=base,
                      changes=changes, created_at=when, updated_at=when, updated_by=author)
    add(session, row)
    return row


def update(session: Session, row: ScenarioRow, *, name: str, description: str, base: str,
           changes: list[dict[str, Any]], by: str, when: dt.datetime) -> None:
    row.name, row.description, row.base = name, description, base
    row.changes, row.updated_at, row.updated_by = changes, when, by
    session.flush()


def delete(session: Session, row: ScenarioRow) -> None:
    session.delete(row)
    session.flush()


class ScenarioRepository(Repository):
    """``uow.scenarios``: the functions above, bound to the unit of work's session."""

    units = bound(units)
    people = bound(people)
    get = bound(get)
    find = bound(find)
    listing = bound(listing)
    children = bound(children)
    add = bound(add)
    create = bound(create)
    update = bound(update)
    delete = bound(delete)
