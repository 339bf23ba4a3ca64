"""The demo's geography: communities as Voronoi cells of seed points clipped to the real outline
(denser towards the old town), streets as k-means groups of communities, grids as Voronoi cells
inside each community, compounds and their gate checkpoints; and the names of places."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from scipy.cluster.vq import kmeans2
from shapely.geometry import MultiPoint, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

from core.config import DATA_DIR
from core.demo import names
from core.demo.scales import ScaleSpec

JIANGAN_ADCODE = "420102"
JIANGAN_STREETS = (
    # ordered from the old town by the river outwards, so names land roughly where they belong
    "大智街道", "一元街道", "车站街道", "四唯街道", "永清街道", "西马街道", "球场街道", "劳动街道",
    "二七街道", "新村街道", "台北街道", "花桥街道", "丹水池街道", "塔子湖街道", "后湖街道", "谌家矶街道",
)
OLD_TOWN = {"420102": (114.300, 30.592)}  # Hankou riverside (WGS-84)


# --- geometry helpers ------------------------------------------------------------------------


def load_outlines(name: str) -> list[tuple[str, str, BaseGeometry]]:
    """(adcode, name, WGS-84 geometry) of each feature in data/geo/<name>_wgs84.geojson."""
    fc = json.loads(Path(DATA_DIR / "geo" / f"{name}_wgs84.geojson").read_text(encoding="utf-8"))
    return [
        (f["properties"]["adcode"], f["properties"]["district"], shape(f["geometry"]).buffer(0))
        for f in fc["features"]
    ]


def _sample_in(geom: BaseGeometry, n: int, rng: np.random.Generator, centre: tuple[float, float] | None,
               sigma: float, dense_share: float) -> np.ndarray:
    """n points inside geom; a share drawn around ``centre`` (old town), the rest uniformly."""
    minx, miny, maxx, maxy = geom.bounds
    out: list[np.ndarray] = []
    have = 0
    prepared = shapely.prepare(geom) or geom
    del prepared
    while have < n:
        m = max(64, (n - have) * 3)
        if centre is not None:
            k = rng.binomial(m, dense_share)
            dense = np.column_stack([rng.normal(centre[0], sigma, k), rng.normal(centre[1], sigma * 0.8, k)])
        else:
            dense = np.empty((0, 2))
        uni = np.column_stack([rng.uniform(minx, maxx, m - len(dense)), rng.uniform(miny, maxy, m - len(dense))])
        pts = np.vstack([dense, uni])
        pts = pts[rng.permutation(len(pts))]
        inside = shapely.contains_xy(geom, pts[:, 0], pts[:, 1])
        pts = pts[inside]
        out.append(pts)
        have += len(pts)
    return np.vstack(out)[:n]


def _lloyd(points: np.ndarray, geom: BaseGeometry, rounds: int) -> np.ndarray:
    """A few Lloyd relaxation rounds so that cells look like real, evenly sized communities."""
    for _ in range(rounds):
        cells = _voronoi(points, geom)
        cent = np.array([[c.centroid.x, c.centroid.y] if not c.is_empty else p for c, p in zip(cells, points, strict=True)])
        points = 0.5 * points + 0.5 * cent
    return points


def _voronoi(points: np.ndarray, geom: BaseGeometry) -> list[BaseGeometry]:
    """Voronoi cells of points clipped to geom, in the order of the points."""
    if len(points) == 1:
        return [geom]
    regions = shapely.voronoi_polygons(MultiPoint(points), extend_to=geom.envelope.buffer(0.05))
    cells = list(regions.geoms)
    # voronoi_polygons does not keep the input order: match each cell to the point it contains
    tree = shapely.STRtree(cells)
    idx = tree.query(shapely.points(points), predicate="intersects")
    order = {int(p): int(c) for p, c in zip(idx[0], idx[1], strict=True)}
    out = []
    for i in range(len(points)):
        cell = cells[order[i]] if i in order else Polygon()
        out.append(cell.intersection(geom))
    return out


def geojson(geom: BaseGeometry, tolerance: float) -> str:
    simple = geom.simplify(tolerance, preserve_topology=True) if tolerance else geom
    simple = shapely.set_precision(simple, 1e-5)
    return json.dumps(mapping(simple), separators=(",", ":"))


# --- names -----------------------------------------------------------------------------------


def place_names(n: int, rng: np.random.Generator, suffixes: tuple[str, ...], taken: set[str]) -> list[str]:
    """n names not in ``taken`` (which is updated): a word, then prefixed words, then numbered."""
    words = list(names.PLACE_WORDS)
    out: list[str] = []
    tries = 0
    while len(out) < n:
        word = words[int(rng.integers(len(words)))]
        prefix = names.PLACE_PREFIX[min(tries // 200, len(names.PLACE_PREFIX) - 1) and int(rng.integers(len(names.PLACE_PREFIX)))]
        suffix = suffixes[int(rng.integers(len(suffixes)))]
        name = f"{prefix}{word}{suffix}"
        if tries > 2000:
            name = f"{prefix}{word}{tries % 97 + 1}{suffix}"
        tries += 1
        if name in taken:
            continue
        taken.add(name)
        out.append(name)
    return out


# --- geography -------------------------------------------------------------------------------


def _areas_for(scale: str) -> tuple[dict[str, str], list[tuple[str, str, BaseGeometry]]]:
    if scale == "district":
        areas = [a for a in load_outlines("wuhan_districts") if a[0] == JIANGAN_ADCODE]
        return {"code": JIANGAN_ADCODE, "name": "江岸区"}, areas
    if scale == "city":
        return {"code": "420100", "name": "武汉市"}, load_outlines("wuhan_districts")
    return {"code": "420000", "name": "湖北省"}, load_outlines("hubei_counties")


def _splitcommunity_counts(total: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    raw = weights / weights.sum() * total
    counts = np.floor(raw).astype(int)
    rest = total - counts.sum()
    if rest > 0:
        counts[np.argsort(-(raw - counts) + rng.random(len(raw)) * 1e-9)[:rest]] += 1
    return np.maximum(counts, 1)


def build_geography(scale: str, spec: ScaleSpec, rng: np.random.Generator) -> dict[str, object]:
    district, areas = _areas_for(scale)
    # urban areas get more communities per km²: weight area by a density guess
    area_w = np.array([a[2].area for a in areas])
    if scale == "city":
        core = {"420102", "420103", "420104", "420105", "420106", "420107"}
        area_w = np.array([a[2].area * (12.0 if a[0] in core else 1.0) for a in areas])
    elif scale == "province":
        area_w = np.sqrt(area_w) * rng.lognormal(0, 0.3, len(areas))
    n_per_area = _splitcommunity_counts(spec.communities, area_w, rng)

    street_rows, comm_rows, area_rows = [], [], []
    for (adcode, aname, geom), n in zip(areas, n_per_area, strict=True):
        taken: set[str] = set()
        area_rows.append({"code": adcode, "name": aname,
                          "geometry": geojson(geom, 0.002) if spec.polygons else None})
        centre = OLD_TOWN.get(adcode)
        if centre is None and scale != "province":
            c = geom.representative_point()
            centre = (c.x, c.y)
        sigma = 0.02 if scale == "district" else 0.03
        pts = _sample_in(geom, int(n), rng, centre, sigma, 0.55 if scale == "district" else 0.35)
        if spec.polygons:
            pts = _lloyd(pts, geom, 2 if scale == "district" else 1)
            cells = _voronoi(pts, geom)
        else:
            cells = [None] * len(pts)
        n_streets = len(JIANGAN_STREETS) if scale == "district" else max(1, min(spec.streets_per_area, int(n) // 8))
        if n_streets > 1:
            _, labels = kmeans2(pts, n_streets, seed=rng, minit="++")
            # empty clusters can happen with kmeans2; renumber what is used
            used = np.unique(labels)
            labels = np.searchsorted(used, labels)
            n_streets = len(used)
        else:
            labels = np.zeros(len(pts), dtype=int)
        # order streets by distance of their centre from the old town (or the area centre)
        cx, cy = centre if centre is not None else (pts[:, 0].mean(), pts[:, 1].mean())
        sc = np.array([pts[labels == k].mean(axis=0) for k in range(n_streets)])
        order = np.argsort(np.hypot(sc[:, 0] - cx, sc[:, 1] - cy))
        rank = np.empty(n_streets, dtype=int)
        rank[order] = np.arange(n_streets)
        if scale == "district":
            street_names = list(JIANGAN_STREETS)
        else:
            street_names = [f"{aname}{nm}" for nm in place_names(n_streets, rng, ("街道",), set())]
        for k in range(n_streets):
            scode = f"{adcode}{rank[k] + 1:03d}"
            members = np.flatnonzero(labels == k)
            poly = shapely.union_all([cells[i] for i in members]) if spec.polygons else None
            street_rows.append({
                "code": scode, "name": street_names[rank[k]], "area_code": adcode,
                "lon": float(sc[k, 0]), "lat": float(sc[k, 1]),
                "geometry": geojson(poly, 0.0004) if poly is not None else None,
            })
            cnames = place_names(len(members), rng, names.PLACE_SUFFIX_COMMUNITY, taken)
            # number communities west to east inside the street
            for j, i in enumerate(members[np.argsort(pts[members, 0])]):
                cell = cells[i]
                comm_rows.append({
                    "code": f"{scode}{j + 1:03d}", "name": cnames[j], "street_code": scode,
                    "lon": float(pts[i, 0]) if cell is None else float(cell.representative_point().x),
                    "lat": float(pts[i, 1]) if cell is None else float(cell.representative_point().y),
                    "dist_core": float(np.hypot(pts[i, 0] - cx, pts[i, 1] - cy)),
                    "cell": cell,
                })
    return {"district": district, "areas": pd.DataFrame(area_rows),
            "streets": pd.DataFrame(street_rows).sort_values("code", ignore_index=True),
            "communities": pd.DataFrame(comm_rows).sort_values("code", ignore_index=True)}


def build_grids_compounds(comms: pd.DataFrame, spec: ScaleSpec, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    lo, hi = spec.grids_per_community
    n_grids = rng.integers(lo, hi + 1, len(comms))
    grid_rows: list[dict[str, object]] = []
    comp_rows: list[dict[str, object]] = []
    cp_rows: list[dict[str, object]] = []
    taken: set[str] = set()
    for ci, c in enumerate(comms.itertuples(index=False)):
        ng = int(n_grids[ci])
        pop_share = rng.dirichlet(np.full(ng, 6.0))
        cell = c.cell
        if cell is not None and not cell.is_empty:
            gp = _sample_in(cell, ng, rng, None, 0, 0)
            gcells = _voronoi(gp, cell) if ng > 1 else [cell]
        else:
            gp = np.column_stack([c.lon + rng.normal(0, 0.002, ng), c.lat + rng.normal(0, 0.002, ng)])
            gcells = [None] * ng
        for g in range(ng):
            gc = gcells[g]
            rp = gc.representative_point() if gc is not None and not gc.is_empty else None
            grid_rows.append({
                "code": f"{c.code}{g + 1:02d}", "name": f"{c.name.removesuffix('社区')}第{g + 1}网格",
                "community_code": c.code, "share": float(pop_share[g]),
                "lon": float(rp.x) if rp is not None else float(gp[g, 0]),
                "lat": float(rp.y) if rp is not None else float(gp[g, 1]),
                "geometry": geojson(gc, 0.0002) if gc is not None and not gc.is_empty else None,
            })
        if not spec.polygons:
            continue
        n_comp = int(rng.integers(2, 6))
        comp_names = place_names(n_comp, rng, names.COMPOUND_SUFFIX, taken)
        cp_pts = _sample_in(cell, n_comp, rng, None, 0, 0) if cell is not None and not cell.is_empty else gp[:n_comp]
        for k in range(n_comp):
            g = int(rng.integers(ng))
            code = f"{c.code}C{k + 1:02d}"
            comp_rows.append({
                "code": code, "name": comp_names[k], "community_code": c.code,
                "grid_code": f"{c.code}{g + 1:02d}", "households": int(rng.integers(150, 1500)),
                "buildings": int(rng.integers(3, 30)), "lon": float(cp_pts[k, 0]), "lat": float(cp_pts[k, 1]),
            })
            for gate in range(int(rng.choice([1, 1, 1, 2]))):
                cp_rows.append({
                    "code": f"{code}G{gate + 1}", "name": f"{comp_names[k]}{'东南西北'[gate % 4]}门卡点",
                    "community_code": c.code, "grid_code": f"{c.code}{g + 1:02d}", "compound_code": code,
                    "lon": float(cp_pts[k, 0] + rng.normal(0, 0.0008)), "lat": float(cp_pts[k, 1] + rng.normal(0, 0.0006)),
                })
    return pd.DataFrame(grid_rows), pd.DataFrame(comp_rows), pd.DataFrame(cp_rows)
