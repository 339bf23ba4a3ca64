"""Validate a whole table at once and collect every problem (never stop at the first).

The result is a DataFrame with one canonical column per column found in the file (NA = the
cell was blank: "not given", so an update keeps the stored value) plus ``_row``, the row
number the user sees. Coordinates come out in WGS-84.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.model.geo import DATUM_TO_WGS84
from core.services.importer import cleaning as cl
from core.services.importer.columns import SPECS, Column, map_headers
from core.services.importer.problems import ImportRefused, Problem
from core.services.importer.reading import RawTable

CLEANERS: dict[str, Callable[[pd.Series], cl.Cleaned]] = {
    "text": cl.texts, "int": cl.integers, "float": cl.floats, "bool": cl.booleans, "datetime": cl.datetimes,
    "risk": cl.risk_levels, "skills": cl.skills, "phone": cl.phones, "incident_type": cl.incident_types,
    "severity": cl.severities, "status": cl.statuses, "community_ref": cl.texts,
}
#: free text keeps full-width punctuation as written (codes and words are normalised)
FREE_TEXT = frozenset({"name", "street", "unit", "description"})
KEY = {"communities": "code", "staff": "id", "incidents": "id"}
COORDS = {"communities": [("lon", "lat")], "staff": [("home_lon", "home_lat")], "incidents": [("lon", "lat")]}


@dataclass
class Validated:
    kind: str
    file: str
    frame: pd.DataFrame
    given: list[str]  # canonical columns present in the file


class _Collector:
    def __init__(self, table: RawTable) -> None:
        self.table = table
        self.problems: list[Problem] = []
        self.bad: dict[str, pd.Series] = {}  # canonical column → cells already reported

    def add(self, header: str, errors: pd.Series) -> None:
        bad = errors.notna().to_numpy()
        rows = self.table.rows[bad]
        self.problems.extend(Problem(self.table.file, int(r), header, str(m))
                             for r, m in zip(rows, errors[bad], strict=True))

    def add_mask(self, header: str, mask: pd.Series | np.ndarray, messages: pd.Series | str) -> None:
        mask = np.asarray(mask, dtype=bool)
        msg = messages if isinstance(messages, pd.Series) else pd.Series(messages, index=range(len(mask)))
        errors = pd.Series(None, index=range(len(mask)), dtype=object)
        errors[mask] = msg[mask]
        self.add(header, errors)


def validate(table: RawTable, kind: str, *, datum: str = "wgs84",
             communities: pd.DataFrame | None = None) -> Validated:
    """Clean and check every cell of ``table`` as an import of ``kind``; raise ImportRefused with
    every problem. ``communities`` (code, name) are the ones references may point to."""
    spec = SPECS[kind]
    positions, header_problems = map_headers(table.file, table.headers, spec)
    out = _Collector(table)
    out.problems.extend(header_problems)
    if table.cells.empty:
        out.problems.append(Problem(table.file, 0, "", "只有表头，没有数据行"))
    frame = pd.DataFrame(index=range(len(table.cells)))
    headers: dict[str, str] = {}
    for col in spec:
        if col.name not in positions:
            continue
        pos = positions[col.name]
        header = table.headers[pos] or col.zh
        headers[col.name] = header
        raw = table.cells[pos].astype(str)
        if col.name in FREE_TEXT and table.written is not None:
            raw = table.written[pos].astype(str)
        _clean_column(col, raw, frame, header, out)
    _check_keys(frame, KEY[kind], headers, out)
    for lon, lat in COORDS[kind]:
        _check_coordinates(frame, lon, lat, headers, datum, out)
    for name in ("community_code",):
        if name in frame:
            _resolve_communities(frame, name, headers[name], communities, out)
    if kind == "incidents" and {"reported_at", "resolved_at"} <= set(frame):
        early = (frame["resolved_at"] < frame["reported_at"]).fillna(False)
        out.add_mask(headers["resolved_at"], early, "办结时间早于上报时间")
    if out.problems:
        raise ImportRefused(out.problems)
    frame["_row"] = table.rows
    return Validated(kind, table.file, frame, [c.name for c in spec if c.name in positions])


def _clean_column(col: Column, raw: pd.Series, frame: pd.DataFrame, header: str, out: _Collector) -> None:
    if col.kind == "staff_kind":
        values, vtype, errors = cl.staff_kinds(raw)
        frame["volunteer_type"] = vtype
    else:
        values, errors = CLEANERS[col.kind](raw)
    if col.required:
        errors = errors.where(raw != "", "缺少必填值")
    out.add(header, errors)
    out.bad[col.name] = errors.notna()
    frame[col.name] = values


def _check_keys(frame: pd.DataFrame, key: str, headers: dict[str, str], out: _Collector) -> None:
    if key not in frame:
        return
    codes = frame[key]
    dup = codes.notna() & codes.duplicated(keep="first")
    if dup.any():
        first_pos = codes[codes.notna()].drop_duplicates(keep="first")
        first_row = pd.Series(out.table.rows[first_pos.index.to_numpy()], index=first_pos.to_numpy())
        msg = "“" + codes.astype(str) + "” 在本文件中重复（第 " + codes.map(first_row).astype("Int64").astype(str) + " 行已有）"
        out.add_mask(headers[key], dup, msg)


def _check_coordinates(frame: pd.DataFrame, lon: str, lat: str, headers: dict[str, str], datum: str,
                       out: _Collector) -> None:
    if lon not in frame and lat not in frame:
        return
    if lon not in frame or lat not in frame:
        present = lon if lon in frame else lat
        out.add_mask(headers[present], frame[present].notna(), "经度和纬度须同时提供")
        return
    x, y = frame[lon], frame[lat]
    reported = out.bad[lon] | out.bad[lat]
    out.add_mask(headers[lat], x.notna() & y.isna() & ~reported, "填了经度却缺少纬度")
    out.add_mask(headers[lon], x.isna() & y.notna() & ~reported, "填了纬度却缺少经度")
    both = (x.notna() & y.notna()).to_numpy()
    xs = x.astype(float).fillna(0.0).to_numpy(dtype=float, copy=True)
    ys = y.astype(float).fillna(0.0).to_numpy(dtype=float, copy=True)
    convert = DATUM_TO_WGS84[datum]
    if convert is not None and both.any():
        cx, cy = convert(xs[both], ys[both])
        xs[both], ys[both] = cx, cy
    inside = cl.in_china(xs, ys)
    swapped = cl.in_china(ys, xs)
    bad = both & ~inside
    shown = "(" + x.astype(str) + ", " + y.astype(str) + ")"
    msg = pd.Series(np.where(swapped, "经纬度可能填反了：", ""), index=frame.index) + shown + " 不在中国境内"
    out.add_mask(headers[lon], bad, msg)
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
    out.add_mask(header, amb, "社区名称“" + ref.astype(str) + "”有重名，请填写社区编码")
    missing = given & resolved.isna() & ~amb
    out.add_mask(header, missing, "社区“" + ref.astype(str) + "”不存在（请先导入社区）")
    frame[name] = resolved.astype(object)
