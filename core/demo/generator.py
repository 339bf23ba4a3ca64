"""Synthesise a living district (or city, or province) on real outlines.

Deterministic for a given seed: every random draw comes from one ``numpy.random.Generator``.
Communities are Voronoi cells of seed points clipped to the real outline (denser towards the old
town), streets are k-means groups of communities, grids are Voronoi cells inside each community.
Staff are allocated to communities unevenly on purpose, so that some communities are short and
others have movable surplus: a coordinator has real work to do.

Everything is returned as DataFrames keyed by string codes; ``core.demo.seed`` writes them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import shapely
from scipy.cluster.vq import kmeans2
from shapely.geometry import MultiPoint, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

from core.config import DATA_DIR
from core.demo import names

Scale = Literal["district", "city", "province"]

JIANGAN_ADCODE = "420102"
JIANGAN_STREETS = (
    # ordered from the old town by the river outwards, so names land roughly where they belong
    "大智街道", "一元街道", "车站街道", "四唯街道", "永清街道", "西马街道", "球场街道", "劳动街道",
    "二七街道", "新村街道", "台北街道", "花桥街道", "丹水池街道", "塔子湖街道", "后湖街道", "谌家矶街道",
)
OLD_TOWN = {"420102": (114.300, 30.592)}  # Hankou riverside (WGS-84)
HISTORY_DAYS = 14


@dataclass
class ScaleSpec:
    communities: int
    streets_per_area: int
    grids_per_community: tuple[int, int]
    staff_per_community: float  # every kind except volunteers
    volunteers_per_community: float
    polygons: bool
    incidents: bool
    history: bool


SCALES: dict[str, ScaleSpec] = {
    "district": ScaleSpec(180, 16, (3, 8), 56.0, 28.0, True, True, True),
    "city": ScaleSpec(1400, 10, (3, 8), 43.0, 10.0, True, True, True),
    # province: 27,000 communities and about 580,000 cadres (the article's Hubei figures)
    "province": ScaleSpec(27000, 10, (3, 6), 0.0, 0.0, False, False, False),
}

# share of each kind among non-volunteer staff (district and city)
#: on-duty staff as a share of the rough need (district: the article's weeks; city: ≈ 60,000 staff)
SUPPLY_RATIO = {"district": 0.95, "city": 0.77, "province": 1.0}
KIND_SHARES = {  # party members and property staff; cadres are sized from the need
    "party_member": 0.14,
    "property_staff": 0.065,
}
VOLUNTEER_TYPES = ("resident", "women", "youth", "civility", "militia")
VOLUNTEER_TYPE_P = (0.45, 0.2, 0.2, 0.1, 0.05)
SKILLS = ("driving", "medical", "psychology", "sign_language", "uyghur", "english", "it", "logistics")
SKILL_P = np.array([0.25, 0.08, 0.05, 0.01, 0.01, 0.08, 0.1, 0.12])
INCIDENT_TYPES = (
    "fever_case", "close_contact", "quarantine_breach", "refuses_hospital",
    "checkpoint_conflict", "service_overdue", "supplies_short", "other",
)
INCIDENT_TYPE_P = (0.22, 0.2, 0.1, 0.06, 0.14, 0.12, 0.08, 0.08)
SEVERITIES = ("low", "medium", "high", "critical")
SEVERITY_P = (0.45, 0.33, 0.17, 0.05)
DEADLINE_HOURS = {"low": 48, "medium": 24, "high": 8, "critical": 2}


@dataclass
class DemoData:
    """A whole synthetic dataset, as DataFrames keyed by codes."""

    scale: str
    seed: int
    today: dt.date
    district: dict[str, str]
    areas: pd.DataFrame  # districts (city) or counties (province): code, name, geometry
    streets: pd.DataFrame
    communities: pd.DataFrame
    grids: pd.DataFrame
    compounds: pd.DataFrame
    checkpoints: pd.DataFrame
    units: pd.DataFrame
    pairings: pd.DataFrame
    staff: pd.DataFrame
    assignments: pd.DataFrame
    duty_changes: pd.DataFrame
    conditions: pd.DataFrame
    incidents: pd.DataFrame
    extra: dict[str, object] = field(default_factory=dict)


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


def _geojson(geom: BaseGeometry, tolerance: float) -> str:
    simple = geom.simplify(tolerance, preserve_topology=True) if tolerance else geom
    simple = shapely.set_precision(simple, 1e-5)
    return json.dumps(mapping(simple), separators=(",", ":"))


# --- names -----------------------------------------------------------------------------------


def _place_names(n: int, rng: np.random.Generator, suffixes: tuple[str, ...], taken: set[str]) -> list[str]:
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


def person_names(n: int, rng: np.random.Generator) -> np.ndarray:
    surnames = np.array(list(names.SURNAMES))
    given = np.array(list(names.GIVEN))
    # a Zipf-like preference for the most common surnames
    w = 1.0 / np.arange(1, len(surnames) + 1) ** 0.9
    s = rng.choice(surnames, n, p=w / w.sum())
    g1 = rng.choice(given, n)
    g2 = rng.choice(given, n)
    two = rng.random(n) < 0.7
    return np.where(two, np.char.add(np.char.add(s, g1), g2), np.char.add(s, g1))


def phones(n: int, rng: np.random.Generator) -> np.ndarray:
    prefix = rng.choice(np.array(["13", "15", "17", "18", "19"]), n)
    body = rng.integers(0, 10**9, n)
    return np.char.add(prefix, np.char.zfill(body.astype(str), 9))


# --- geography -------------------------------------------------------------------------------


def _areas_for(scale: str) -> tuple[dict[str, str], list[tuple[str, str, BaseGeometry]]]:
    if scale == "district":
        areas = [a for a in load_outlines("wuhan_districts") if a[0] == JIANGAN_ADCODE]
        return {"code": JIANGAN_ADCODE, "name": "江岸区"}, areas
    if scale == "city":
        return {"code": "420100", "name": "武汉市"}, load_outlines("wuhan_districts")
    return {"code": "420000", "name": "湖北省"}, load_outlines("hubei_counties")


def _split_counts(total: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
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
    n_per_area = _split_counts(spec.communities, area_w, rng)

    street_rows, comm_rows, area_rows = [], [], []
    for (adcode, aname, geom), n in zip(areas, n_per_area, strict=True):
        taken: set[str] = set()
        area_rows.append({"code": adcode, "name": aname,
                          "geometry": _geojson(geom, 0.002) if spec.polygons else None})
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
            street_names = [f"{aname}{nm}" for nm in _place_names(n_streets, rng, ("街道",), set())]
        for k in range(n_streets):
            scode = f"{adcode}{rank[k] + 1:03d}"
            members = np.flatnonzero(labels == k)
            poly = shapely.union_all([cells[i] for i in members]) if spec.polygons else None
            street_rows.append({
                "code": scode, "name": street_names[rank[k]], "area_code": adcode,
                "lon": float(sc[k, 0]), "lat": float(sc[k, 1]),
                "geometry": _geojson(poly, 0.0004) if poly is not None else None,
            })
            cnames = _place_names(len(members), rng, names.PLACE_SUFFIX_COMMUNITY, taken)
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
                "geometry": _geojson(gc, 0.0002) if gc is not None and not gc.is_empty else None,
            })
        if not spec.polygons:
            continue
        n_comp = int(rng.integers(2, 6))
        comp_names = _place_names(n_comp, rng, names.COMPOUND_SUFFIX, taken)
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


# --- people, counts, history -----------------------------------------------------------------


def _counts(comms: pd.DataFrame, grids: pd.DataFrame, cps: pd.DataFrame, scale: str,
            rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Population, households, checkpoints, isolation and vulnerable counts; the 14-day history."""
    n = len(comms)
    mean_pop = {"district": 5400.0, "city": 5600.0, "province": 2150.0}[scale]
    core_factor = np.exp(-comms["dist_core"].to_numpy() / (0.05 if scale == "district" else 0.3)) * 0.6 + 0.7
    pop = np.round(rng.lognormal(np.log(mean_pop), 0.35, n) * core_factor / core_factor.mean()).astype(int)
    comms = comms.assign(population=np.maximum(pop, 600))
    comms["households"] = np.round(comms["population"] / rng.uniform(2.4, 2.9, n)).astype(int)
    if len(cps):
        cp_count = cps.groupby("community_code").size()
        comms["checkpoints"] = comms["code"].map(cp_count).fillna(0).astype(int)
    else:
        comms["checkpoints"] = rng.integers(2, 5, n)  # about 5 % short overall, as in the prototype
    comms["vulnerable_residents"] = rng.binomial(comms["population"].to_numpy(), 0.018)

    # hot spots: a few communities where home isolation clusters, growing over the fortnight
    n_hot = {"district": 3, "city": 12, "province": 60}[scale]
    hot = rng.choice(n, n_hot, replace=False)
    xy = comms[["lon", "lat"]].to_numpy()
    d = np.min(np.hypot(xy[:, None, 0] - xy[hot, 0], xy[:, None, 1] - xy[hot, 1]), axis=1)
    radius = 0.007 if scale == "district" else 0.012
    heat = np.exp(-d / radius)
    lam = 1.0 + 45.0 * heat
    final_iso = rng.poisson(lam)
    risk = np.where(heat > 0.6, "high", np.where(heat > 0.3, "medium", "low"))
    extra_medium = rng.random(n) < 0.03
    risk = np.where((risk == "low") & extra_medium, "medium", risk)
    comms["isolated_households"] = final_iso
    comms["risk_level"] = risk

    # grid shares of the community counts
    share = grids["share"].to_numpy()
    gi = grids["community_code"].map(pd.Series(np.arange(n), index=comms["code"])).to_numpy()
    grids = grids.assign(
        population=np.round(share * comms["population"].to_numpy()[gi]).astype(int),
        households=np.round(share * comms["households"].to_numpy()[gi]).astype(int),
        isolated_households=np.round(share * final_iso[gi]).astype(int),
        vulnerable_residents=np.round(share * comms["vulnerable_residents"].to_numpy()[gi]).astype(int),
    )

    # history: day 0 is HISTORY_DAYS-1 days ago; isolation grows along a logistic curve and the
    # risk level of hot communities rises in two steps
    rows = []
    growth = 1 / (1 + np.exp(-(np.arange(HISTORY_DAYS) - 6) / 1.8))
    growth = growth / growth[-1]
    level = {"low": 0, "medium": 1, "high": 2}
    names_ = ("low", "medium", "high")
    final_level = np.array([level[r] for r in risk])
    step1 = rng.integers(3, 7, n)
    step2 = rng.integers(7, 11, n)
    for day in range(HISTORY_DAYS):
        iso = np.round(final_iso * growth[day]).astype(int)
        lvl = np.where(day < step1, 0, np.where(day < step2, np.minimum(final_level, 1), final_level))
        rows.append(pd.DataFrame({
            "community_code": comms["code"], "day": day, "risk_level": [names_[v] for v in lvl],
            "checkpoints": comms["checkpoints"].to_numpy(), "isolated_households": iso,
            "vulnerable_residents": comms["vulnerable_residents"].to_numpy(),
        }))
    hist = pd.concat(rows, ignore_index=True)
    # keep only the days on which something changed
    key = ["risk_level", "checkpoints", "isolated_households", "vulnerable_residents"]
    changed = hist.groupby("community_code")[key].shift().ne(hist[key]).any(axis=1)
    hist = hist[changed | (hist["day"] == 0)].reset_index(drop=True)
    return comms, grids, hist


def _rough_requirement(comms: pd.DataFrame, grids_per_comm: np.ndarray) -> np.ndarray:
    """The default norms, roughly: used only to place staff so that gaps are realistic."""
    mult = comms["risk_level"].map({"low": 1.0, "medium": 1.5, "high": 2.5}).to_numpy()
    base = (comms["population"].to_numpy() / 10000 * 18 + grids_per_comm + comms["checkpoints"].to_numpy() * 6
            + comms["isolated_households"].to_numpy() / 10 + comms["vulnerable_residents"].to_numpy() / 20)
    return np.ceil(base * mult)


def build_staff(comms: pd.DataFrame, grids: pd.DataFrame, units: pd.DataFrame, pair_unit: np.ndarray,
                spec: ScaleSpec, scale: str, rng: np.random.Generator) -> pd.DataFrame:
    n = len(comms)
    codes = comms["code"].to_numpy()
    g_per_c = grids.groupby("community_code").size().reindex(codes).fillna(0).to_numpy().astype(int)
    req = _rough_requirement(comms, g_per_c)
    pop = comms["population"].to_numpy()

    parts: list[pd.DataFrame] = []

    def block(kind: str, comm_idx: np.ndarray, **cols: object) -> None:
        parts.append(pd.DataFrame({"kind": kind, "ci": comm_idx, **cols}))

    # community workers: about the base norm, a little short on average
    cw = rng.poisson(pop / 10000 * 18 * rng.uniform(0.65, 1.05, n))
    block("community_worker", np.repeat(np.arange(n), cw))
    # grid members: one per grid, a few grids uncovered
    covered = rng.random(len(grids)) > 0.025  # a few grids have no grid member at all
    gidx = np.flatnonzero(covered)
    ci_of_grid = pd.Series(np.arange(n), index=codes).reindex(grids["community_code"]).to_numpy()
    block("grid_member", ci_of_grid[gidx], grid_code=grids["code"].to_numpy()[gidx])

    n_party = int(round(spec.staff_per_community * n * KIND_SHARES["party_member"]))
    n_prop = int(round(spec.staff_per_community * n * KIND_SHARES["property_staff"]))
    if scale == "province":
        n_cadres = 580_000
    else:
        # enough cadres that the district as a whole is about 5 % short (as in the article's
        # weeks): the shortage is in the wrong places, which is what a coordinator fixes
        others = cw.sum() + covered.sum() + n_party + n_prop
        n_cadres = max(int(round(SUPPLY_RATIO[scale] * req.sum() / 0.93 - others)), n // 2)
    # cadres follow need, but unevenly: the deliberate mix of short and overstaffed communities
    w = np.maximum(req - cw - g_per_c, 1) * rng.lognormal(0, 0.6, n)
    w = w * np.where(comms["risk_level"].to_numpy() == "high", 0.55, 1.0)  # hot spots lag behind
    cadre_ci = rng.choice(n, n_cadres, p=w / w.sum())
    block("cadre", cadre_ci)
    if scale != "province":
        block("party_member", rng.choice(n, n_party, p=pop / pop.sum()))
        cpw = comms["checkpoints"].to_numpy() + 0.5
        block("property_staff", rng.choice(n, n_prop, p=cpw / cpw.sum()))
        n_vol = int(round(spec.volunteers_per_community * n))
        block("volunteer", rng.choice(n, n_vol, p=pop / pop.sum()),
              volunteer_type=rng.choice(VOLUNTEER_TYPES, n_vol, p=VOLUNTEER_TYPE_P))

    st = pd.concat(parts, ignore_index=True)
    m = len(st)
    st["code"] = np.char.add("S", np.char.zfill(np.arange(1, m + 1).astype(str), 7))
    st["name"] = person_names(m, rng)
    st["phone"] = phones(m, rng)
    st["community_code"] = codes[st["ci"].to_numpy()]
    kind = st["kind"].to_numpy()
    if "grid_code" not in st:
        st["grid_code"] = None
    if "volunteer_type" not in st:
        st["volunteer_type"] = None
    # movability: cadres mostly, party members sometimes; community workers and grid members never
    r = rng.random(m)
    st["movable"] = ((kind == "cadre") & (r < 0.88)) | ((kind == "party_member") & (r < 0.3))
    # grid members are rarely off (one per grid, a replacement is found); others more often
    st["on_duty"] = rng.random(m) > np.where(kind == "grid_member", 0.03, 0.07)
    # home: near the serving community for residents and party members; anywhere for cadres
    lon = comms["lon"].to_numpy()[st["ci"].to_numpy()]
    lat = comms["lat"].to_numpy()[st["ci"].to_numpy()]
    far = kind == "cadre"
    spread = np.where(far, 0.03 if scale == "district" else 0.06, 0.004)
    home_lon = lon + rng.normal(0, 1, m) * spread
    home_lat = lat + rng.normal(0, 1, m) * spread * 0.8
    st["home_lon"] = np.round(home_lon, 6)
    st["home_lat"] = np.round(home_lat, 6)
    st["home_community_code"] = np.where(kind == "cadre", None, st["community_code"])
    # skills: each person has each skill with its own probability
    has = rng.random((m, len(SKILLS))) < SKILL_P
    skill_arr = np.array(SKILLS)
    st["skills"] = [",".join(skill_arr[row]) for row in has] if m < 200_000 else ""
    hours = np.clip(rng.normal(46, 11, m), 4, 96)
    hours = np.where(kind == "party_member", np.clip(hours * 0.35, 2, 30), hours)
    hours = np.where(kind == "volunteer", np.clip(hours * 0.4, 0, 40), hours)
    st["hours_week"] = np.round(hours, 1)
    unit_codes = units["code"].to_numpy()
    unit_of_comm = unit_codes[pair_unit]
    st["unit_code"] = np.where(kind == "cadre", unit_of_comm[st["ci"].to_numpy()], None)
    # a tenth of the cadres come from another unit than the community's pair
    other = (kind == "cadre") & (rng.random(m) < 0.1)
    st.loc[other, "unit_code"] = rng.choice(unit_codes, int(other.sum()))
    return st.drop(columns=["ci"])


def build_history(st: pd.DataFrame, comms: pd.DataFrame, start: dt.datetime, rng: np.random.Generator,
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Assignments (with some past moves of cadres) and duty changes over the fortnight."""
    m = len(st)
    codes = comms["code"].to_numpy()
    street_of = comms.set_index("code")["street_code"]
    first = st["community_code"].to_numpy().copy()
    moved = (st["kind"].to_numpy() == "cadre") & (rng.random(m) < 0.04)
    # a moved cadre started in another community of the same street
    by_street = comms.groupby("street_code")["code"].apply(np.array)
    for i in np.flatnonzero(moved):
        pool = by_street[street_of[first[i]]]
        if len(pool) > 1:
            first[i] = rng.choice(pool[pool != st["community_code"].iat[i]])
    moved &= first != st["community_code"].to_numpy()
    move_at = start + pd.to_timedelta(rng.integers(1, HISTORY_DAYS, m), unit="D") + pd.to_timedelta(
        rng.integers(8, 18, m), unit="h")
    base = pd.DataFrame({
        "staff_code": st["code"], "community_code": first,
        "grid_code": st["grid_code"], "valid_from": start,
        "valid_to": pd.Series(move_at).where(moved, pd.NaT),
        "batch_id": None,
    })
    later = pd.DataFrame({
        "staff_code": st["code"][moved], "community_code": st["community_code"][moved],
        "grid_code": None, "valid_from": pd.Series(move_at)[moved].to_numpy(), "valid_to": pd.NaT,
        "batch_id": "demo-history",
    })
    assignments = pd.concat([base, later], ignore_index=True)
    del codes

    # duty: everyone on duty at the start; the currently off-duty went off in the last days;
    # some others were off for a while and came back
    duty = [pd.DataFrame({"staff_code": st["code"], "at": start, "on_duty": True})]
    off_now = ~st["on_duty"].to_numpy()
    off_at = start + pd.to_timedelta(rng.integers(HISTORY_DAYS - 5, HISTORY_DAYS, m), unit="D") + pd.to_timedelta(
        rng.integers(6, 20, m), unit="h")
    duty.append(pd.DataFrame({"staff_code": st["code"][off_now], "at": pd.Series(off_at)[off_now].to_numpy(),
                              "on_duty": False}))
    past = (~off_now) & (rng.random(m) < 0.06)
    p_from = start + pd.to_timedelta(rng.integers(1, HISTORY_DAYS - 4, m), unit="D") + pd.Timedelta(hours=8)
    p_to = p_from + pd.to_timedelta(rng.integers(1, 4, m), unit="D")
    duty.append(pd.DataFrame({"staff_code": st["code"][past], "at": pd.Series(p_from)[past].to_numpy(), "on_duty": False}))
    duty.append(pd.DataFrame({"staff_code": st["code"][past], "at": pd.Series(p_to)[past].to_numpy(), "on_duty": True}))
    return assignments, pd.concat(duty, ignore_index=True)


def build_incidents(comms: pd.DataFrame, grids: pd.DataFrame, hist: pd.DataFrame, now: dt.datetime,
                    rng: np.random.Generator) -> pd.DataFrame:
    """Fourteen days of incidents with a daily rhythm (day-time peaks) and a weekly one."""
    start_day = (now - dt.timedelta(days=HISTORY_DAYS - 1)).date()
    iso_by_day = (hist.pivot_table(index="community_code", columns="day", values="isolated_households")
                  .reindex(comms["code"]).ffill(axis=1).fillna(0))
    hour_w = np.array([1, 0.5, 0.3, 0.3, 0.3, 0.6, 1.5, 3, 5, 6, 6, 5, 4, 4, 5, 6, 6, 5, 4, 3.5, 3, 2.5, 2, 1.5])
    hour_p = hour_w / hour_w.sum()
    grid_by_comm = grids.groupby("community_code")["code"].apply(list)
    rows = []
    for day in range(HISTORY_DAYS):
        date = start_day + dt.timedelta(days=day)
        weekly = 0.8 if date.weekday() >= 5 else 1.0
        lam = (0.12 + 0.015 * iso_by_day[day].to_numpy()) * weekly
        k = rng.poisson(lam)
        for ci in np.flatnonzero(k):
            for _ in range(int(k[ci])):
                t = dt.datetime.combine(date, dt.time(int(rng.choice(24, p=hour_p)), int(rng.integers(60))))
                if t > now:
                    continue
                code = comms["code"].iat[ci]
                rows.append({"community_code": code, "reported_at": t,
                             "grid_code": rng.choice(grid_by_comm[code])})
    inc = pd.DataFrame(rows).sort_values("reported_at", ignore_index=True)
    n = len(inc)
    inc["code"] = [f"E{t:%Y%m%d}-{i + 1:05d}" for i, t in enumerate(inc["reported_at"])]
    inc["type"] = rng.choice(INCIDENT_TYPES, n, p=INCIDENT_TYPE_P)
    inc["severity"] = rng.choice(SEVERITIES, n, p=SEVERITY_P)
    inc["deadline"] = inc["reported_at"] + pd.to_timedelta(inc["severity"].map(DEADLINE_HOURS), unit="h")
    age_h = (now - inc["reported_at"]).dt.total_seconds().to_numpy() / 3600
    took = rng.exponential(0.7, n) * inc["severity"].map(DEADLINE_HOURS).to_numpy()
    done = took < age_h
    inc["resolved_at"] = (inc["reported_at"] + pd.to_timedelta(took, unit="h")).where(done, pd.NaT)
    open_status = rng.choice(["reported", "triaged", "dispatched", "in_progress"], n, p=[0.2, 0.2, 0.3, 0.3])
    inc["status"] = np.where(done, np.where(age_h - took > 24, "closed", "resolved"), open_status)
    lonlat = comms.set_index("code").loc[inc["community_code"], ["lon", "lat"]].to_numpy()
    inc["lon"] = np.round(lonlat[:, 0] + rng.normal(0, 0.0015, n), 6)
    inc["lat"] = np.round(lonlat[:, 1] + rng.normal(0, 0.0012, n), 6)
    inc["description"] = inc["type"].map(names.INCIDENT_DESCRIPTIONS)
    return inc


def generate(scale: Scale = "district", seed: int = 42, today: dt.date | None = None) -> DemoData:
    """Build a whole demo dataset. Same scale, seed and day give the same data."""
    spec = SCALES[scale]
    rng = np.random.default_rng(seed)
    today = today or dt.date.today()
    now = dt.datetime.combine(today, dt.time(9, 30))
    start = dt.datetime.combine(today - dt.timedelta(days=HISTORY_DAYS - 1), dt.time(0, 0))
    geo = build_geography(scale, spec, rng)
    comms: pd.DataFrame = geo["communities"]  # type: ignore[assignment]
    grids, compounds, checkpoints = build_grids_compounds(comms, spec, rng)
    comms, grids, hist = _counts(comms, grids, checkpoints, scale, rng)
    comms["geometry"] = [(_geojson(c, 0.0002) if c is not None and not c.is_empty else None) for c in comms["cell"]]

    n_units = {"district": 55, "city": 300, "province": 11000}[scale]
    unit_names = list(names.UNIT_NAMES)
    if n_units > len(unit_names):
        extra = _place_names(n_units - len(unit_names), rng, ("局", "中心", "公司", "办公室"), set(unit_names))
        unit_names += extra
    units = pd.DataFrame({"code": [f"U{i + 1:05d}" for i in range(n_units)], "name": unit_names[:n_units]})
    # pair units with communities street by street, so a unit's communities sit together
    pair_unit = (np.arange(len(comms)) * n_units // len(comms)).astype(int)
    pairings = pd.DataFrame({"unit_code": units["code"].to_numpy()[pair_unit], "community_code": comms["code"]})

    staff = build_staff(comms, grids, units, pair_unit, spec, scale, rng)
    if spec.history:
        assignments, duty = build_history(staff, comms, start, rng)
    else:
        assignments = pd.DataFrame({"staff_code": staff["code"], "community_code": staff["community_code"],
                                    "grid_code": staff["grid_code"], "valid_from": start, "valid_to": pd.NaT,
                                    "batch_id": None})
        duty = pd.DataFrame(columns=["staff_code", "at", "on_duty"])
    incidents = build_incidents(comms, grids, hist, now, rng) if spec.incidents else pd.DataFrame()
    hist = hist.assign(valid_from=[today - dt.timedelta(days=HISTORY_DAYS - 1 - d) for d in hist["day"]])
    return DemoData(
        scale=scale, seed=seed, today=today, district=geo["district"],  # type: ignore[arg-type]
        areas=geo["areas"], streets=geo["streets"],  # type: ignore[arg-type]
        communities=comms.drop(columns=["cell", "dist_core"]), grids=grids.drop(columns=["share"]),
        compounds=compounds, checkpoints=checkpoints, units=units, pairings=pairings, staff=staff,
        assignments=assignments, duty_changes=duty, conditions=hist.drop(columns=["day"]), incidents=incidents,
    )
