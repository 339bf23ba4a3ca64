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
from typing import Any

import pandas as pd
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
    if isinstance(typ, _PLAIN):
        return "plain"
    return None


def _datetimes(values: pd.Series) -> pd.Series:
    if values.isna().all():
        return values
    if isinstance(values.dropna().iloc[0], str):  # SQLite keeps ISO text
        return pd.to_datetime(values, format="ISO8601").astype("datetime64[us]")
    return pd.to_datetime(values).astype("datetime64[us]")  # PostgreSQL: datetime objects already


def _dates(values: pd.Series) -> pd.Series:
    out = [dt.date.fromisoformat(v[:10]) if isinstance(v, str) else v for v in values.tolist()]
    return pd.Series(out, index=values.index, dtype=object)


def _bools(values: pd.Series) -> pd.Series:
    if values.isna().any():
        return pd.Series([None if v is None else bool(v) for v in values.tolist()], index=values.index, dtype=object)
    return values.astype(bool)


def _json(values: pd.Series) -> pd.Series:
    out = [json.loads(v) if isinstance(v, str) else v for v in values.tolist()]
    return pd.Series(out, index=values.index, dtype=object)


_CONVERT = {"datetime": _datetimes, "date": _dates, "bool": _bools, "json": _json}


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
    # built as the plain path builds it (same inference for the columns whose values need no processing)
    out = pd.DataFrame(rows, columns=names)
    if rows:
        for name, kind in zip(names, kinds, strict=True):
            if kind in _CONVERT:
                out[name] = _CONVERT[kind](out[name].astype(object))
    return out


__all__ = ["fast_frame"]
