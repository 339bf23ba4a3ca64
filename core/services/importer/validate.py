"""Validate a whole table at once and collect every problem (never stop at the first).

The result is a DataFrame with one canonical column per column found in the file (NA = the
cell was blank: "not given", so an update keeps the stored value) plus ``_row``, the row
number the user sees. Coordinates come out in WGS-84.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.model.geo import DATUM_TO_WGS84
from core.services.importer import cleaning
from core.services.importer.columns import (
    BASE_FORMATS,
    Column,
    Format,
    Limits,
    limits_of,
    map_headers,
)
from core.services.importer.problems import ImportRefused, Problem
from core.services.importer.reading import RawTable

CLEANERS: dict[str, Callable[[pd.Series], cleaning.Cleaned]] = {
    "text": cleaning.texts, "int": cleaning.integers, "float": cleaning.floats, "bool": cleaning.booleans,
    "datetime": cleaning.datetimes, "risk": cleaning.risk_levels, "skills": cleaning.skills,
    "phone": cleaning.phones, "incident_type": cleaning.incident_types, "severity": cleaning.severities,
    "status": cleaning.statuses, "community_ref": cleaning.texts, "date": cleaning.dates,
    "compound_kind": cleaning.compound_kinds,
    "vulnerable_category": cleaning.vulnerable_categories,
}


@dataclass
class Validated:
    kind: str
    file: str
    frame: pd.DataFrame
    given: list[str]  # canonical columns present in the file
    #: canonical column → its header as written in the file (writers locate their own problems with it)
    headers: dict[str, str] = field(default_factory=dict)


class _Collector:
    def __init__(self, table: RawTable) -> None:
        self.table = table
        self.problems: list[Problem] = []
        self.bad: dict[str, pd.Series] = {}  # canonical column → cells already reported

    def add(self, header: str, errors: pd.Series) -> None:
        """One problem per cell of ``errors`` that holds a message ``(key, params)``."""
        bad = errors.notna().to_numpy()
        rows = self.table.rows[bad]
        self.problems.extend(Problem(self.table.file, int(r), header, key, params)
                             for r, (key, params) in zip(rows, errors[bad], strict=True))

    def add_mask(self, header: str, mask: pd.Series | np.ndarray, key: str, **params: object) -> None:
        """``key`` for every cell of ``mask``; a parameter given as a Series is taken per cell."""
        self.add(header, cleaning.messages(pd.RangeIndex(len(mask)), mask, key, **params))


def validate(table: RawTable, kind: str | Format, *, datum: str = "wgs84",
             communities: pd.DataFrame | None = None) -> Validated:
    """Clean and check every cell of ``table`` as an import of ``kind`` (a base format's name or any
    Format); raise ImportRefused with every problem. ``communities`` (code, name) are the ones
    references may point to."""
    fmt = BASE_FORMATS[kind] if isinstance(kind, str) else kind
    kind, spec = fmt.kind, fmt.columns
    positions, header_problems = map_headers(table.file, table.headers, spec)
    out = _Collector(table)
    out.problems.extend(header_problems)
    if table.cells.empty:
        out.problems.append(Problem(table.file, 0, "", "importer.header_only"))
    frame = pd.DataFrame(index=range(len(table.cells)))
    headers: dict[str, str] = {}
    for col in spec:
        if col.name not in positions:
            continue
        pos = positions[col.name]
        header = table.headers[pos] or col.zh
        headers[col.name] = header
        raw = table.cells[pos].astype(str)
        if col.name in fmt.free_text and table.written is not None:
            raw = table.written[pos].astype(str)
        _clean_column(col, raw, frame, header, out, limits_of(kind, col), free_text=col.name in fmt.free_text)
    _check_keys(frame, fmt.key, headers, out)
    for lon, lat in fmt.coords:
        _check_coordinates(frame, lon, lat, headers, datum, out)
    for col in spec:
        if col.kind == "community_ref" and col.name in frame:
            _resolve_communities(frame, col.name, headers[col.name], communities, out)
    if kind == "incidents" and {"reported_at", "resolved_at"} <= set(frame):
        early = (frame["resolved_at"] < frame["reported_at"]).fillna(False)
        out.add_mask(headers["resolved_at"], early, "importer.resolved_before_reported")
    if out.problems:
        raise ImportRefused(out.problems)
    frame["_row"] = table.rows
    return Validated(kind, table.file, frame, [c.name for c in spec if c.name in positions], headers)


def _clean_column(col: Column, raw: pd.Series, frame: pd.DataFrame, header: str, out: _Collector,
                  limits: Limits, *, free_text: bool = False) -> None:
    # every cleaner reads a cell on its own: each distinct text is cleaned once and the results spread
    # back over the rows (a column of 200,000 cells holds a few thousand different values)
    codes, uniques = pd.factorize(raw.astype(object), use_na_sentinel=False)
    distinct = pd.Series(uniques, dtype="str")
    typed, vtype, errors = _clean_values(col, distinct, limits, free_text=free_text)
    if vtype is not None:
        frame["volunteer_type"] = _spread(vtype, codes, raw.index)
    errors = _spread(errors, codes, raw.index)
    out.add(header, errors)
    out.bad[col.name] = errors.notna()
    frame[col.name] = _spread(typed, codes, raw.index)


def _spread(values: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    spread = values.take(codes)
    spread.index = index
    return spread


def _clean_values(col: Column, raw: pd.Series, limits: Limits, *,
                  free_text: bool) -> tuple[pd.Series, pd.Series | None, pd.Series]:
    # first what no database could hold (a control character, a text too long for its column): such a
    # cell is reported once, as that, and cleaned as blank
    limit = cleaning.limit_errors(raw, max_len=limits.max_len, free_text=free_text)
    raw = raw.where(limit.isna(), "")
    vtype = None
    if col.kind == "staff_kind":
        values, vtype, errors = cleaning.staff_kinds(raw)
    elif col.kind == "int":
        values, errors = cleaning.integers(raw, minimum=limits.minimum, maximum=limits.maximum)
    elif col.kind == "float":
        values, errors = cleaning.floats(raw, minimum=limits.minimum, maximum=limits.maximum)
    else:
        values, errors = CLEANERS[col.kind](raw)
    if col.required:
        errors = errors.where(raw != "", cleaning.messages(raw.index, raw == "", "importer.value_missing"))
    errors = limit.where(limit.notna(), errors)
    return values, vtype, errors


def _check_keys(frame: pd.DataFrame, key: str, headers: dict[str, str], out: _Collector) -> None:
    if key not in frame:
        return
    codes = frame[key]
    dup = codes.notna() & codes.duplicated(keep="first")
    if dup.any():
        first_pos = codes[codes.notna()].drop_duplicates(keep="first")
        first_row = pd.Series(out.table.rows[first_pos.index.to_numpy()], index=first_pos.to_numpy())
        out.add_mask(headers[key], dup, "importer.duplicate_code", value=codes.astype(str),
                     first_row=codes.map(first_row).astype("Int64").astype(str))


def _check_coordinates(frame: pd.DataFrame, lon: str, lat: str, headers: dict[str, str], datum: str,
                       out: _Collector) -> None:
    if lon not in frame and lat not in frame:
        return
    if lon not in frame or lat not in frame:
        present = lon if lon in frame else lat
        out.add_mask(headers[present], frame[present].notna(), "importer.lon_lat_together")
        return
    x, y = frame[lon], frame[lat]
    reported = out.bad[lon] | out.bad[lat]
    out.add_mask(headers[lat], x.notna() & y.isna() & ~reported, "importer.lat_missing")
    out.add_mask(headers[lon], x.isna() & y.notna() & ~reported, "importer.lon_missing")
    both = (x.notna() & y.notna()).to_numpy()
    xs = x.astype(float).fillna(0.0).to_numpy(dtype=float, copy=True)
    ys = y.astype(float).fillna(0.0).to_numpy(dtype=float, copy=True)
    convert = DATUM_TO_WGS84[datum]
    if convert is not None and both.any():
        cx, cy = convert(xs[both], ys[both])
        xs[both], ys[both] = cx, cy
    inside = cleaning.in_china(xs, ys)
    swapped = cleaning.in_china(ys, xs)
    bad = both & ~inside
    if bad.any():  # the texts of the values only when some are named
        out.add_mask(headers[lon], bad & swapped, "importer.outside_china_swapped", lon=x.astype(str),
                     lat=y.astype(str))
        out.add_mask(headers[lon], bad & ~swapped, "importer.outside_china", lon=x.astype(str), lat=y.astype(str))
    frame[lon] = pd.array(np.where(both, xs, np.nan), dtype="Float64")
    frame[lat] = pd.array(np.where(both, ys, np.nan), dtype="Float64")
    frame.loc[~both, [lon, lat]] = pd.NA


def _resolve_communities(frame: pd.DataFrame, name: str, header: str, communities: pd.DataFrame | None,
                         out: _Collector) -> None:
    """A community may be written as its code or as its (unique) name; both become the code."""
    ref = frame[name]
    known = communities if communities is not None else pd.DataFrame({"code": [], "name": []})
    codes = set(known["code"].astype(str))
    by_name = known.drop_duplicates("name", keep=False).set_index("name")["code"]
    ambiguous = set(known.loc[known["name"].duplicated(keep=False), "name"])
    resolved = ref.where(ref.isin(codes), ref.map(by_name))
    given = ref.notna()
    amb = given & ~ref.isin(codes) & ref.isin(ambiguous)
    missing = given & resolved.isna() & ~amb
    if amb.any() or missing.any():  # the texts of the values only when some are named
        out.add_mask(header, amb, "importer.community_name_ambiguous", name=ref.astype(str))
        out.add_mask(header, missing, "importer.community_unknown", name=ref.astype(str))
    frame[name] = resolved.astype(object)
