"""The audit trail as a report for leaders and admins: each entry in words (who by name, what, on
which object, the changed fields), with the raw codes beside it for the CSV; personal data masked
unless the reader may see it.

The names behind the ids a page of entries holds are read with one query per entity type
(``uow.audit.names``), never one per row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.i18n import DEFAULT_LANG
from core.model.actor import Actor, require
from core.model.privacy import mask_record
from core.services.audit_names import (
    Names,
    action_name,
    changes,
    changes_text,
    object_label,
    operator_label,
    reason_text,
    references,
)
from core.services.uow import UnitOfWork

VIEW_ROLES = ("leader", "admin")


@dataclass(frozen=True)
class AuditFilter:
    person: str | None = None
    community_code: str | None = None
    actions: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None  # inclusive day


def raw_text(value: Any) -> str:
    """A before/after dict as it is stored (JSON), for the CSV's raw columns."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, Mapping | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _names(uow: UnitOfWork, rows: list[dict[str, Any]], lang: str, masked: bool) -> Names:
    """One lookup per entity type the rows refer to."""
    found = {entity: uow.audit.names(entity, ids=keys["id"], codes=keys["code"])
             for entity, keys in sorted(references(rows).items())}
    return Names.of(found, lang, masked=masked)


def entries(uow: UnitOfWork, actor: Actor, flt: AuditFilter, *, lang: str = DEFAULT_LANG,
            limit: int = 5000) -> pd.DataFrame:
    """Audit entries for the report, newest first: the raw columns (``actor``, ``action``, ``entity``,
    ``entity_id``, ``community_code``, ``before``, ``after`` as JSON, ``batch_id``, ...) and, in
    ``lang``, ``operator``, ``action_name``, ``object``, ``changes`` (one line), ``reason_text``,
    ``batch`` (a move batch's label) and ``details`` (the changed fields as (name, before, after));
    personal values masked unless ``actor`` may see them."""
    require(actor, *VIEW_ROLES)
    start = dt.datetime.combine(flt.start, dt.time()) if flt.start else None
    end = dt.datetime.combine(flt.end + dt.timedelta(days=1), dt.time()) if flt.end else None
    df = uow.audit.entries(person=flt.person, community_code=flt.community_code,
                           actions=list(flt.actions) or None, start=start, end=end, limit=limit)
    masked = not actor.sees_personal_data
    if masked and len(df):
        df["before"] = [mask_record(b, e) for b, e in zip(df["before"], df["entity"], strict=True)]
        df["after"] = [mask_record(a, e) for a, e in zip(df["after"], df["entity"], strict=True)]
    rows = df.to_dict("records")
    names = _names(uow, rows, lang, masked)
    found = [changes(r["action"], r["entity"], r["before"], r["after"], names) for r in rows]
    df["operator"] = [operator_label(str(r["actor"]), names) for r in rows]
    df["action_name"] = [action_name(str(r["action"]), lang) for r in rows]
    df["object"] = [object_label(str(r["action"]), str(r["entity"]), r["entity_id"], names, str(r["reason"] or ""))
                    for r in rows]
    df["changes"] = [changes_text(c, lang) for c in found]
    df["reason_text"] = [reason_text(str(r["action"]), r["reason"], lang) for r in rows]
    df["details"] = [[(c.name, c.before, c.after) for c in cs] for cs in found]
    df["batch"] = [(names.label("move_batch", b, "id") or "") if b else "" for b in df["batch_id"]]
    df["community"] = df["community"].fillna("")
    df["before"] = df["before"].map(raw_text)
    df["after"] = df["after"].map(raw_text)
    return df


def choices(uow: UnitOfWork, actor: Actor, *, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """The people and action kinds present in the log (the filter's choices), with their names."""
    require(actor, *VIEW_ROLES)
    found = uow.audit.distinct_values()
    names = _names(uow, [{"actor": a} for a in found["actors"]], lang, masked=True)
    return {**found, "actor_names": {a: operator_label(a, names) for a in found["actors"]},
            "action_names": {a: action_name(a, lang) for a in found["actions"]}}
