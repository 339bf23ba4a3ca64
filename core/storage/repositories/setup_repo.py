"""What a district has loaded so far (数据准备): plain counts of each table, and the last import of each
kind from the audit log. Pure counting: one aggregate query a table, no rows are read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound

#: count name -> the table whose rows it counts
_TABLES: dict[str, Any] = {
    "streets": orm.Street,
    "communities": orm.Community,
    "grids": orm.Grid,
    "compounds": orm.Compound,
    "checkpoints": orm.Checkpoint,
    "units": orm.Unit,
    "pairings": orm.Pairing,
    "households": orm.IsolatedHousehold,
    "vulnerable": orm.VulnerableResident,
    "campaigns": orm.ScreeningCampaign,
    "incidents": orm.Incident,
}


def counts(session: Session) -> dict[str, int]:
    """Rows of each table a district loads, and how many communities are located (boundary, or at
    least coordinates), have grids or have a paired unit."""
    out = {name: int(session.scalar(select(func.count()).select_from(row)) or 0) for name, row in _TABLES.items()}
    c = orm.Community
    has_point = and_(c.lon.is_not(None), c.lat.is_not(None))
    out["staff"] = int(session.scalar(select(func.count()).select_from(orm.Staff)
                                      .where(orm.Staff.kind != "volunteer")) or 0)
    out["volunteers"] = int(session.scalar(select(func.count()).select_from(orm.Staff)
                                           .where(orm.Staff.kind == "volunteer")) or 0)
    out["with_boundary"] = int(session.scalar(select(func.count()).select_from(c).where(c.geometry.is_not(None))) or 0)
    out["with_point"] = int(session.scalar(select(func.count()).select_from(c).where(has_point)) or 0)
    out["unlocated"] = int(session.scalar(select(func.count()).select_from(c)
                                          .where(c.geometry.is_(None), or_(c.lon.is_(None), c.lat.is_(None)))) or 0)
    out["with_grids"] = int(session.scalar(select(func.count(func.distinct(orm.Grid.community_id)))) or 0)
    out["paired"] = int(session.scalar(select(func.count(func.distinct(orm.Pairing.community_id)))) or 0)
    return out


def last_imports(session: Session, actions: list[str]) -> dict[str, dict[str, Any]]:
    """The newest whole-file entry (entity "file") of each import action: who, when, the file and its counts."""
    log = orm.AuditLog
    newest = (select(log.action, func.max(log.id).label("id"))
              .where(log.entity == "file", log.action.in_(actions)).group_by(log.action).subquery())
    stmt = (select(log.action, log.at, log.actor, log.reason, log.after)
            .join(newest, newest.c.id == log.id))
    return {r.action: {"at": r.at, "actor": r.actor, "file": r.reason, "counts": dict(r.after or {})}
            for r in session.execute(stmt)}


class SetupRepository(Repository):
    """``uow.setup``: the functions above, bound to the unit of work's session."""

    counts = bound(counts)
    last_imports = bound(last_imports)
