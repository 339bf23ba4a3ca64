"""The demo's people: community workers, grid members, cadres (placed unevenly on purpose, so that
some communities are short and others have movable surplus), party members, property staff and
volunteers; their names, phones, homes, skills and hours; and who was where and on duty over the
fortnight (a few past moves of cadres, some time off)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from core.demo import names
from core.demo.scales import HISTORY_DAYS, ScaleSpec

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
