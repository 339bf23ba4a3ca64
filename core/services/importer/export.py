"""Export communities, staff and incidents in the exchange format, with the Chinese headers and
words of the templates, so that an exported file imports back unchanged (a round trip).

Phones are masked (138****5678) unless the caller asks for personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from core.model.errors import InvalidInput
from core.services.importer.cleaning import mask_phones
from core.services.importer.columns import SPECS
from core.services.importer.vocabulary import (
    INCIDENT_STATUS_WORDS,
    INCIDENT_TYPE_WORDS,
    NO_WORD,
    RISK_LEVEL_WORDS,
    SEVERITY_WORDS,
    SKILL_SEPARATOR,
    SKILL_WORDS,
    STAFF_KIND_WORDS,
    VOLUNTEER_TYPE_WORDS,
    YES_WORD,
)
from core.services.uow import UnitOfWork

EXPORT_KINDS = ("communities", "staff", "incidents")


def _words(values: pd.Series, table: Mapping[Any, str]) -> pd.Series:
    """Codes as the template's words (an unknown code is written as it is)."""
    return values.map({str(k): v for k, v in table.items()}).fillna(values)


def _yes_no(values: pd.Series) -> pd.Series:
    return values.astype(bool).map({True: YES_WORD, False: NO_WORD})


def _skill_words(values: pd.Series) -> pd.Series:
    parts = values.fillna("").str.split(",").explode()
    words = parts.map(SKILL_WORDS).fillna(parts)
    return words[words != ""].groupby(level=0).agg(SKILL_SEPARATOR.join).reindex(values.index).fillna("")


def _time(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d %H:%M:%S").astype(object).where(values.notna(), "")


def export_frame(uow: UnitOfWork, kind: str, *, with_personal_data: bool = False) -> pd.DataFrame:
    """The stored ``kind`` as a table with the template's Chinese headers and words."""
    if kind == "communities":
        df = uow.imports.communities()
        df["risk_level"] = _words(df["risk_level"], RISK_LEVEL_WORDS)
    elif kind == "staff":
        df = uow.imports.staff().drop(columns="id").rename(columns={"code": "id"})
        return staff_table(df, with_personal_data=with_personal_data)
    elif kind == "incidents":
        df = uow.imports.incidents().drop(columns="id").rename(columns={"code": "id"})
        df["type"] = _words(df["type"], INCIDENT_TYPE_WORDS)
        df["severity"] = _words(df["severity"], SEVERITY_WORDS)
        df["status"] = _words(df["status"], INCIDENT_STATUS_WORDS)
        df["reported_at"], df["resolved_at"] = _time(df["reported_at"]), _time(df["resolved_at"])
    else:
        raise InvalidInput("importer.export_kind_unknown", kind=kind, kinds=list(EXPORT_KINDS))
    spec = SPECS[kind]
    return df[[c.name for c in spec]].rename(columns={c.name: c.zh for c in spec})


def staff_table(df: pd.DataFrame, *, with_personal_data: bool = False) -> pd.DataFrame:
    """Staff given by codes (``id``, ``kind``, ``volunteer_type``, ``unit`` by name, ``community_code``
    ...) as the exchange table: the template's Chinese headers and words."""
    df = df.copy()
    word = _words(df["kind"], STAFF_KIND_WORDS)
    vt = _words(df["volunteer_type"].fillna(""), VOLUNTEER_TYPE_WORDS)
    df["kind"] = word.where(df["volunteer_type"].isna() | (df["volunteer_type"] == ""), vt)
    df["phone"] = df["phone"] if with_personal_data else mask_phones(df["phone"])
    df["movable"], df["on_duty"] = _yes_no(df["movable"]), _yes_no(df["on_duty"])
    df["skills"] = _skill_words(df["skills"])
    spec = SPECS["staff"]
    return df[[c.name for c in spec]].rename(columns={c.name: c.zh for c in spec})


def communities_table(df: pd.DataFrame) -> pd.DataFrame:
    """Communities given by codes (``risk_level`` as a code, ``street`` by name) as the exchange table."""
    df = df.assign(risk_level=_words(df["risk_level"], RISK_LEVEL_WORDS))
    spec = SPECS["communities"]
    return df[[c.name for c in spec]].rename(columns={c.name: c.zh for c in spec})
