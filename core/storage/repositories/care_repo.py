"""SQL of the vulnerable residents (重点关爱): the list, and the counts per community and grid kept in step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.model.errors import ConcurrentChange
from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.tables_repo import frame


def residents(session: Session, *, active_only: bool = False) -> pd.DataFrame:
    """Every vulnerable resident with community, street and grid (codes and names)."""
    r = orm.VulnerableResident
    stmt = (select(r.id, r.code, r.community_id, orm.Community.code.label("community_code"),
                   orm.Community.name.label("community"), orm.Street.code.label("street_code"),
                   orm.Street.name.label("street"), r.grid_id, orm.Grid.code.label("grid_code"),
                   orm.Grid.name.label("grid"), r.category, r.name, r.phone, r.address, r.note, r.status, r.version)
            .join(orm.Community, orm.Community.id == r.community_id)
            .join(orm.Street, orm.Street.id == orm.Community.street_id)
            .outerjoin(orm.Grid, orm.Grid.id == r.grid_id)
            .order_by(orm.Community.code, r.code))
    if active_only:
        stmt = stmt.where(r.status == "active")
    return frame(session, stmt)


def sync_counts(session: Session, community_ids: Iterable[int], day: dt.date) -> list[dict[str, Any]]:
    """Set Community/Grid ``vulnerable_residents`` to the number of active residents and record the
    community's condition of ``day`` (one row a day, updated in place). Returns before/after per community."""
    ids = sorted({int(i) for i in community_ids})
    if not ids:
        return []
    r = orm.VulnerableResident
    active = r.status == "active"
    per_comm = dict(session.execute(select(r.community_id, func.count()).where(active, r.community_id.in_(ids))
                                    .group_by(r.community_id)).all())
    per_grid = dict(session.execute(select(r.grid_id, func.count())
                                    .where(active, r.community_id.in_(ids), r.grid_id.is_not(None))
                                    .group_by(r.grid_id)).all())
    comms = session.execute(select(orm.Community).where(orm.Community.id.in_(ids)).order_by(orm.Community.id)
                            .with_for_update()).scalars().all()
    today = {c.community_id: c for c in session.execute(select(orm.CommunityCondition).where(
        orm.CommunityCondition.community_id.in_(ids), orm.CommunityCondition.valid_from == day)).scalars()}
    changes = []
    for c in comms:
        new = int(per_comm.get(c.id, 0))
        changes.append({"community_id": c.id, "code": c.code, "before": c.vulnerable_residents, "after": new})
        if c.vulnerable_residents != new:
            c.vulnerable_residents = new
        cond = today.get(c.id)
        if cond is None:
            session.add(orm.CommunityCondition(community_id=c.id, valid_from=day, risk_level=c.risk_level,
                                               checkpoints=c.checkpoints, isolated_households=c.isolated_households,
                                               vulnerable_residents=new))
        else:
            cond.vulnerable_residents = new
    for g in session.execute(select(orm.Grid).where(orm.Grid.community_id.in_(ids))).scalars().all():
        n = int(per_grid.get(g.id, 0))
        if g.vulnerable_residents != n:
            g.vulnerable_residents = n
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConcurrentChange("importer.concurrent_change") from exc
    return changes


class CareRepository(Repository):
    """``uow.care``: the functions above, bound to the unit of work's session."""

    residents = bound(residents)
    sync_counts = bound(sync_counts)
