"""The audit trail as a report for leaders and admins: filtered, compact, masked where needed."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.model.actor import Actor, require
from core.model.privacy import mask_record
from core.services.uow import UnitOfWork

VIEW_ROLES = ("leader", "admin")
COMPACT_CHARS = 160


@dataclass(frozen=True)
class AuditFilter:
    person: str | None = None
    community_code: str | None = None
    actions: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None  # inclusive day


def compact(value: Any, limit: int = COMPACT_CHARS) -> str:
    """A before/after dict as one short line: ``key=value, key=value`` (cut with an ellipsis)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, dict):
        text = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v}"
                         for k, v in value.items())
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def entries(uow: UnitOfWork, actor: Actor, flt: AuditFilter, *, limit: int = 5000) -> pd.DataFrame:
    """Audit entries for the report; personal values in before/after masked unless ``actor`` may see them."""
    require(actor, *VIEW_ROLES)
    start = dt.datetime.combine(flt.start, dt.time()) if flt.start else None
    end = dt.datetime.combine(flt.end + dt.timedelta(days=1), dt.time()) if flt.end else None
    df = uow.audit.entries(person=flt.person, community_code=flt.community_code,
                           actions=list(flt.actions) or None, start=start, end=end, limit=limit)
    if not actor.sees_personal_data and len(df):
        df["before"] = [mask_record(b, e) for b, e in zip(df["before"], df["entity"], strict=True)]
        df["after"] = [mask_record(a, e) for a, e in zip(df["after"], df["entity"], strict=True)]
    df["before"] = df["before"].map(compact)
    df["after"] = df["after"].map(compact)
    return df


def choices(uow: UnitOfWork, actor: Actor) -> dict[str, list[str]]:
    """The people and action kinds present in the log (the filter's choices)."""
    require(actor, *VIEW_ROLES)
    return uow.audit.distinct_values()
