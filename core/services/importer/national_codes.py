"""统计用区划代码: a 12-digit community code is province(2) city(2) county(2) street(3) community(3),
so it implies its street's code (the first 9 digits) and its county's or district's (the first 6).

``street_codes`` fills a community's street code from its own code when the file gives none, and
locates every contradiction: a street code column or a 9-digit code in the street column that is
not the community code's prefix, one street name under two codes (or one code under two names) in
the file, a street the database already knows by another name or code, a community from another
district. The district's name for a 6-digit code comes from the shipped county outlines
(data/geo/hubei_counties_wgs84.geojson, 103 county-level units of Hubei) unless the user names it.
"""

from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd

from core.config import DATA_DIR
from core.services.importer.problems import Problem
from core.services.importer.validate import Validated

COUNTY_OUTLINES = DATA_DIR / "geo" / "hubei_counties_wgs84.geojson"
COMMUNITY_DIGITS, STREET_DIGITS, DISTRICT_DIGITS = 12, 9, 6


@lru_cache(maxsize=1)
def county_names() -> dict[str, str]:
    """6-digit code → county or district name (江岸区), from the shipped outlines."""
    fc = json.loads(COUNTY_OUTLINES.read_text(encoding="utf-8"))
    return {str(f["properties"]["adcode"]): str(f["properties"]["district"]) for f in fc["features"]}


def _digits(s: pd.Series, n: int) -> pd.Series:
    return s.fillna("").astype(str).str.fullmatch(rf"\d{{{n}}}")


def street_codes(v: Validated, streets: pd.DataFrame,
                 district_code: str | None) -> tuple[pd.Series, pd.Series, list[Problem]]:
    """The street code and name of each row (code None: not known from the file: the street is
    matched by name and a new one numbered after the district's) and every contradiction, located. ``streets`` are the
    stored (code, name); ``district_code`` the stored or requested district's code (None: not yet)."""
    f = v.frame
    rows = f["_row"] if "_row" in f else pd.Series(range(2, len(f) + 2))
    head = v.headers
    problems: list[Problem] = []

    def add(column: str, mask: pd.Series, key: str, **params: pd.Series | str) -> None:
        for i in mask[mask.fillna(False).astype(bool)].index:
            values = {k: (str(p[i]) if isinstance(p, pd.Series) else p) for k, p in params.items()}
            problems.append(Problem(v.file, int(rows[i]), head.get(column, column), key, values))

    code = f["code"].astype(str)
    national = _digits(code, COMMUNITY_DIGITS)
    implied = code.str[:STREET_DIGITS].where(national)
    named = f["street"] if "street" in f else pd.Series(pd.NA, index=f.index, dtype=object)
    written_code = named.where(_digits(named, STREET_DIGITS))  # a code written in the street column
    given = f["street_code"] if "street_code" in f else pd.Series(pd.NA, index=f.index, dtype=object)
    bad_given = given.notna() & ~_digits(given, STREET_DIGITS)
    add("street_code", bad_given, "importer.street_code_format", value=given)
    given = given.where(~bad_given)
    contradicts = {}
    for col, value in (("street_code", given), ("street", written_code)):
        contradicts[col] = national & value.notna() & (value != implied)
        add(col, contradicts[col], "importer.street_code_contradicts", code=code, street_code=value, implied=implied)
    if any(m.any() for m in contradicts.values()):
        return pd.Series(None, index=f.index, dtype=object), named, problems  # the rest follows from these
    result = given.fillna(written_code).fillna(implied)
    # a 9-digit street column names the street by code: its name comes from the database
    by_code = streets.set_index("code")["name"] if len(streets) else pd.Series(dtype=object)
    name = named.where(written_code.isna(), written_code.map(by_code))
    add("street", written_code.notna() & name.isna(), "importer.street_code_unknown", street_code=written_code)

    known = result.notna() & name.notna()
    pairs = pd.DataFrame({"code": result[known], "name": name[known]})
    first_code = pairs.drop_duplicates("name").set_index("name")["code"]
    first_name = pairs.drop_duplicates("code").set_index("code")["name"]
    add("street", known & (name.map(first_code) != result), "importer.street_two_codes",
        street=name, street_code=result, other=name.map(first_code))
    add("street", known & (result.map(first_name) != name) & (name.map(first_code) == result),
        "importer.street_code_two_names", street_code=result, street=name, other=result.map(first_name))
    if len(streets):
        stored_name = result.map(by_code)
        stored_code = name.map(streets.drop_duplicates("name").set_index("name")["code"])
        add("street", known & stored_name.notna() & (stored_name != name), "importer.street_code_named_otherwise",
            street_code=result, street=name, stored=stored_name)
        add("street", known & stored_code.notna() & (stored_code != result), "importer.street_known_by_other_code",
            street=name, street_code=result, stored=stored_code)
    district = result.str[:DISTRICT_DIGITS]
    expected = district_code if district_code and _digits(pd.Series([district_code]), DISTRICT_DIGITS)[0] else None
    if expected is None and district.notna().any():
        expected = str(district.dropna().iloc[0])
    if expected is not None:
        add("code", district.notna() & (district != expected), "importer.community_other_district",
            code=code, district=district, expected=expected)
    return result.astype(object).where(result.notna(), None), name, problems


def implied_district(codes: pd.Series) -> str | None:
    """The one 6-digit district code the street codes imply (None: none implied)."""
    d = codes.dropna().astype(str).str[:DISTRICT_DIGITS]
    return str(d.iloc[0]) if len(d) else None
