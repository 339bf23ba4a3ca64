"""Export communities, staff and incidents in the exchange format, with the Chinese headers and
words of the templates, so that an exported file imports back unchanged (a round trip).

Phones are masked (138****5678) unless the caller asks for personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from core.model.vocab import (
    INCIDENT_STATUS_ZH,
    INCIDENT_TYPE_ZH,
    RISK_LEVEL_ZH,
    SEVERITY_ZH,
    SKILLS_ZH,
    STAFF_KIND_ZH,
    VOLUNTEER_TYPE_ZH,
)
from core.services.importer.cleaning import mask_phones
from core.services.importer.columns import SPECS
from core.storage.db import session_scope
from core.storage.repositories import import_repo as repo

EXPORT_KINDS = ("communities", "staff", "incidents")


def _zh(values: pd.Series, table: Mapping[Any, str]) -> pd.Series:
    return values.map({str(k): v for k, v in table.items()}).fillna(values)


def _yes_no(values: pd.Series) -> pd.Series:
    return values.astype(bool).map({True: "是", False: "否"})


def _skills_zh(values: pd.Series) -> pd.Series:
    parts = values.fillna("").str.split(",").explode()
    zh = parts.map(SKILLS_ZH).fillna(parts)
    return zh[zh != ""].groupby(level=0).agg("、".join).reindex(values.index).fillna("")


def _time(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d %H:%M:%S").astype(object).where(values.notna(), "")


def export_frame(kind: str, url: str | None = None, *, with_personal_data: bool = False) -> pd.DataFrame:
    """The stored ``kind`` as a table with the template's Chinese headers."""
    with session_scope(url) as s:
        if kind == "communities":
            df = repo.communities(s)
            df["risk_level"] = _zh(df["risk_level"], RISK_LEVEL_ZH)
        elif kind == "staff":
            df = repo.staff(s).drop(columns="id").rename(columns={"code": "id"})
            word = _zh(df["kind"], STAFF_KIND_ZH)
            vt = _zh(df["volunteer_type"].fillna(""), VOLUNTEER_TYPE_ZH)
            df["kind"] = word.where(df["volunteer_type"].isna() | (df["volunteer_type"] == ""), vt)
            df["phone"] = df["phone"] if with_personal_data else mask_phones(df["phone"])
            df["movable"], df["on_duty"] = _yes_no(df["movable"]), _yes_no(df["on_duty"])
            df["skills"] = _skills_zh(df["skills"])
        elif kind == "incidents":
            df = repo.incidents(s).drop(columns="id").rename(columns={"code": "id"})
            df["type"] = _zh(df["type"], INCIDENT_TYPE_ZH)
            df["severity"] = _zh(df["severity"], SEVERITY_ZH)
            df["status"] = _zh(df["status"], INCIDENT_STATUS_ZH)
            df["reported_at"], df["resolved_at"] = _time(df["reported_at"]), _time(df["resolved_at"])
        else:
            raise ValueError(kind)
    spec = SPECS[kind]
    return df[[c.name for c in spec]].rename(columns={c.name: c.zh for c in spec})
