"""The exchange formats of the people a community looks after and the units that help it: paired units
(包保单位) and their pairings (包保), home-isolated households (居家隔离), vulnerable residents (重点关爱)
and screening campaigns (地毯式排查); and the checks their writers share.

A check a cell needs the database for (a grid in its community, a unit by code or name) or that the
generic cleaners cannot do without echoing personal data (a bad phone of a resident) is made by the
writer; ``Located`` collects those problems, placed as the user sees them, so a file is still refused
whole with every problem listed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from core.services.importer import cleaning
from core.services.importer.columns import Column, Format
from core.services.importer.problems import ImportRefused, Problem
from core.services.importer.validate import Validated
from core.services.importer.vocabulary import (
    CARE_STATUS_ALIASES,
    CARE_STATUS_WORDS,
    HOUSEHOLD_STATUS_ALIASES,
    HOUSEHOLD_STATUS_WORDS,
)

_COMMUNITY_ALIASES = ("所在社区", "社区", "社区编码", "社区名称", "communitycode")
_GRID_ALIASES = ("网格", "网格编码", "所在网格", "gridcode")
_PHONE_ALIASES = ("电话", "手机", "手机号", "手机号码", "联系方式")

UNITS = (
    Column("code", "单位编码", "text", True, ("单位代码", "单位编号", "编码", "unitcode")),
    Column("name", "单位名称", "text", True, ("单位", "名称", "包保单位", "派出单位")),
)

PAIRINGS = (
    Column("unit", "包保单位", "text", True, ("单位", "单位编码", "单位名称", "派出单位")),
    Column("community_code", "包保社区", "community_ref", True, _COMMUNITY_ALIASES),
    Column("cadres_pledged", "承诺下沉人数", "int", aliases=("下沉人数", "承诺人数", "下沉干部数")),
    Column("since", "起始日期", "date", aliases=("开始日期", "包保日期", "起始时间")),
)

HOUSEHOLDS = (
    Column("code", "户编码", "text", True, ("户号", "户编号", "编码", "code")),
    Column("community_code", "所属社区", "community_ref", True, _COMMUNITY_ALIASES),
    Column("grid", "所属网格", "text", aliases=_GRID_ALIASES),
    Column("address", "楼栋房号", "text", True, ("住址", "地址", "房号", "门牌号")),
    Column("head_name", "户主", "text", aliases=("户主姓名", "姓名")),
    Column("phone", "联系电话", "text", aliases=_PHONE_ALIASES),  # checked by the writer (never echoed)
    Column("members", "人数", "int", aliases=("隔离人数", "户内人数", "人口")),
    Column("start_date", "开始日期", "date", aliases=("隔离开始日期", "开始时间", "起始日期")),
    Column("planned_end", "计划解除日期", "date", aliases=("解除日期", "预计解除日期", "结束日期")),
    Column("status", "状态", "text", aliases=("隔离状态",)),
)

VULNERABLE = (
    Column("code", "编码", "text", True, ("编号", "人员编号", "code")),
    Column("community_code", "所属社区", "community_ref", True, _COMMUNITY_ALIASES),
    Column("grid", "所属网格", "text", aliases=_GRID_ALIASES),
    Column("category", "类别", "vulnerable_category", True, ("人员类别", "类型", "关爱类别")),
    Column("name", "姓名", "text", True, ("名字",)),
    Column("phone", "联系电话", "text", aliases=_PHONE_ALIASES),  # checked by the writer (never echoed)
    Column("address", "住址", "text", aliases=("地址", "家庭住址", "楼栋房号")),
    Column("note", "备注", "text", aliases=("说明", "情况说明")),
    Column("status", "状态", "text", aliases=("在册状态",)),
)

CAMPAIGNS = (
    Column("code", "排查编号", "text", True, ("编号", "编码", "code")),
    Column("name", "名称", "text", True, ("排查名称", "任务名称")),
    Column("scope", "范围", "text", True, ("排查范围", "街道社区")),
    Column("start", "开始时间", "datetime", aliases=("开始", "起始时间")),
    Column("days", "天数", "int", aliases=("期限天数", "持续天数", "期限")),
    Column("households", "排查户数", "int", aliases=("目标户数", "户数")),
)

PEOPLE_FORMATS: dict[str, Format] = {
    "units": Format("units", UNITS, "code", (), frozenset({"name"})),
    # the key is the (unit, community) pair: no single column, the writer checks its duplicates
    "pairings": Format("pairings", PAIRINGS, "pair", (), frozenset({"unit"})),
    "households": Format("households", HOUSEHOLDS, "code", (), frozenset({"address", "head_name"})),
    "vulnerable": Format("vulnerable", VULNERABLE, "code", (), frozenset({"name", "address", "note"})),
    "campaigns": Format("campaigns", CAMPAIGNS, "code", (), frozenset({"name"})),
}

#: inclusive bounds
MEMBERS_RANGE = (1, 20)
DAYS_RANGE = (1, 60)
#: a new campaign without 天数 runs three days (Wuhan screened the whole city in three); a new
#: household without 计划解除日期 ends its isolation fourteen days after it started
DEFAULT_DAYS = 3
DEFAULT_ISOLATION_DAYS = 14

HOUSEHOLD_STATUS = cleaning.vocabulary(HOUSEHOLD_STATUS_WORDS, HOUSEHOLD_STATUS_ALIASES)
CARE_STATUS = cleaning.vocabulary(CARE_STATUS_WORDS, CARE_STATUS_ALIASES)
_SPLIT = re.compile(r"[、,;\s]+")


def split_scope(text: str) -> list[str]:
    """"大智街道、江汉社区" → ["大智街道", "江汉社区"] (any of 、 , ; and spaces separate; NFKC has made
    full-width ，；half-width already)."""
    return [t for t in _SPLIT.split(text) if t]


class Located:
    """Problems a writer finds, each at its file, row and column (the template header when the file's
    own header is not known)."""

    def __init__(self, v: Validated, columns: tuple[Column, ...]) -> None:
        self.v = v
        written: Mapping[str, str] = getattr(v, "headers", None) or {}
        self.headers = {c.name: written.get(c.name, c.zh) for c in columns}
        self.rows = v.frame["_row"].to_numpy()
        self.problems: list[Problem] = []

    def add(self, mask: pd.Series | np.ndarray, column: str, key: str, **params: Any) -> None:
        """``key`` at every row of ``mask`` (aligned with ``v.frame``); a Series parameter is per row."""
        bad = np.asarray(mask, dtype=bool)
        if not bad.any():
            return
        msgs = cleaning.messages(pd.RangeIndex(len(bad)), bad, key, **{
            k: (pd.Series(p.to_numpy(), dtype=object) if isinstance(p, pd.Series) else p) for k, p in params.items()})
        header = self.headers.get(column, column)
        self.problems.extend(Problem(self.v.file, int(r), header, k, p)
                             for r, (k, p) in zip(self.rows[bad], msgs[bad], strict=True))

    def done(self) -> None:
        if self.problems:
            raise ImportRefused(self.problems)


def words_column(located: Located, column: str, table: Mapping[str, str], key: str,
                 shown: list[str]) -> pd.Series | None:
    """The codes of a words column cleaned by the writer (None when the file has no such column)."""
    frame = located.v.frame
    if column not in frame:
        return None
    raw = frame[column].fillna("").astype(str)
    values, errors = cleaning.words(raw, table, key, shown)
    located.add(errors.notna().to_numpy(), column, key, value=raw, choices=shown)
    return values.where(raw != "")


def private_phones(located: Located) -> pd.Series | None:
    """Residents' phones, cleaned as staff phones are; a bad one is reported without its digits."""
    frame = located.v.frame
    if "phone" not in frame:
        return None
    raw = frame["phone"].fillna("").astype(str)
    values, errors = cleaning.phones(raw)
    located.add(errors.notna().to_numpy(), "phone", "importer.people_phone_invalid")
    return values


def resolve_grids(located: Located, grid: pd.Series, community: pd.Series, grids: pd.DataFrame) -> pd.Series:
    """Grid ids of the given grid codes (NA where none is given); a grid that is unknown or lies in
    another community than the row's (``community``: its community code) is reported."""
    given = grid.notna().to_numpy()
    by_code = grids.set_index("code")
    known = grid.isin(by_code.index).to_numpy()
    located.add(given & ~known, "grid", "importer.people_grid_unknown", value=grid.astype(str))
    home = grid.map(by_code["community_code"]) if len(grids) else pd.Series(None, index=grid.index, dtype=object)
    elsewhere = given & known & (home.astype(str).to_numpy() != community.astype(str).to_numpy())
    located.add(elsewhere, "grid", "importer.people_grid_elsewhere", value=grid.astype(str),
                community=community.astype(str))
    ids = grid.map(by_code["id"]) if len(grids) else pd.Series(pd.NA, index=grid.index, dtype=object)
    return ids.astype("Int64")


def first_rows(keys: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, pd.Series]:
    """(duplicate mask, the row number where each key first appears) for a key column."""
    dup = (keys.notna() & keys.duplicated(keep="first")).to_numpy()
    first = pd.Series(rows, index=keys.index).groupby(keys.to_numpy()).transform("min")
    return dup, first.astype(str)
