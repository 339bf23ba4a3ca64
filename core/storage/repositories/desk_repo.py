"""SQL of the desk edits (core.services.desk): a community's dated risk level, on/off duty, the grid
member of a grid, and closing or reopening a screening campaign.

Writers lock what they change (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the write lock is
taken first thing by ``serialise``, like BEGIN IMMEDIATE). Rows keep their ``version`` (optimistic
locking); a row changed by someone else since it was read becomes ``ConcurrentChange``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import delete, false, func, or_, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from core.model.errors import ConcurrentChange
from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.tables_repo import frame
from core.storage.rows.screening import ScreeningCampaign, ScreeningTarget


def serialise(session: Session) -> None:
    """SQLite: take the write lock before anything is read (no-op on PostgreSQL, which locks rows)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(orm.Meta).where(false()).values(value=orm.Meta.value))


def flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConcurrentChange("desk.stale_row") from exc


def touch(session: Session, row: Any, attr: str) -> None:
    """Mark ``row`` changed (its version goes up) although ``attr`` keeps its value."""
    flag_modified(row, attr)
    flush(session)


# --- risk level (community + its dated conditions) -----------------------------------------------


def lock_community(session: Session, community_id: int) -> orm.Community | None:
    stmt = (select(orm.Community).where(orm.Community.id == community_id).with_for_update()
            .execution_options(populate_existing=True))
    return session.execute(stmt).scalar_one_or_none()


def conditions_of(session: Session, community_id: int) -> list[orm.CommunityCondition]:
    stmt = (select(orm.CommunityCondition).where(orm.CommunityCondition.community_id == community_id)
            .order_by(orm.CommunityCondition.valid_from))
    return list(session.execute(stmt).scalars().all())


def add_condition(session: Session, **fields: Any) -> None:
    session.add(orm.CommunityCondition(**fields))
    flush(session)


def delete_condition(session: Session, condition_id: int) -> None:
    session.execute(delete(orm.CommunityCondition).where(orm.CommunityCondition.id == condition_id))


def lock_meta(session: Session, key: str) -> str | None:
    """A meta value read under a row lock (writers that read-modify-write it queue here)."""
    stmt = (select(orm.Meta).where(orm.Meta.key == key).with_for_update()
            .execution_options(populate_existing=True))
    row = session.execute(stmt).scalar_one_or_none()
    return None if row is None else str(row.value)


def delete_meta(session: Session, key: str) -> None:
    row = session.get(orm.Meta, key)
    if row is not None:
        session.delete(row)
        session.flush()


def conditions_between(session: Session, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Condition rows with ``start <= valid_from <= end`` (the window of changes come due)."""
    stmt = (select(orm.CommunityCondition.community_id, orm.CommunityCondition.valid_from,
                   orm.CommunityCondition.risk_level)
            .where(orm.CommunityCondition.valid_from >= start, orm.CommunityCondition.valid_from <= end))
    return frame(session, stmt)


def lock_communities(session: Session, ids: list[int]) -> dict[int, orm.Community]:
    stmt = (select(orm.Community).where(orm.Community.id.in_(sorted(set(ids)))).order_by(orm.Community.id)
            .with_for_update().execution_options(populate_existing=True))
    return {c.id: c for c in session.execute(stmt).scalars().all()}


def first_condition_after(session: Session, day: dt.date) -> dt.date | None:
    return session.scalar(select(func.min(orm.CommunityCondition.valid_from))
                          .where(orm.CommunityCondition.valid_from > day))


def scheduled_after(session: Session, day: dt.date) -> pd.DataFrame:
    """Condition rows dated after ``day`` (scheduled changes), with their community."""
    stmt = (select(orm.CommunityCondition.community_id, orm.CommunityCondition.valid_from,
                   orm.CommunityCondition.risk_level, orm.Community.code, orm.Community.name,
                   orm.Community.risk_level.label("current_level"), orm.Community.version,
                   orm.Street.code.label("street_code"), orm.Street.name.label("street"))
            .join(orm.Community, orm.Community.id == orm.CommunityCondition.community_id)
            .join(orm.Street, orm.Street.id == orm.Community.street_id)
            .where(orm.CommunityCondition.valid_from > day)
            .order_by(orm.CommunityCondition.valid_from, orm.Community.code))
    return frame(session, stmt)


def communities(session: Session) -> pd.DataFrame:
    """Every community with its street, level and version (for the desk's pickers)."""
    stmt = (select(orm.Community.id.label("community_id"), orm.Community.code, orm.Community.name,
                   orm.Community.risk_level, orm.Community.version, orm.Street.code.label("street_code"),
                   orm.Street.name.label("street"))
            .join(orm.Street, orm.Street.id == orm.Community.street_id).order_by(orm.Community.code))
    return frame(session, stmt)


# --- people: duty and grids ----------------------------------------------------------------------


def lock_person(session: Session, staff_id: int) -> orm.Staff | None:
    stmt = (select(orm.Staff).where(orm.Staff.id == staff_id).with_for_update()
            .execution_options(populate_existing=True))
    return session.execute(stmt).scalar_one_or_none()


def street_of(session: Session, community_id: int | None) -> str | None:
    if community_id is None:
        return None
    stmt = (select(orm.Street.code).join(orm.Community, orm.Community.street_id == orm.Street.id)
            .where(orm.Community.id == community_id))
    return session.scalar(stmt)


def add_duty_change(session: Session, **fields: Any) -> None:
    session.add(orm.DutyChange(**fields))


def _people() -> Any:
    return (select(orm.Staff.id.label("staff_id"), orm.Staff.code, orm.Staff.name, orm.Staff.kind, orm.Staff.on_duty,
                   orm.Staff.community_id, orm.Staff.grid_id, orm.Staff.version,
                   orm.Community.code.label("community_code"), orm.Community.name.label("community"),
                   orm.Street.code.label("street_code"), orm.Street.name.label("street"),
                   orm.Grid.code.label("grid_code"), orm.Grid.name.label("grid"))
            .outerjoin(orm.Community, orm.Community.id == orm.Staff.community_id)
            .outerjoin(orm.Street, orm.Street.id == orm.Community.street_id)
            .outerjoin(orm.Grid, orm.Grid.id == orm.Staff.grid_id))


def find_people(session: Session, text: str, limit: int, kind: str | None = None) -> pd.DataFrame:
    """People whose code or name contains ``text`` (any case), code order."""
    like = f"%{text.strip().lower()}%"
    stmt = _people().where(or_(func.lower(orm.Staff.code).like(like), func.lower(orm.Staff.name).like(like)))
    if kind is not None:
        stmt = stmt.where(orm.Staff.kind == kind)
    return frame(session, stmt.order_by(orm.Staff.code).limit(limit))


def off_duty(session: Session) -> pd.DataFrame:
    """Everyone off duty with their latest duty change (when, reason, expected return)."""
    last = (select(orm.DutyChange.staff_id, func.max(orm.DutyChange.id).label("last_id"))
            .group_by(orm.DutyChange.staff_id).subquery())
    dc = aliased(orm.DutyChange)
    stmt = (_people().add_columns(dc.at.label("since"), dc.reason, dc.expected_return)
            .outerjoin(last, last.c.staff_id == orm.Staff.id).outerjoin(dc, dc.id == last.c.last_id)
            .where(orm.Staff.on_duty.is_(False)).order_by(orm.Staff.code))
    return frame(session, stmt)


def count_people(session: Session, kind: str | None = None) -> int:
    stmt = select(func.count()).select_from(orm.Staff)
    if kind is not None:
        stmt = stmt.where(orm.Staff.kind == kind)
    return int(session.scalar(stmt) or 0)


def count_grids(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(orm.Grid)) or 0)


def grid_ref(session: Session, grid_id: int) -> dict[str, Any] | None:
    stmt = (select(orm.Grid.id, orm.Grid.code, orm.Grid.name, orm.Grid.community_id,
                   orm.Community.code.label("community_code"), orm.Street.code.label("street_code"))
            .join(orm.Community, orm.Community.id == orm.Grid.community_id)
            .join(orm.Street, orm.Street.id == orm.Community.street_id).where(orm.Grid.id == grid_id))
    row = session.execute(stmt).mappings().first()
    return dict(row) if row else None


def lock_members_of(session: Session, grid_id: int) -> list[orm.Staff]:
    stmt = (select(orm.Staff).where(orm.Staff.grid_id == grid_id).order_by(orm.Staff.id).with_for_update()
            .execution_options(populate_existing=True))
    return list(session.execute(stmt).scalars().all())


def grids(session: Session) -> pd.DataFrame:
    """Every grid with its community, street and current grid members (codes and names, joined)."""
    g = (select(orm.Grid.id.label("grid_id"), orm.Grid.code, orm.Grid.name, orm.Grid.community_id,
                orm.Community.code.label("community_code"), orm.Community.name.label("community"),
                orm.Street.code.label("street_code"), orm.Street.name.label("street"))
         .join(orm.Community, orm.Community.id == orm.Grid.community_id)
         .join(orm.Street, orm.Street.id == orm.Community.street_id).order_by(orm.Grid.code))
    out = frame(session, g)
    members = frame(session, select(orm.Staff.grid_id, orm.Staff.id.label("staff_id"), orm.Staff.code, orm.Staff.name)
                    .where(orm.Staff.grid_id.is_not(None)).order_by(orm.Staff.code))
    first = members.drop_duplicates("grid_id").set_index("grid_id")
    out["member_id"] = out["grid_id"].map(first["staff_id"]).astype("Int64")
    out["member_code"] = out["grid_id"].map(first["code"])
    out["member_name"] = out["grid_id"].map(first["name"])
    return out


def grid_members(session: Session) -> pd.DataFrame:
    """Every person of kind grid_member, with where they are now."""
    return frame(session, _people().where(orm.Staff.kind == "grid_member").order_by(orm.Staff.code))


# --- screening campaigns --------------------------------------------------------------------------


def lock_campaign(session: Session, campaign_id: int) -> ScreeningCampaign | None:
    stmt = (select(ScreeningCampaign).where(ScreeningCampaign.id == campaign_id).with_for_update()
            .execution_options(populate_existing=True))
    return session.execute(stmt).scalar_one_or_none()


def campaign_streets(session: Session, campaign_id: int) -> list[str]:
    stmt = (select(orm.Street.code).distinct()
            .join(orm.Community, orm.Community.street_id == orm.Street.id)
            .join(orm.Grid, orm.Grid.community_id == orm.Community.id)
            .join(ScreeningTarget, ScreeningTarget.grid_id == orm.Grid.id)
            .where(ScreeningTarget.campaign_id == campaign_id))
    return sorted(str(s) for s in session.scalars(stmt))


def grid_scope(session: Session) -> pd.DataFrame:
    """Grids with households, community and street (the scope picker of a new campaign)."""
    stmt = (select(orm.Grid.id.label("grid_id"), orm.Grid.households, orm.Grid.community_id,
                   orm.Community.code.label("community_code"), orm.Community.name.label("community"),
                   orm.Street.code.label("street_code"), orm.Street.name.label("street"))
            .join(orm.Community, orm.Community.id == orm.Grid.community_id)
            .join(orm.Street, orm.Street.id == orm.Community.street_id).order_by(orm.Grid.code))
    return frame(session, stmt)


class DeskRepository(Repository):
    """``uow.desk``: the functions above, bound to the unit of work's session."""

    serialise = bound(serialise)
    flush = bound(flush)
    touch = bound(touch)
    lock_community = bound(lock_community)
    conditions_of = bound(conditions_of)
    add_condition = bound(add_condition)
    delete_condition = bound(delete_condition)
    lock_meta = bound(lock_meta)
    delete_meta = bound(delete_meta)
    conditions_between = bound(conditions_between)
    lock_communities = bound(lock_communities)
    first_condition_after = bound(first_condition_after)
    scheduled_after = bound(scheduled_after)
    communities = bound(communities)
    lock_person = bound(lock_person)
    street_of = bound(street_of)
    add_duty_change = bound(add_duty_change)
    find_people = bound(find_people)
    off_duty = bound(off_duty)
    count_people = bound(count_people)
    count_grids = bound(count_grids)
    grid_ref = bound(grid_ref)
    lock_members_of = bound(lock_members_of)
    grids = bound(grids)
    grid_members = bound(grid_members)
    lock_campaign = bound(lock_campaign)
    campaign_streets = bound(campaign_streets)
    grid_scope = bound(grid_scope)
