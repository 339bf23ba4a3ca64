"""The names behind the ids and codes an audit entry holds (community 28 → 北泰宁社区): one query per
entity type for a whole page of entries, never one per row. Read only."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Integer, false, or_, select
from sqlalchemy.orm import Session

from core.storage import rows as orm
from core.storage.rows.auth import AppUser, KioskToken

#: entity type -> (row class, code column or None, name column, further columns)
LOOKUPS: dict[str, tuple[Any, str | None, str, tuple[str, ...]]] = {
    "district": (orm.District, "code", "name", ()),
    "street": (orm.Street, "code", "name", ()),
    "community": (orm.Community, "code", "name", ()),
    "grid": (orm.Grid, "code", "name", ()),
    "compound": (orm.Compound, "code", "name", ()),
    "checkpoint": (orm.Checkpoint, "code", "name", ()),
    "staff": (orm.Staff, "code", "name", ()),
    "unit": (orm.Unit, "code", "name", ()),
    "screening_campaign": (orm.ScreeningCampaign, "code", "name", ()),
    "volunteer_task": (orm.VolunteerTask, "code", "title", ()),
    "app_user": (AppUser, "username", "display_name", ()),
    "kiosk_token": (KioskToken, None, "name", ()),
    "scenario": (orm.ScenarioRow, None, "name", ()),
    "norm_version": (orm.NormVersion, None, "valid_from", ()),
    "move_batch": (orm.MoveBatch, None, "kind", ("created_at", "moves")),
}


def names(session: Session, entity: str, *, ids: Collection[str] = (),
          codes: Collection[str] = ()) -> list[dict[str, Any]]:
    """``id`` (as text), ``code``, ``name`` (and the further columns) of the rows of ``entity`` that
    have one of ``ids`` or ``codes``, in one query; an entity type without a lookup gives nothing."""
    if entity not in LOOKUPS:
        return []
    row, code_col, name_col, more = LOOKUPS[entity]
    id_col = row.__table__.c.id
    if isinstance(id_col.type, Integer):  # integer ids: a key that is not a number matches nothing
        id_keys: list[Any] = sorted({int(i) for i in ids if str(i).isdigit()})
    else:
        id_keys = sorted({str(i) for i in ids})
    code_keys = sorted({str(c) for c in codes}) if code_col else []
    if not id_keys and not code_keys:
        return []
    code = getattr(row, code_col) if code_col else None
    conditions = [id_col.in_(id_keys) if id_keys else false()]
    if code is not None and code_keys:
        conditions.append(code.in_(code_keys))
    columns = [id_col, code if code is not None else id_col, getattr(row, name_col),
               *(getattr(row, c) for c in more)]
    result = session.execute(select(*columns).where(or_(*conditions)))
    return [{"id": str(r[0]), "code": None if code is None else r[1], "name": r[2],
             **{c: r[3 + i] for i, c in enumerate(more)}} for r in result]
