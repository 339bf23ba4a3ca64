"""A SELECT straight into a DataFrame, without building a Python row object per row.

SQLAlchemy turns every fetched row into a ``Row`` and runs each column's result processor on it (on
SQLite, parsing every date and time string in Python); for the whole-table reads of the engines that
is most of the read time. Here the statement is still compiled and executed by SQLAlchemy (so every
value reaches the database as a bound parameter, and bind processors run as usual), but the rows are
taken from the DB-API cursor as they are and converted **per column** with pandas: date-times to
``datetime64``, dates to ``datetime.date``, booleans to ``bool``, JSON text to objects. The result
equals ``pd.DataFrame(session.execute(stmt).all())`` (tests/storage/test_fast_frame.py compares the
two over every column type on both databases); a column of a type not listed here takes the plain path.
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Session
from sqlalchemy.sql.sqltypes import NullType

_PLAIN = (Integer, Float, String, Text, NullType)  # the DB-API value is already what SQLAlchemy would return


def _kind(typ: Any) -> str | None:
    if isinstance(typ, DateTime):
        return "datetime"
    if isinstance(typ, Date):
        return "date"
    if isinstance(typ, Boolean):
        return "bool"
    if isinstance(typ, JSON):
        return "json"
    if isinstance(typ, Integer):
        return "int"
    if isinstance(typ, Float):
        return "float"
    if isinstance(typ, (String, Text)):
        return "str"
    if isinstance(typ, _PLAIN):
        return "plain"
    return None


# --- one column from the cursor's values ---------------------------------------------------------------
#
# The rows are first laid out as one 2-D object array (in C), then each column is built from its slice.
# Each builder returns exactly what pandas infers from the same values (``pd.Series(list(values))``,
# which is what ``pd.DataFrame(rows)`` does column by column), taking a typed shortcut when the values
# allow it (checked in C with ``infer_dtype``) and pandas' own inference otherwise.

Column = np.ndarray  # 1-D, dtype object: the cursor's values as they came


def _inferred(values: Column) -> pd.Series:
    return pd.Series(values.tolist())


def _with_nan(values: Column, missing: np.ndarray) -> pd.Series:
    out = np.full(len(values), np.nan)
    out[~missing] = values[~missing].astype(np.float64)
    return pd.Series(out)


def _ints(values: Column) -> pd.Series:
    if infer_dtype(values, skipna=True) != "integer":
        return _inferred(values)
    missing = pd.isna(values)
    if not missing.any():
        try:
            return pd.Series(values.astype(np.int64))
        except OverflowError:
            return _inferred(values)
    return _with_nan(values, missing)  # ints and None: float64 with NaN, as pandas infers


def _floats(values: Column) -> pd.Series:
    if infer_dtype(values, skipna=True) not in ("floating", "mixed-integer-float"):
        return _inferred(values)  # all ints, all None or anything else: pandas decides
    return _with_nan(values, pd.isna(values))


def _strs(values: Column) -> pd.Series:
    if infer_dtype(values, skipna=True) != "string":
        return _inferred(values)
    return pd.Series(pd.array(values, dtype="str"))


def _datetimes(values: Column) -> pd.Series:
    missing = pd.isna(values)
    if missing.all():
        return _inferred(values)
    try:  # ISO text (SQLite) or naive datetimes (PostgreSQL): numpy parses both in C; None becomes NaT
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # an offset in the text: pandas' parser below decides
            return pd.Series(values.astype("datetime64[us]"))
    except (ValueError, TypeError, OverflowError, Warning):
        pass
    series = pd.Series(values, dtype=object)
    if isinstance(series.dropna().iloc[0], str):
        return pd.to_datetime(series, format="ISO8601").astype("datetime64[us]")
    return pd.to_datetime(series).astype("datetime64[us]")


def _by_distinct(values: Column, parse: Any) -> pd.Series:
    """Parse each distinct text once (a column of dates or JSON repeats few values); other values as they are."""
    seen: dict[str, Any] = {}
    out = [v if not isinstance(v, str) else (seen[v] if v in seen else seen.setdefault(v, parse(v))) for v in values]
    return pd.Series(out, dtype=object)


def _dates(values: Column) -> pd.Series:
    return _by_distinct(values, lambda v: dt.date.fromisoformat(v[:10]))


def _bools(values: Column) -> pd.Series:
    missing = pd.isna(values)
    if missing.any():
        return pd.Series([None if v is None else bool(v) for v in values], dtype=object)
    return pd.Series(values.astype(bool))


def _json(values: Column) -> pd.Series:
    """JSON text parsed (each distinct text once; the objects are fresh per distinct text, shared by the rows
    that held the same text — treat them as read-only, as every caller does)."""
    return _by_distinct(values, json.loads)


_BUILD = {"datetime": _datetimes, "date": _dates, "bool": _bools, "json": _json, "int": _ints, "float": _floats,
          "str": _strs, "plain": _inferred}


def _as_array(rows: list[Any]) -> np.ndarray:
    """The fetched rows as one 2-D object array (pandas' own C routine; numpy's when it is absent)."""
    try:
        from pandas._libs.lib import to_object_array_tuples
    except ImportError:  # pragma: no cover - pandas keeps it; numpy is the slower fallback
        return np.array(rows, dtype=object)
    return to_object_array_tuples(rows)


def fast_frame(session: Session, stmt: Any) -> pd.DataFrame | None:
    """The statement's rows as a DataFrame, or None when a column's type needs SQLAlchemy's own processing
    (the caller then takes the plain path)."""
    selected = getattr(stmt, "selected_columns", None)
    if selected is None:
        return None
    kinds = [_kind(c.type) for c in selected]
    if any(k is None for k in kinds):
        return None
    session.flush()  # what session.execute would autoflush, since the connection is used directly
    result = session.connection().execute(stmt)
    names = list(result.keys())
    cursor = result.cursor
    if len(names) != len(kinds) or len(set(names)) != len(names) or cursor is None:
        result.close()
        return None
    rows = cursor.fetchall()
    result.close()
    if not rows:  # as the plain path builds an empty result: object columns
        return pd.DataFrame(rows, columns=names)
    table = _as_array(list(rows))
    del rows
    builders = [_BUILD[str(kind)] for kind in kinds]
    return pd.DataFrame({name: build(table[:, i]) for i, (name, build) in enumerate(zip(names, builders, strict=True))})


__all__ = ["fast_frame"]
