"""Vectorised cell cleaners: text in, typed values out, plus a Chinese message for each bad cell.

Every cleaner takes a Series of stripped, NFKC-normalised strings ("" = blank) and returns
``(values, errors)``: ``values`` holds the typed value (NA where blank or bad) and ``errors``
holds a message where the cell has text that could not be read (None elsewhere).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from core.model.vocab import (
    INCIDENT_STATUS_ALIASES,
    INCIDENT_STATUS_ZH,
    INCIDENT_TYPE_ALIASES,
    INCIDENT_TYPE_ZH,
    RISK_LEVEL_ALIASES,
    RISK_LEVEL_ZH,
    SEVERITY_ALIASES,
    SEVERITY_ZH,
    SKILLS_ZH,
    STAFF_KIND_ALIASES,
    STAFF_KIND_ZH,
    VOLUNTEER_TYPE_ZH,
    StaffKind,
)

Cleaned = tuple[pd.Series, pd.Series]

TRUE_WORDS = ("是", "yes", "y", "1", "true", "t", "√", "✓", "✔", "对", "有", "可", "在岗", "可调配")
FALSE_WORDS = ("否", "no", "n", "0", "false", "f", "×", "✗", "✘", "x", "不", "无", "不可", "离岗", "不在岗",
               "不可调配")
_UNITS = "人户个起处名位"


def _quoted(raw: pd.Series) -> pd.Series:
    return "“" + raw + "”"


def _errors(raw: pd.Series, bad: pd.Series, text: str) -> pd.Series:
    out = pd.Series(None, index=raw.index, dtype=object)
    out[bad] = _quoted(raw[bad]) + " " + text
    return out


def _number_text(raw: pd.Series) -> pd.Series:
    # thousands separators (1,234 / 1 234) and a trailing unit ("3 人", "120户") are tolerated
    s = raw.str.replace(r"(?<=\d)[,\s'](?=\d{3}\b)", "", regex=True)
    return s.str.replace(f"\\s*[{_UNITS}]$", "", regex=True).str.strip()


def integers(raw: pd.Series, *, minimum: int | None = 0) -> Cleaned:
    """Whole numbers; "1,234", "１２３", "12.0" and "3 人" are accepted."""
    num = pd.to_numeric(_number_text(raw), errors="coerce")
    blank = raw == ""
    not_int = ~blank & (num.isna() | (num.notna() & (num != np.floor(num.fillna(0)))))
    errors = _errors(raw, not_int, "不是整数")
    if minimum is not None:
        low = ~blank & ~not_int & (num < minimum)
        errors = errors.where(~low, _quoted(raw) + " 不能小于 " + str(minimum))
    values = num.where(~blank & errors.isna()).astype("Int64")
    return values, errors


def floats(raw: pd.Series) -> Cleaned:
    num = pd.to_numeric(raw.str.replace("°", "", regex=False).str.replace(",", "", regex=False), errors="coerce")
    bad = (raw != "") & num.isna()
    return num.where(~bad).astype("Float64"), _errors(raw, bad, "不是数字")


def booleans(raw: pd.Series) -> Cleaned:
    words = {**{w: True for w in TRUE_WORDS}, **{w: False for w in FALSE_WORDS}}
    values = raw.str.lower().map(words)
    bad = (raw != "") & values.isna()
    return values.astype("boolean"), _errors(raw, bad, "不是“是/否”（可填 是、否、yes、no、1、0、√、×）")


def texts(raw: pd.Series) -> Cleaned:
    return raw.where(raw != "").astype(object), pd.Series(None, index=raw.index, dtype=object)


def vocabulary(codes: Iterable[Any], zh: Mapping[Any, str], aliases: Mapping[str, Any]) -> dict[str, str]:
    """Accepted word (lower case) → code: every code, its Chinese word and the aliases."""
    table = {str(c).lower(): str(c) for c in codes}
    table.update({w.lower(): str(c) for c, w in zh.items()})
    table.update({w.lower(): str(c) for w, c in aliases.items()})
    return table


def words(raw: pd.Series, table: Mapping[str, str], what: str, shown: Iterable[str]) -> Cleaned:
    values = raw.str.lower().str.replace(r"\s+", "", regex=True).map(table)
    bad = (raw != "") & values.isna()
    return values.astype(object), _errors(raw, bad, f"不是有效的{what}（可填：{'、'.join(shown)}）")


RISK_WORDS = vocabulary(RISK_LEVEL_ZH, RISK_LEVEL_ZH, RISK_LEVEL_ALIASES)
SEVERITY_WORDS = vocabulary(SEVERITY_ZH, SEVERITY_ZH, SEVERITY_ALIASES)
STATUS_WORDS = vocabulary(INCIDENT_STATUS_ZH, INCIDENT_STATUS_ZH, INCIDENT_STATUS_ALIASES)
INCIDENT_TYPE_WORDS = vocabulary(INCIDENT_TYPE_ZH, INCIDENT_TYPE_ZH, INCIDENT_TYPE_ALIASES)
#: staff kind words; a volunteer type word ("巾帼志愿者") means a volunteer of that type
KIND_WORDS = {**vocabulary(STAFF_KIND_ZH, STAFF_KIND_ZH, STAFF_KIND_ALIASES),
              **{w.lower(): f"volunteer:{c}" for c, w in VOLUNTEER_TYPE_ZH.items()},
              **{f"volunteer:{c}": f"volunteer:{c}" for c in VOLUNTEER_TYPE_ZH}}
SKILL_WORDS = vocabulary(SKILLS_ZH, SKILLS_ZH, {})


def risk_levels(raw: pd.Series) -> Cleaned:
    return words(raw, RISK_WORDS, "风险等级", [*RISK_LEVEL_ZH.values(), *RISK_LEVEL_ZH])


def severities(raw: pd.Series) -> Cleaned:
    return words(raw, SEVERITY_WORDS, "严重程度", [*SEVERITY_ZH.values(), *SEVERITY_ZH])


def statuses(raw: pd.Series) -> Cleaned:
    return words(raw, STATUS_WORDS, "状态", [*INCIDENT_STATUS_ZH.values(), *INCIDENT_STATUS_ZH])


def incident_types(raw: pd.Series) -> Cleaned:
    return words(raw, INCIDENT_TYPE_WORDS, "事件类型", [*INCIDENT_TYPE_ZH.values()])


def staff_kinds(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(kind, volunteer_type, errors): "巾帼志愿者" gives ("volunteer", "women")."""
    values, errors = words(raw, KIND_WORDS, "人员类别", [*STAFF_KIND_ZH.values(), *VOLUNTEER_TYPE_ZH.values()])
    is_vt = values.fillna("").str.startswith("volunteer:")
    kind = values.where(~is_vt, StaffKind.VOLUNTEER.value)
    vtype = values.where(is_vt).str.removeprefix("volunteer:").astype(object)
    return kind.astype(object), vtype, errors


_SPLIT = re.compile(r"[,;/\s、]+")


def skills(raw: pd.Series) -> Cleaned:
    """A list of skills ("驾驶、医护", "driving,medical") → "driving,medical" (codes, in the
    order of SKILLS_ZH); unknown words are reported."""
    tokens = raw.str.lower().str.split(_SPLIT).explode()
    tokens = tokens[tokens.notna() & (tokens != "")]
    mapped = tokens.map(SKILL_WORDS)
    unknown = tokens[mapped.isna()]
    order = {c: i for i, c in enumerate(SKILLS_ZH)}
    known = mapped.dropna().to_frame("code").assign(o=lambda f: f["code"].map(order))
    joined = (known.reset_index().drop_duplicates().sort_values(["index", "o"])
              .groupby("index")["code"].agg(",".join))
    values = joined.reindex(raw.index).where(raw != "").astype(object)
    bad_words = unknown.groupby(level=0).agg("、".join)
    errors = pd.Series(None, index=raw.index, dtype=object)
    if len(bad_words):
        errors[bad_words.index] = ("“" + bad_words + "” 不是已知的技能（可填：" + "、".join(SKILLS_ZH.values())
                                   + "）")
        values[bad_words.index] = None
    return values, errors


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$")
_MASKED = re.compile(r"^\d{3}\*{4}\d{4}$")


def phones(raw: pd.Series) -> Cleaned:
    """Mainland mobile (11 digits from 13-19) or landline with area code; +86, spaces, hyphens and
    brackets are dropped. Stored as digits only."""
    digits = raw.str.replace(r"[\s\-()]", "", regex=True).str.replace(r"^(\+?86)(?=1\d{10}$)", "", regex=True)
    ok = digits.str.match(_MOBILE) | digits.str.match(_LANDLINE)
    # a masked number (138****5678, from our own export) means "not given": the stored one is kept
    masked = digits.str.match(_MASKED)
    bad = (raw != "") & ~ok & ~masked
    return digits.where((raw != "") & ok).astype(object), _errors(raw, bad, "不是有效的电话号码（11 位手机号或带区号的固话）")


def mask_phone(phone: object) -> str | None:
    """138****5678: what the audit log and exports keep of a phone number."""
    if phone is None or (isinstance(phone, float) and np.isnan(phone)) or phone is pd.NA:
        return None
    text = str(phone)
    return text[:3] + "****" + text[-4:] if len(text) >= 8 else "****"


def mask_phones(values: pd.Series) -> pd.Series:
    s = values.astype(object)
    text = s.where(s.notna(), "").astype(str)
    masked = (text.str[:3] + "****" + text.str[-4:]).where(text.str.len() >= 8, "****").astype(object)
    masked[s.isna().to_numpy()] = None
    return masked


_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def datetimes(raw: pd.Series) -> Cleaned:
    """Text dates (2026/11/28 8:30, 2026-11-28 08:30:00, 2026年11月28日 8时30分, 2026.11.28) and
    Excel serial numbers (46354.35) → naive timestamps."""
    s = (raw.str.replace("年", "-", regex=False).str.replace("月", "-", regex=False)
         .str.replace(r"[日号]", " ", regex=True).str.replace(r"[时點点]", ":", regex=True)
         .str.replace("分", "", regex=False).str.replace("秒", "", regex=False)
         .str.replace(r"(?<=\d)[/.](?=\d)", "-", regex=True).str.replace("T", " ", regex=False)
         .str.replace(r"\s+", " ", regex=True).str.strip().str.rstrip(":"))
    serial = pd.to_numeric(raw, errors="coerce")
    is_serial = serial.between(20000, 80000)
    parsed = pd.to_datetime(s.where(~is_serial & (raw != "")), format="mixed", errors="coerce")
    from_serial = _EXCEL_EPOCH + pd.to_timedelta(serial.where(is_serial), unit="D")
    values = parsed.where(~is_serial, from_serial.dt.round("s"))
    bad = (raw != "") & values.isna()
    return values, _errors(raw, bad, "不是有效的日期时间（如 2026-11-28 08:30）")


CHINA_LON = (73.4, 135.1)
CHINA_LAT = (3.8, 53.6)


def in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon >= CHINA_LON[0]) & (lon <= CHINA_LON[1]) & (lat >= CHINA_LAT[0]) & (lat <= CHINA_LAT[1])
