"""What the writers of households and vulnerable residents share: the communities a file touches,
defaults for missing columns, the audit of personal rows (masked) and of the counts that follow."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from core.model.privacy import mask_name, mask_phone
from core.services.care import building_only
from core.services.importer.context import Context
from core.services.importer.diff import Diff


def touched_communities(diff: Diff, stored: pd.DataFrame) -> pd.Series:
    """The community codes of new rows and of changed rows, before and after the change."""
    old = stored.set_index("code")["community_code"]
    parts = [diff.new["community_code"], diff.changed["code"].map(old)]
    if "community_code" in diff.changed:
        parts.append(diff.changed["community_code"])
    return pd.Series(sorted(set(pd.concat(parts).dropna().astype(str))), dtype=object)


def column_or(df: pd.DataFrame, name: str, default: Any) -> pd.Series:
    """``df[name]`` with blanks as ``default`` (all ``default`` when the file has no such column)."""
    if name not in df:
        return pd.Series([default] * len(df), index=df.index, dtype=object)
    return df[name].astype(object).where(df[name].notna(), default)


def mask_personal(values: Mapping[str, Any], personal: Mapping[str, str]) -> dict[str, Any]:
    """An audit dict with its personal values masked (``personal``: column → name | phone | address | text)."""
    out = dict(values)
    for col, kind in personal.items():
        v = out.get(col)
        if not isinstance(v, str) or not v:
            continue
        if kind == "name":
            out[col] = mask_name(v)
        elif kind == "phone":
            out[col] = mask_phone(v)
        elif kind == "address":
            out[col] = str(building_only(pd.Series([v])).iat[0])
        else:
            out[col] = "***"
    return out


def audit_counts(ctx: Context, changes: list[dict[str, Any]], field: str) -> None:
    """One entry per community whose count moved with the import."""
    for c in changes:
        if c["before"] != c["after"]:
            ctx.audit("community", c["code"], before={field: c["before"]}, after={field: c["after"]},
                      community_code=c["code"])
