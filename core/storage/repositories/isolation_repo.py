"""SQL of home isolation: households, checks, alerts, settings, and the counts kept in step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.model.errors import ConcurrentChange
from core.storage import rows as orm
from core.storage.db import get_meta, set_meta
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.tables_repo import frame
from core.storage.rows.isolation import IsolatedHousehold, IsolationAlert, IsolationCheck

SETTING_KEYS = {"missed_hour": "isolation.missed_check_hour", "fever_threshold": "isolation.fever_threshold_c"}


def settings(session: Session) -> dict[str, str | None]:
    return {k: get_meta(session, key) for k, key in SETTING_KEYS.items()}


def set_setting(session: Session, name: str, value: str) -> None:
    set_meta(session, SETTING_KEYS[name], value)


def households(session: Session, *, active_only: bool = False) -> pd.DataFrame:
    stmt = (select(IsolatedHousehold.id, IsolatedHousehold.code, IsolatedHousehold.community_id,
                   IsolatedHousehold.grid_id, orm.Community.code.label("community_code"),
                   orm.Community.name.label("community"), orm.Street.code.label("street_code"),
                   orm.Street.name.label("street"), orm.Grid.name.label("grid"), IsolatedHousehold.address,
                   IsolatedHousehold.head_name, IsolatedHousehold.phone, IsolatedHousehold.members,
                   IsolatedHousehold.start_date, IsolatedHousehold.planned_end, IsolatedHousehold.status,
                   IsolatedHousehold.version, orm.Community.lon, orm.Community.lat)
            .join(orm.Community, orm.Community.id == IsolatedHousehold.community_id)
            .join(orm.Street, orm.Street.id == orm.Community.street_id)
            .outerjoin(orm.Grid, orm.Grid.id == IsolatedHousehold.grid_id)
            .order_by(IsolatedHousehold.community_id, IsolatedHousehold.id))
    if active_only:
        stmt = stmt.where(IsolatedHousehold.status == "active")
    return frame(session, stmt)


def checks_between(session: Session, start: dt.date, end: dt.date) -> pd.DataFrame:
    stmt = (select(IsolationCheck.id, IsolationCheck.household_id, IsolationCheck.day, IsolationCheck.checked_at,
                   IsolationCheck.temperatures, IsolationCheck.max_temp, IsolationCheck.need_groceries,
                   IsolationCheck.need_medicine, IsolationCheck.need_other, IsolationCheck.note,
                   IsolationCheck.checked_by)
            .where(IsolationCheck.day >= start, IsolationCheck.day <= end)
            .order_by(IsolationCheck.checked_at))
    return frame(session, stmt)


def alerts_on(session: Session, day: dt.date) -> pd.DataFrame:
    stmt = select(IsolationAlert.household_id, IsolationAlert.cause, IsolationAlert.incident_id).where(
        IsolationAlert.day == day)
    return frame(session, stmt)


def get_household(session: Session, household_id: int) -> IsolatedHousehold | None:
    stmt = (select(IsolatedHousehold).where(IsolatedHousehold.id == household_id).with_for_update()
            .execution_options(populate_existing=True))
    return session.execute(stmt).scalar_one_or_none()


def add_household(session: Session, **fields: Any) -> None:
    session.add(IsolatedHousehold(**fields))


def flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConcurrentChange("isolation.changed_meanwhile") from exc


def next_household_code(session: Session) -> str:
    """H + 6 digits after the highest id, skipping codes a district's own file already used."""
    n = int(session.scalar(select(func.max(IsolatedHousehold.id))) or 0) + 1
    taken = set(session.scalars(select(IsolatedHousehold.code).where(IsolatedHousehold.code.like("H%"))))
    while f"H{n:06d}" in taken:
        n += 1
    return f"H{n:06d}"


def add_check(session: Session, **fields: Any) -> None:
    session.add(IsolationCheck(**fields))


def add_alert(session: Session, **fields: Any) -> None:
    session.add(IsolationAlert(**fields))


def bulk_insert(session: Session, model: str, rows: list[dict[str, Any]]) -> None:
    """Demo generation: whole tables at once."""
    target = {"household": IsolatedHousehold, "check": IsolationCheck}[model]
    for i in range(0, len(rows), 10_000):
        session.execute(insert(target), rows[i:i + 10_000])


def sync_counts(session: Session, community_ids: Iterable[int], day: dt.date) -> list[dict[str, Any]]:
    """Set Community/Grid ``isolated_households`` to the number of active households and record the
    community's condition of ``day`` (one row a day, updated in place). Returns before/after per community."""
    ids = sorted(set(int(i) for i in community_ids))
    if not ids:
        return []
    active = IsolatedHousehold.status == "active"
    per_comm = dict(session.execute(select(IsolatedHousehold.community_id, func.count())
                                    .where(active, IsolatedHousehold.community_id.in_(ids))
                                    .group_by(IsolatedHousehold.community_id)).all())
    per_grid = dict(session.execute(select(IsolatedHousehold.grid_id, func.count())
                                    .where(active, IsolatedHousehold.community_id.in_(ids),
                                           IsolatedHousehold.grid_id.is_not(None))
                                    .group_by(IsolatedHousehold.grid_id)).all())
    changes = []
    comms = session.execute(select(orm.Community).where(orm.Community.id.in_(ids)).order_by(orm.Community.id)
                            .with_for_update()).scalars().all()
    for c in comms:
        new = int(per_comm.get(c.id, 0))
        changes.append({"community_id": c.id, "code": c.code, "before": c.isolated_households, "after": new})
        if c.isolated_households != new:
            c.isolated_households = new
        cond = session.execute(select(orm.CommunityCondition).where(
            orm.CommunityCondition.community_id == c.id, orm.CommunityCondition.valid_from == day)).scalar_one_or_none()
        if cond is None:
            session.add(orm.CommunityCondition(community_id=c.id, valid_from=day, risk_level=c.risk_level,
                                             checkpoints=c.checkpoints, isolated_households=new,
                                             vulnerable_residents=c.vulnerable_residents))
        else:
            cond.isolated_households = new
    for g in session.execute(select(orm.Grid).where(orm.Grid.community_id.in_(ids))).scalars().all():
        n = int(per_grid.get(g.id, 0))
        if g.isolated_households != n:
            g.isolated_households = n
    flush(session)
    return changes


def grid_ids_of(session: Session, community_id: int) -> list[int]:
    return [int(x) for x in session.scalars(select(orm.Grid.id).where(orm.Grid.community_id == community_id))]


def set_grid_counts(session: Session, rows: list[dict[str, int]]) -> None:
    """Demo generation: grid isolated_households by primary key (bulk)."""
    from sqlalchemy import update

    if rows:
        session.execute(update(orm.Grid), rows)


def household_ids_by_code(session: Session) -> dict[str, int]:
    return {str(c): int(i) for i, c in session.execute(select(IsolatedHousehold.id, IsolatedHousehold.code)).all()}


class IsolationRepository(Repository):
    """``uow.isolation``: the functions above, bound to the unit of work's session."""

    settings = bound(settings)
    set_setting = bound(set_setting)
    households = bound(households)
    checks_between = bound(checks_between)
    alerts_on = bound(alerts_on)
    get_household = bound(get_household)
    add_household = bound(add_household)
    flush = bound(flush)
    next_household_code = bound(next_household_code)
    add_check = bound(add_check)
    add_alert = bound(add_alert)
    bulk_insert = bound(bulk_insert)
    sync_counts = bound(sync_counts)
    grid_ids_of = bound(grid_ids_of)
    set_grid_counts = bound(set_grid_counts)
    household_ids_by_code = bound(household_ids_by_code)
