"""Boundaries: a GeoJSON FeatureCollection whose features carry a ``code`` property naming a
community (or a street, or a grid). Geometry is converted to WGS-84 (``--datum``) and stored as
GeoJSON; a community, street or grid without a centre gets the polygon's representative point."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from core.model.actor import require
from core.model.geo import DATUM_TO_WGS84
from core.services.importer.cleaning import in_china
from core.services.importer.context import Context
from core.services.importer.problems import ImportRefused, Problem
from core.services.importer.reading import decode
from core.services.uow import UnitOfWork

CODE_KEYS = ("code", "社区编码", "街道编码", "网格编码", "编码")
FEATURE = "feature"


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(decode(path.read_bytes()))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRefused([Problem(path.name, 0, "", "importer.geojson_invalid", {"cause": str(exc)})]) from exc
    except RecursionError as exc:  # thousands of nested brackets
        raise ImportRefused([Problem(path.name, 0, "", "importer.geojson_too_deep")]) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
            data.get("features"), list):
        raise ImportRefused([Problem(path.name, 0, "", "importer.geojson_not_collection")])
    return data


def _convert(geom: Any, datum: str) -> Any:
    fn = DATUM_TO_WGS84[datum]

    def to_wgs(xy: np.ndarray) -> np.ndarray:
        if fn is not None:
            x, y = fn(xy[:, 0], xy[:, 1])
            xy = np.column_stack([x, y])
        return np.round(xy, 6)

    return shapely.transform(geom, to_wgs)


def read(path: Path, datum: str, uow: UnitOfWork) -> pd.DataFrame:
    """Validate every feature; returns code, level ("community"/"street"/"grid"), geometry, lon, lat, _row."""
    data = _load(path)
    comm = set(uow.imports.community_refs()["code"].astype(str))
    streets = set(uow.imports.streets()["code"].astype(str))
    grids = set(uow.imports.grids()["code"].astype(str))
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for n, feat in enumerate(data["features"], start=1):
        def bad(column: str, key: str, n: int = n, **params: Any) -> None:
            problems.append(Problem(path.name, n, column, key, params, FEATURE))

        if not isinstance(feat, dict):  # a bare number, string or list where a feature should be
            bad("", "importer.feature_not_object")
            continue
        props = feat.get("properties")
        props = props if isinstance(props, dict) else {}
        key = next((k for k in CODE_KEYS if props.get(k) not in (None, "")), None)
        code = str(props[key]).strip() if key else ""
        if not code:
            bad("code", "importer.feature_code_missing")
        elif code in seen:
            bad(key or "code", "importer.feature_duplicate", value=code, first=seen[code])
        elif code not in comm and code not in streets and code not in grids:
            bad(key or "code", "importer.feature_code_unknown_place", value=code)
        seen.setdefault(code, n)
        try:
            geom = shape(feat["geometry"])
        except Exception:  # shapely raises several kinds for malformed GeoJSON
            bad("geometry", "importer.geometry_unreadable")
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
            bad("geometry", "importer.geometry_not_polygon", geom_type=geom.geom_type)
            continue
        geom = _convert(geom, datum)
        xy = shapely.get_coordinates(geom)
        if not in_china(xy[:, 0], xy[:, 1]).all():
            bad("geometry", "importer.geometry_outside_china")
            continue
        if not geom.is_valid:
            geom = shapely.make_valid(geom).buffer(0)
        if geom.is_empty or geom.area == 0:
            bad("geometry", "importer.geometry_invalid")
            continue
        point = geom.representative_point()
        level = "community" if code in comm else "street" if code in streets else "grid"
        rows.append({"code": code, "level": level,
                     "geometry": json.dumps(mapping(geom), separators=(",", ":")),
                     "lon": round(point.x, 6), "lat": round(point.y, 6), "_row": n,
                     "vertices": int(len(xy))})
    if not data["features"]:
        problems.append(Problem(path.name, 0, "", "importer.no_features"))
    if problems:
        raise ImportRefused(problems)
    return pd.DataFrame(rows)


def write(ctx: Context, features: pd.DataFrame) -> None:
    comms = ctx.uow.imports.communities(with_geometry=True)
    streets = ctx.uow.imports.streets()
    grids = ctx.uow.imports.grids(with_geometry=True)
    tables = {"community": comms, "street": streets, "grid": grids}
    touched = list(comms.loc[comms["code"].isin(features["code"]), "street_code"])
    touched += list(streets.loc[streets["code"].isin(features["code"]), "code"])
    touched += list(grids.loc[grids["code"].isin(features["code"]), "street_code"])
    require(ctx.actor, "clerk", "admin", streets=touched)
    created = updated = unchanged = 0
    plan: dict[str, list[dict[str, Any]]] = {"community": [], "street": [], "grid": []}
    audits: list[tuple[str, str, dict[str, Any], dict[str, Any], str | None]] = []
    for level, table in tables.items():
        sub = features[features["level"] == level]
        ref = table.set_index("code").loc[sub["code"].to_numpy()].reset_index()
        for i in range(len(sub)):
            f, r = sub.iloc[i], ref.iloc[i]
            if r["geometry"] == f["geometry"]:
                unchanged += 1
                continue
            row: dict[str, Any] = {"id": int(r["id"]), "geometry": f["geometry"]}
            if level == "community":
                row["version"] = int(r["version"])
            before: dict[str, Any] = {"geometry": "无" if r["geometry"] is None else "已有边界"}
            after: dict[str, Any] = {"geometry": f"{f['vertices']} 个顶点"}
            if pd.isna(r["lon"]) or pd.isna(r["lat"]):
                row["lon"], row["lat"] = float(f["lon"]), float(f["lat"])
                after.update(lon=row["lon"], lat=row["lat"])
            created += r["geometry"] is None
            updated += r["geometry"] is not None
            plan[level].append(row)
            cc = str(f["code"]) if level == "community" else str(r["community"]) if level == "grid" else None
            audits.append((level, str(f["code"]), before, after, cc))
    ctx.counts.update(created=created, updated=updated, unchanged=unchanged)
    if ctx.dry_run:
        return
    for level, rows in plan.items():
        ctx.uow.imports.update_rows(level, rows)
    for entity, code, before, after, cc in audits:
        ctx.audit(entity, code, before=before, after=after, community_code=cc)
