"""Storage of the front line's entries: device ids of accepted forms, door visits, roster additions, and
the places an account works in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound

VISIT_COLUMNS = ["id", "campaign_id", "grid_id", "grid_code", "building", "unit", "room", "outcome", "temperature",
                 "note", "entered_by", "at", "followed_up_at", "version"]


def submission(session: Session, client_id: str) -> dict[str, Any] | None:
    row = session.get(orm.ClientSubmission, client_id)
    return None if row is None else {"kind": row.kind, "ref": row.ref, "username": row.username, "at": row.at}


def add_submission(session: Session, **fields: Any) -> None:
    session.add(orm.ClientSubmission(**fields))
    session.flush()


def grids_of(session: Session, *, streets: frozenset[str] | None, communities: frozenset[str] | None,
             grids: frozenset[str] | None) -> pd.DataFrame:
    """The grids inside a scope: id, code, name, households, community (id, code, name), street code."""
    stmt = (select(orm.Grid.id, orm.Grid.code, orm.Grid.name, orm.Grid.households,
                   orm.Community.id.label("community_id"), orm.Community.code.label("community_code"),
                   orm.Community.name.label("community"), orm.Street.code.label("street_code"))
            .join(orm.Community, orm.Community.id == orm.Grid.community_id)
            .join(orm.Street, orm.Street.id == orm.Community.street_id).order_by(orm.Grid.code))
    if streets is not None:
        stmt = stmt.where(orm.Street.code.in_(streets))
    if communities is not None:
        stmt = stmt.where(orm.Community.code.in_(communities))
    if grids is not None:
        stmt = stmt.where(orm.Grid.code.in_(grids))
    return pd.DataFrame(session.execute(stmt).all(),
                        columns=["id", "code", "name", "households", "community_id", "community_code", "community",
                                 "street_code"])


def add_progress(session: Session, **fields: Any) -> int:
    return int(session.execute(insert(orm.ScreeningProgress).values(**fields).returning(orm.ScreeningProgress.id))
               .scalar_one())


def visit_at(session: Session, campaign_id: int, grid_id: int, building: str, unit: str, room: str) -> Any:
    return session.scalar(select(orm.ScreeningVisit).where(
        orm.ScreeningVisit.campaign_id == campaign_id, orm.ScreeningVisit.grid_id == grid_id,
        orm.ScreeningVisit.building == building, orm.ScreeningVisit.unit == unit, orm.ScreeningVisit.room == room))


def visit_row(session: Session, visit_id: int) -> Any:
    return session.get(orm.ScreeningVisit, visit_id, with_for_update=True)


def add_visit(session: Session, **fields: Any) -> Any:
    row = orm.ScreeningVisit(**fields)
    session.add(row)
    session.flush()
    return row


def add_roster_addition(session: Session, **fields: Any) -> None:
    session.add(orm.RosterAddition(**fields))
    session.flush()


def visits(session: Session, campaign_id: int, grid_ids: list[int]) -> pd.DataFrame:
    v = orm.ScreeningVisit
    stmt = (select(v.id, v.campaign_id, v.grid_id, orm.Grid.code, v.building, v.unit, v.room, v.outcome,
                   v.temperature, v.note, v.entered_by, v.at, v.followed_up_at, v.version)
            .join(orm.Grid, orm.Grid.id == v.grid_id)
            .where(v.campaign_id == campaign_id, v.grid_id.in_(grid_ids)).order_by(v.at.desc(), v.id.desc()))
    return pd.DataFrame(session.execute(stmt).all(), columns=VISIT_COLUMNS)


def roster_additions(session: Session, grid_ids: list[int]) -> pd.DataFrame:
    r = orm.RosterAddition
    stmt = (select(r.id, r.visit_id, r.grid_id, r.name, r.phone, r.added_by, r.added_at)
            .where(r.grid_id.in_(grid_ids)).order_by(r.added_at.desc()))
    return pd.DataFrame(session.execute(stmt).all(),
                        columns=["id", "visit_id", "grid_id", "name", "phone", "added_by", "added_at"])


def isolation_today(session: Session, grid_ids: list[int], day: dt.date) -> pd.DataFrame:
    """Active isolation households of the grids (started by ``day``) and whether they were checked that day."""
    h, c = orm.IsolatedHousehold, orm.IsolationCheck
    checked = select(c.household_id).where(c.day == day)
    stmt = (select(h.id, h.code, h.grid_id, h.address, h.head_name, h.phone, h.members, h.start_date, h.planned_end,
                   h.id.in_(checked).label("checked_today"))
            .where(h.status == "active", h.grid_id.in_(grid_ids), h.start_date <= day).order_by(h.code))
    return pd.DataFrame(session.execute(stmt).all(),
                        columns=["id", "code", "grid_id", "address", "head_name", "phone", "members", "start_date",
                                 "planned_end", "checked_today"])


def campaign_feed(session: Session, campaign_id: int, streets: frozenset[str] | None,
                  limit: int = 200) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The newest door visits of a campaign (inside ``streets``) with their grid, community and street, and
    the roster additions those visits made."""
    v, r = orm.ScreeningVisit, orm.RosterAddition
    stmt = (select(v.id, v.at, orm.Street.name, orm.Community.name, orm.Grid.name, v.building, v.unit, v.room,
                   v.outcome, v.temperature, v.entered_by)
            .join(orm.Grid, orm.Grid.id == v.grid_id).join(orm.Community, orm.Community.id == orm.Grid.community_id)
            .join(orm.Street, orm.Street.id == orm.Community.street_id)
            .where(v.campaign_id == campaign_id).order_by(v.at.desc(), v.id.desc()).limit(limit))
    if streets is not None:
        stmt = stmt.where(orm.Street.code.in_(streets))
    visits = pd.DataFrame(session.execute(stmt).all(),
                          columns=["id", "at", "street", "community", "grid", "building", "unit", "room", "outcome",
                                   "temperature", "entered_by"])
    adds = pd.DataFrame(session.execute(
        select(r.visit_id, r.name, r.phone, r.added_by, r.added_at).where(r.visit_id.in_([int(x) for x in visits["id"]]))
    ).all(), columns=["visit_id", "name", "phone", "added_by", "added_at"])
    return visits, adds


def grid_shapes(session: Session, grid_ids: list[int]) -> pd.DataFrame:
    """The grids' centre and outline (GeoJSON text; None when the district has not loaded boundaries)."""
    g = orm.Grid
    stmt = select(g.id, g.name, g.lon, g.lat, g.geometry).where(g.id.in_(grid_ids)).order_by(g.code)
    return pd.DataFrame(session.execute(stmt).all(), columns=["id", "name", "lon", "lat", "geometry"])


class FrontLineRepository(Repository):
    """``uow.front_line``: the functions above, bound to the unit of work's session."""

    submission = bound(submission)
    add_submission = bound(add_submission)
    grids_of = bound(grids_of)
    add_progress = bound(add_progress)
    visit_at = bound(visit_at)
    visit_row = bound(visit_row)
    add_visit = bound(add_visit)
    add_roster_addition = bound(add_roster_addition)
    visits = bound(visits)
    roster_additions = bound(roster_additions)
    isolation_today = bound(isolation_today)
    grid_shapes = bound(grid_shapes)
    campaign_feed = bound(campaign_feed)
