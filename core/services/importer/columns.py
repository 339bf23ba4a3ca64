"""The columns of each exchange format (DESIGN.md) and the header variants accepted for them.

A header matches when, after NFKC (full-width → half-width), lower-casing, dropping spaces,
underscores, hyphens, a leading "*" (required marker) and a trailing bracketed note such as
"常住人口（人）" or "经度(WGS84)", it equals the canonical name, the Chinese header or an alias.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from core.services.importer.problems import Problem

Kind = Literal["text", "int", "float", "bool", "datetime", "date", "risk", "staff_kind", "skills", "phone",
               "incident_type", "severity", "status", "community_ref", "compound_kind", "vulnerable_category",
               "off_duty_reason"]


@dataclass(frozen=True, slots=True)
class Column:
    name: str  # canonical English name
    zh: str  # the Chinese header of the template
    kind: Kind
    required: bool = False  # the column must be present and every cell filled
    aliases: tuple[str, ...] = field(default=())
    #: limits (None = the defaults of ``limits_of``): the longest text accepted, in characters (the
    #: database column's length), and the inclusive range of a number
    max_len: int | None = None
    minimum: int | None = None
    maximum: int | None = None


COMMUNITIES = (
    Column("code", "社区编码", "text", True, ("社区代码", "社区编号", "编码", "communitycode")),
    Column("name", "社区名称", "text", True, ("社区", "社区名", "名称")),
    Column("street", "街道", "text", True, ("所属街道", "街道名称", "街道办", "街道(乡镇)")),
    Column("street_code", "街道编码", "text", aliases=("街道代码", "所属街道编码", "乡镇街道代码", "街道(乡镇)编码")),
    Column("population", "常住人口", "int", aliases=("人口", "常住人口数", "居民人数")),
    Column("households", "户数", "int", aliases=("总户数", "住户数")),
    Column("lon", "经度", "float", aliases=("longitude", "lng", "x")),
    Column("lat", "纬度", "float", aliases=("latitude", "y")),
    Column("risk_level", "风险等级", "risk", aliases=("风险", "风险级别", "risk")),
    Column("checkpoints", "卡点数", "int", aliases=("卡点", "值守点数", "卡点数量")),
    Column("isolated_households", "居家隔离户数", "int", aliases=("居家隔离", "隔离户数")),
    Column("vulnerable_residents", "重点关爱人数", "int", aliases=("重点关爱", "关爱人数", "特殊人群人数")),
)

STAFF = (
    Column("id", "编号", "text", True, ("人员编号", "工号", "code", "staffid")),
    Column("name", "姓名", "text", True, ("名字",)),
    Column("kind", "类别", "staff_kind", True, ("人员类别", "类型", "身份", "type")),
    Column("unit", "派出单位", "text", aliases=("单位", "包保单位", "工作单位", "所在单位")),
    Column("community_code", "所在社区", "community_ref", aliases=("社区编码", "社区", "所在社区编码", "下沉社区")),
    Column("phone", "联系电话", "phone", aliases=("电话", "手机", "手机号", "手机号码", "联系方式")),
    Column("home_lon", "居住地经度", "float", aliases=("住址经度", "家庭住址经度")),
    Column("home_lat", "居住地纬度", "float", aliases=("住址纬度", "家庭住址纬度")),
    Column("movable", "可调配", "bool", aliases=("是否可调配", "可调动", "是否可调动")),
    Column("on_duty", "在岗", "bool", aliases=("是否在岗", "在岗状态")),
    Column("skills", "技能", "skills", aliases=("特长", "专长", "技能特长")),
)

INCIDENTS = (
    Column("id", "事件编号", "text", True, ("编号", "code", "incidentid")),
    Column("community_code", "社区编码", "community_ref", True, ("所在社区", "社区", "发生社区")),
    Column("type", "事件类型", "incident_type", True, ("类型", "类别")),
    Column("severity", "严重程度", "severity", True, ("等级", "级别", "紧急程度")),
    Column("status", "状态", "status", True, ("事件状态", "处置状态", "办理状态")),
    Column("reported_at", "上报时间", "datetime", True, ("发生时间", "报告时间", "reported")),
    Column("resolved_at", "办结时间", "datetime", aliases=("处置时间", "完成时间", "resolved")),
    Column("lon", "经度", "float", aliases=("longitude", "lng")),
    Column("lat", "纬度", "float", aliases=("latitude",)),
    Column("description", "描述", "text", aliases=("事件描述", "情况描述", "内容", "备注")),
)



@dataclass(frozen=True, slots=True)
class Format:
    """One exchange format: its columns, the column rows are upserted by (``key``, unique in a file)
    and the coordinate pairs it carries (checked, converted to WGS-84). Every ``community_ref`` column
    is resolved to a community code (a community may be written by code or by its unique name)."""

    kind: str
    columns: tuple[Column, ...]
    key: str
    coords: tuple[tuple[str, str], ...] = ()
    #: free text that keeps its full-width punctuation as written (codes and words are normalised)
    free_text: frozenset[str] = frozenset()


BASE_FORMATS: dict[str, Format] = {
    "communities": Format("communities", COMMUNITIES, "code", (("lon", "lat"),), frozenset({"name", "street"})),
    "staff": Format("staff", STAFF, "id", (("home_lon", "home_lat"),), frozenset({"name", "unit"})),
    "incidents": Format("incidents", INCIDENTS, "id", (("lon", "lat"),), frozenset({"description"})),
}
SPECS: dict[str, tuple[Column, ...]] = {k: f.columns for k, f in BASE_FORMATS.items()}

# --- limits: what the database can hold, checked before it is asked (the same on every backend) -------

#: a community, grid, unit ... written by code or by name: the longest name (String(100))
_REF = 100
#: the longest text of each text column, per format: the length of the database column it is stored
#: in (core/storage/rows/*.py); a column not listed holds free text (Text) or words a writer maps
TEXT_LIMITS: dict[str, dict[str, int]] = {
    "communities": {"code": 32, "name": 100, "street": 100, "street_code": 32},
    "staff": {"id": 40, "name": 60, "unit": 100, "community_code": _REF},
    "incidents": {"id": 40, "community_code": _REF},
    "grids": {"code": 40, "name": 100, "community": _REF, "grid_member": 40},
    "compounds": {"code": 40, "name": 100, "community": _REF, "grid": 40},
    "checkpoints": {"code": 48, "name": 100, "compound": 40, "community": _REF, "grid": 40},
    "units": {"code": 32, "name": 100},
    "pairings": {"unit": 100, "community_code": _REF},
    "households": {"code": 40, "community_code": _REF, "grid": 40, "address": 200, "head_name": 60,
                   "phone": 40, "status": 40},
    "vulnerable": {"code": 40, "community_code": _REF, "grid": 40, "name": 60, "phone": 40, "address": 200,
                   "status": 40},
    "campaigns": {"code": 40, "name": 100},
}
#: free text (descriptions, notes, a campaign's scope)
FREE_TEXT_MAX = 2000
#: any other cell (a number, a date, a phone, a word): longer than this it is no value at all
VALUE_MAX = 200
#: the inclusive range of a whole number, by column name (any format)
INT_RANGES: dict[str, tuple[int, int]] = {"population": (0, 10**8)}
#: counts of households, buildings, people, days ...
COUNT_RANGE = (0, 10**7)
_TEXT_KINDS = frozenset({"text", "community_ref"})


@dataclass(frozen=True, slots=True)
class Limits:
    max_len: int
    minimum: int | None = None
    maximum: int | None = None


def limits_of(kind: str, col: Column) -> Limits:
    """The limits of ``col`` in the format ``kind``: the column's own, else the format's table, else the
    defaults of its kind (text 2000 characters, other cells 200; whole numbers 0 to 10**7, a
    population to 10**8)."""
    if col.kind in _TEXT_KINDS:
        default_len = TEXT_LIMITS.get(kind, {}).get(col.name, FREE_TEXT_MAX)
    else:
        default_len = VALUE_MAX
    low, high = INT_RANGES.get(col.name, COUNT_RANGE) if col.kind == "int" else (None, None)
    return Limits(col.max_len or default_len,
                  col.minimum if col.minimum is not None else low,
                  col.maximum if col.maximum is not None else high)

_NOTE = re.compile(r"\([^()]*\)$")


def normalise_header(header: str) -> str:
    text = unicodedata.normalize("NFKC", header).strip().lower()
    text = text.lstrip("*").strip()
    text = _NOTE.sub("", text) or text
    return re.sub(r"[\s_\-]+", "", text)


def lookup(spec: tuple[Column, ...]) -> dict[str, str]:
    """Normalised header → canonical name, for every accepted variant."""
    out: dict[str, str] = {}
    for col in spec:
        for variant in (col.name, col.zh, *col.aliases):
            out.setdefault(normalise_header(variant), col.name)
    return out


def map_headers(file: str, headers: list[str], spec: tuple[Column, ...]) -> tuple[dict[str, int], list[Problem]]:
    """Canonical name → position in the file; problems for missing required and doubled columns.

    Columns the format does not know are ignored (clerks' sheets carry notes and extra fields).
    """
    table = lookup(spec)
    found: dict[str, int] = {}
    problems: list[Problem] = []
    for i, header in enumerate(headers):
        name = table.get(normalise_header(header))
        if name is None:
            continue
        if name in found:
            problems.append(Problem(file, 1, header, "importer.column_twice", {"other": headers[found[name]]}))
            continue
        found[name] = i
    for col in spec:
        if col.required and col.name not in found:
            problems.append(Problem(file, 1, col.zh, "importer.column_missing", {"header": col.zh, "name": col.name}))
    return found, problems
