"""Vectorised cell cleaners: text in, typed values out, plus a message for each bad cell.

Every cleaner takes a Series of stripped, NFKC-normalised strings ("" = blank) and returns
``(values, errors)``: ``values`` holds the typed value (NA where blank or bad) and ``errors``
holds a message where the cell has text that could not be read (None elsewhere). A message is a
catalogue key with its parameters, ``("importer.not_integer", {"value": "abc"})`` (texts in
core/i18n/importer.py); the words a cell may hold are in ``vocabulary``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from core.services.importer.vocabulary import (
    COMPOUND_KIND_ALIASES,
    COMPOUND_KIND_WORDS,
    FALSE_WORDS,
    INCIDENT_STATUS_ALIASES,
    INCIDENT_STATUS_WORDS,
    INCIDENT_TYPE_ALIASES,
    INCIDENT_TYPE_WORDS,
    RISK_LEVEL_ALIASES,
    RISK_LEVEL_WORDS,
    SEVERITY_ALIASES,
    SEVERITY_WORDS,
    SKILL_WORDS,
    STAFF_KIND_ALIASES,
    STAFF_KIND_WORDS,
    TRUE_WORDS,
    VOLUNTEER_TYPE_WORDS,
    VULNERABLE_CATEGORY_ALIASES,
    VULNERABLE_CATEGORY_WORDS,
)

Cleaned = tuple[pd.Series, pd.Series]
#: a cell's problem: a catalogue key and its parameters
Message = tuple[str, dict[str, Any]]

_UNITS = "人户个起处名位"


def messages(index: pd.Index, bad: pd.Series | np.ndarray, key: str, **columns: Any) -> pd.Series:
    """A message ``(key, params)`` for each ``bad`` cell (None elsewhere). A parameter given as a
    Series takes each bad cell's own value; any other value is the same for every cell."""
    mask = np.asarray(bad, dtype=bool)
    out = pd.Series(None, index=index, dtype=object)
    if not mask.any():
        return out
    per_cell = {k: list(v[mask]) for k, v in columns.items() if isinstance(v, pd.Series)}
    fixed = {k: v for k, v in columns.items() if not isinstance(v, pd.Series)}
    rows = [{**fixed, **{k: values[i] for k, values in per_cell.items()}} for i in range(int(mask.sum()))]
    out[mask] = pd.Series([(key, params) for params in rows], index=index[mask], dtype=object)
    return out


def _errors(raw: pd.Series, bad: pd.Series, key: str, **params: Any) -> pd.Series:
    return messages(raw.index, bad, key, value=raw, **params)


def _number_text(raw: pd.Series) -> pd.Series:
    # thousands separators (1,234 / 1 234) and a trailing unit ("3 人", "120户") are tolerated
    s = raw.str.replace(r"(?<=\d)[,\s'](?=\d{3}\b)", "", regex=True)
    return s.str.replace(f"\\s*[{_UNITS}]$", "", regex=True).str.strip()


#: the largest whole number any integer column of the database holds (PostgreSQL INTEGER)
INT_MAX = 2**31 - 1


def integers(raw: pd.Series, *, minimum: int | None = 0, maximum: int | None = INT_MAX) -> Cleaned:
    """Whole numbers; "1,234", "１２３", "12.0" and "3 人" are accepted. ``inf``, ``nan`` and ``1e309``
    are refused, and so is a number outside ``minimum`` .. ``maximum`` (inclusive)."""
    num = pd.to_numeric(_number_text(raw), errors="coerce")
    blank = raw == ""
    infinite = ~blank & num.notna() & ~np.isfinite(num.fillna(0).astype(float))
    not_int = ~blank & ~infinite & (num.isna() | (num.notna() & (num != np.floor(num.fillna(0)))))
    errors = _errors(raw, not_int, "importer.not_integer")
    errors = errors.where(~infinite, _errors(raw, infinite, "importer.limits.not_finite"))
    ok = ~blank & ~not_int & ~infinite
    if minimum is not None:
        low = (ok & (num < minimum)).fillna(False).astype(bool)
        errors = errors.where(~low, _errors(raw, low, "importer.below_minimum", minimum=minimum))
    if maximum is not None:
        high = (ok & (num > maximum)).fillna(False).astype(bool)
        errors = errors.where(~high, _errors(raw, high, "importer.limits.above_maximum", maximum=maximum))
    values = num.where(~blank & errors.isna()).astype("Int64")
    return values, errors


def floats(raw: pd.Series, *, minimum: float | None = None, maximum: float | None = None) -> Cleaned:
    """Finite numbers ("114.2951", "30.5°", "1,234.5"); ``inf``, ``nan`` and ``1e309`` are refused."""
    num = pd.to_numeric(raw.str.replace("°", "", regex=False).str.replace(",", "", regex=False), errors="coerce")
    given = raw != ""
    infinite = given & num.notna() & ~np.isfinite(num.fillna(0).astype(float))
    bad = given & num.isna()
    errors = _errors(raw, bad, "importer.not_number")
    errors = errors.where(~infinite, _errors(raw, infinite, "importer.limits.not_finite"))
    ok = given & ~bad & ~infinite
    if minimum is not None:
        low = (ok & (num < minimum)).fillna(False).astype(bool)
        errors = errors.where(~low, _errors(raw, low, "importer.below_minimum", minimum=minimum))
    if maximum is not None:
        high = (ok & (num > maximum)).fillna(False).astype(bool)
        errors = errors.where(~high, _errors(raw, high, "importer.limits.above_maximum", maximum=maximum))
    return num.where(given & errors.isna()).astype("Float64"), errors


def booleans(raw: pd.Series) -> Cleaned:
    words = {**{w: True for w in TRUE_WORDS}, **{w: False for w in FALSE_WORDS}}
    values = raw.str.lower().map(words)
    bad = (raw != "") & values.isna()
    return values.astype("boolean"), _errors(raw, bad, "importer.not_yes_no")


def texts(raw: pd.Series) -> Cleaned:
    return raw.where(raw != "").astype(object), pd.Series(None, index=raw.index, dtype=object)


#: control characters no cell may hold: C0 (NUL ...), DEL and C1; free text may hold tab and line breaks
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_FREE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def limit_errors(raw: pd.Series, *, max_len: int, free_text: bool = False) -> pd.Series:
    """The cells no database column could hold as they are, whatever the column's kind: a control
    character (named by its code point and place, never echoed) or more than ``max_len`` characters
    (the value is not echoed either: it may be a whole pasted page)."""
    pattern = _CONTROL_IN_FREE_TEXT if free_text else _CONTROL
    control = raw.str.contains(pattern, regex=True).fillna(False).astype(bool)
    found = [pattern.search(v) for v in raw[control]]
    where = pd.Series(0, index=raw.index, dtype=object)
    char = pd.Series("", index=raw.index, dtype=object)
    if found:
        where[control.to_numpy()] = [m.start() + 1 if m else 0 for m in found]
        char[control.to_numpy()] = [f"U+{ord(m.group()):04X}" if m else "" for m in found]
    errors = messages(raw.index, control, "importer.limits.control_character", char=char, position=where)
    length = raw.str.len()
    long = ~control & (length > max_len)
    return errors.where(~long, messages(raw.index, long, "importer.limits.too_long", length=length,
                                        max_len=max_len))


def vocabulary(words_of: Mapping[str, str], aliases: Mapping[str, str]) -> dict[str, str]:
    """Accepted word (lower case) → code: every code, its word and the aliases."""
    table = {c.lower(): c for c in words_of}
    table.update({w.lower(): c for c, w in words_of.items()})
    table.update({w.lower(): c for w, c in aliases.items()})
    return table


def words(raw: pd.Series, table: Mapping[str, str], key: str, shown: Iterable[str]) -> Cleaned:
    """Codes for the words of ``table``; a word it does not know gets ``key`` with the words shown."""
    values = raw.str.lower().str.replace(r"\s+", "", regex=True).map(table)
    bad = (raw != "") & values.isna()
    return values.astype(object), _errors(raw, bad, key, choices=list(shown))


RISK_WORDS = vocabulary(RISK_LEVEL_WORDS, RISK_LEVEL_ALIASES)
SEVERITY_TABLE = vocabulary(SEVERITY_WORDS, SEVERITY_ALIASES)
STATUS_WORDS = vocabulary(INCIDENT_STATUS_WORDS, INCIDENT_STATUS_ALIASES)
INCIDENT_TYPE_TABLE = vocabulary(INCIDENT_TYPE_WORDS, INCIDENT_TYPE_ALIASES)
#: staff kind words; a volunteer type word ("巾帼志愿者") means a volunteer of that type
KIND_WORDS = {**vocabulary(STAFF_KIND_WORDS, STAFF_KIND_ALIASES),
              **{w.lower(): f"volunteer:{c}" for c, w in VOLUNTEER_TYPE_WORDS.items()},
              **{f"volunteer:{c}": f"volunteer:{c}" for c in VOLUNTEER_TYPE_WORDS}}
SKILL_TABLE = vocabulary(SKILL_WORDS, {})


def risk_levels(raw: pd.Series) -> Cleaned:
    return words(raw, RISK_WORDS, "importer.bad_risk_level", [*RISK_LEVEL_WORDS.values(), *RISK_LEVEL_WORDS])


def severities(raw: pd.Series) -> Cleaned:
    return words(raw, SEVERITY_TABLE, "importer.bad_severity", [*SEVERITY_WORDS.values(), *SEVERITY_WORDS])


def statuses(raw: pd.Series) -> Cleaned:
    return words(raw, STATUS_WORDS, "importer.bad_status", [*INCIDENT_STATUS_WORDS.values(), *INCIDENT_STATUS_WORDS])


def incident_types(raw: pd.Series) -> Cleaned:
    return words(raw, INCIDENT_TYPE_TABLE, "importer.bad_incident_type", [*INCIDENT_TYPE_WORDS.values()])


def staff_kinds(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(kind, volunteer_type, errors): "巾帼志愿者" gives ("volunteer", "women")."""
    values, errors = words(raw, KIND_WORDS, "importer.bad_staff_kind",
                           [*STAFF_KIND_WORDS.values(), *VOLUNTEER_TYPE_WORDS.values()])
    is_vt = values.fillna("").str.startswith("volunteer:")
    kind = values.where(~is_vt, "volunteer")
    vtype = values.where(is_vt).str.removeprefix("volunteer:").astype(object)
    return kind.astype(object), vtype, errors


_SPLIT = re.compile(r"[,;/\s、]+")


def skills(raw: pd.Series) -> Cleaned:
    """A list of skills ("驾驶、医护", "driving,medical") → "driving,medical" (codes, in the
    order of the skill vocabulary); unknown words are reported."""
    tokens = raw.str.lower().str.split(_SPLIT).explode()
    tokens = tokens[tokens.notna() & (tokens != "")]
    mapped = tokens.map(SKILL_TABLE)
    unknown = tokens[mapped.isna()]
    order = {c: i for i, c in enumerate(SKILL_WORDS)}
    known = mapped.dropna().to_frame("code").assign(o=lambda f: f["code"].map(order))
    joined = (known.reset_index().drop_duplicates().sort_values(["index", "o"])
              .groupby("index")["code"].agg(",".join))
    values = joined.reindex(raw.index).where(raw != "").astype(object)
    bad_words = unknown.groupby(level=0).agg(list)
    bad = pd.Series(raw.index.isin(bad_words.index), index=raw.index)
    errors = messages(raw.index, bad, "importer.bad_skills", words=bad_words.reindex(raw.index),
                      choices=list(SKILL_WORDS.values()))
    if len(bad_words):
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
    return digits.where((raw != "") & ok).astype(object), _errors(raw, bad, "importer.not_phone")


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
    return values, _errors(raw, bad, "importer.not_datetime")


def dates(raw: pd.Series) -> Cleaned:
    """Calendar days, written as the dates of ``datetimes`` are (a time of day, if any, is dropped)."""
    values, errors = datetimes(raw)
    days = pd.Series([v.date() if pd.notna(v) else None for v in values], index=raw.index, dtype=object)
    return days, errors


CHINA_LON = (73.4, 135.1)
CHINA_LAT = (3.8, 53.6)


def in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon >= CHINA_LON[0]) & (lon <= CHINA_LON[1]) & (lat >= CHINA_LAT[0]) & (lat <= CHINA_LAT[1])


COMPOUND_KIND_TABLE = vocabulary(COMPOUND_KIND_WORDS, COMPOUND_KIND_ALIASES)


def compound_kinds(raw: pd.Series) -> Cleaned:
    """小区类型: 现代 / 老旧 / 开放式 (and 商品房, 老旧小区, 无物业 ...) → modern / old / open."""
    return words(raw, COMPOUND_KIND_TABLE, "importer.bad_compound_kind", [*COMPOUND_KIND_WORDS.values()])


VULNERABLE_CATEGORY_TABLE = vocabulary(VULNERABLE_CATEGORY_WORDS, VULNERABLE_CATEGORY_ALIASES)


def vulnerable_categories(raw: pd.Series) -> Cleaned:
    """重点关爱类别: 独居老人 / 空巢老人, 残疾人, 重病 / 慢病, 孕产妇, 困境儿童, 其他 → elderly_alone ... other."""
    return words(raw, VULNERABLE_CATEGORY_TABLE, "importer.bad_vulnerable_category",
                 [*VULNERABLE_CATEGORY_WORDS.values()])
