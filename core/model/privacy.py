"""Personal data (names and phone numbers of key persons, residents and staff): masked for roles that
do not need it and always on the wall screen; exports carry the same masking.

Masking is vectorised over whole columns (pandas string methods), not a loop per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from core.model.actor import Actor

#: columns that hold a person's name or phone wherever they appear in our tables (a table with other
#: headers, e.g. an export's template headers, names its columns to ``mask_frame``)
NAME_COLUMNS = frozenset({"person_name", "staff_name", "resident_name", "contact_name", "secretary", "key_person"})
PHONE_COLUMNS = frozenset({"phone", "contact_phone", "mobile"})
#: entities whose plain ``name`` is a person's name (a community's name is not personal)
PERSON_ENTITIES = frozenset({"staff", "key_person", "resident", "person", "home_isolation", "service_request"})


def mask_name(name: str | None) -> str | None:
    """张三 -> 张*, 张三明 -> 张*明, 欧阳娜娜 -> 欧**娜."""
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return name
    return str(mask_names(pd.Series([str(name)])).iat[0])


def mask_phone(phone: str | None) -> str | None:
    """13812345678 -> 138****5678 (the first three and last four digits stay)."""
    if phone is None or (isinstance(phone, float) and np.isnan(phone)):
        return phone
    return str(mask_phones(pd.Series([str(phone)])).iat[0])


def _stars(n: pd.Series) -> pd.Series:
    return pd.Series(["*"] * len(n), index=n.index, dtype=object).str.repeat(n.clip(lower=0).astype(int))


def mask_names(s: pd.Series) -> pd.Series:
    text = s.astype("string").str.strip()
    n = text.str.len().fillna(0).astype(int)
    first, last = text.str[:1], text.str[-1:]
    out = np.where(n <= 1, _stars(n), np.where(n == 2, first + "*", first + _stars(n - 2) + last))
    return pd.Series(out, index=s.index, dtype=object).where(s.notna(), None)


def mask_phones(s: pd.Series) -> pd.Series:
    text = s.astype("string").str.strip()
    n = text.str.len().fillna(0).astype(int)
    long_form = text.str[:3] + _stars(n - 7) + text.str[-4:]
    short_form = _stars(n - 2) + text.str[-2:].where(n > 2, "")
    out = np.where(n >= 8, long_form, short_form)
    return pd.Series(out, index=s.index, dtype=object).where(s.notna(), None)


def mask_frame(df: pd.DataFrame, actor: Actor | None, *, name_columns: Iterable[str] | None = None,
               phone_columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A copy of ``df`` with the personal columns masked, unless ``actor`` may see personal data.

    Columns default to the known personal column names present in ``df``; pass them explicitly when a
    table calls a person's name just ``name``.
    """
    if actor is not None and actor.sees_personal_data:
        return df
    names = set(NAME_COLUMNS if name_columns is None else name_columns) & set(df.columns)
    phones = set(PHONE_COLUMNS if phone_columns is None else phone_columns) & set(df.columns)
    if not names and not phones:
        return df
    out = df.copy()
    for c in names:
        out[c] = mask_names(out[c])
    for c in phones:
        out[c] = mask_phones(out[c])
    return out


def mask_record(record: Mapping[str, Any] | None, entity: str | None = None) -> dict[str, Any] | None:
    """A before/after dict of the audit log with personal values masked."""
    if record is None:
        return None
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, str) and (key in NAME_COLUMNS or (key == "name" and entity in PERSON_ENTITIES)):
            out[key] = mask_name(value)
        elif isinstance(value, str) and key in PHONE_COLUMNS:
            out[key] = mask_phone(value)
        elif isinstance(value, Mapping):
            out[key] = mask_record(value, entity)
        else:
            out[key] = value
    return out
