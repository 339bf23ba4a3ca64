"""The suggested plan, part 3: who moves for each community flow (nearest home to the destination;
skills, then fewest hours this week as tie-breaks)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.model.geo import local_xy_km
from core.model.optimizer.network import MOVE_COLUMNS, PlanOptions


def choose_cadres(flows: pd.DataFrame, staff: pd.DataFrame, comm: pd.DataFrame, opt: PlanOptions) -> pd.DataFrame:
    """Pick who moves for each community flow: nearest home to the destination, then skills, then fewest
    hours this week. ``staff`` holds the movable, on-duty people (id, code, kind, community_id,
    home_lon, home_lat, skills, hours_week, home_community_id)."""
    if len(flows) == 0 or len(staff) == 0:
        return pd.DataFrame(columns=MOVE_COLUMNS)
    from scipy.optimize import linear_sum_assignment

    pool = staff[staff["community_id"].isin(flows["from_community_id"].unique())].copy()
    cpos = comm.set_index("id")[["lon", "lat"]]
    lon0, lat0 = float(cpos["lon"].mean()), float(cpos["lat"].mean())
    hx, hy = local_xy_km(pool["home_lon"].fillna(pool["community_id"].map(cpos["lon"])).to_numpy(float),
                         pool["home_lat"].fillna(pool["community_id"].map(cpos["lat"])).to_numpy(float), lon0, lat0)
    pool["hx"], pool["hy"] = hx, hy
    nskills = pool["skills"].fillna("").astype(str).str.count(",") + (pool["skills"].fillna("").astype(str) != "")
    # sort key per person besides distance: more skills first, then fewer hours
    pool["tie"] = -nskills.to_numpy() * 1000.0 + pool["hours_week"].fillna(0).to_numpy(float)
    party_home = (pool["kind"] == "party_member") & (pool["home_community_id"] == pool["community_id"])
    pool["penalty"] = np.where(party_home, opt.party_home_weight_km or 0.0, 0.0)
    cx, cy = local_xy_km(comm["lon"].to_numpy(float), comm["lat"].to_numpy(float), lon0, lat0)
    cxy = pd.DataFrame({"x": cx, "y": cy}, index=comm["id"].to_numpy())

    ndest = flows.groupby("from_community_id")["to_community_id"].transform("size")
    out: list[pd.DataFrame] = []
    single = flows[ndest == 1]
    if len(single):  # one destination: the n best by (distance, tie) — vectorised
        p = pool.merge(single[["from_community_id", "to_community_id", "n", "km"]],
                       left_on="community_id", right_on="from_community_id")
        dx = p["hx"] - p["to_community_id"].map(cxy["x"])
        dy = p["hy"] - p["to_community_id"].map(cxy["y"])
        p["home_km"] = np.hypot(dx, dy)
        p["key"] = np.round(p["home_km"] + p["penalty"], 1) * 1e6 + p["tie"]
        p = p.sort_values(["from_community_id", "key"], kind="stable")
        p = p[p.groupby("from_community_id").cumcount() < p["n"]]
        out.append(p)
    multi = flows[ndest > 1].sort_values("from_community_id", kind="stable")
    if len(multi):  # several destinations: an exact assignment per donor, on numpy slices
        mp = pool[pool["community_id"].isin(multi["from_community_id"].unique())].sort_values(
            ["community_id", "id"], kind="stable")
        p_cid = mp["community_id"].to_numpy()
        p_x, p_y = mp["hx"].to_numpy(float), mp["hy"].to_numpy(float)
        p_pen, p_tie = mp["penalty"].to_numpy(float), mp["tie"].to_numpy(float)
        f_from = multi["from_community_id"].to_numpy()
        f_to = multi["to_community_id"].to_numpy()
        f_n = multi["n"].to_numpy(np.int64)
        f_km = multi["km"].to_numpy(float)
        f_x, f_y = cxy["x"].reindex(f_to).to_numpy(), cxy["y"].reindex(f_to).to_numpy()
        donors_u, f_start = np.unique(f_from, return_index=True)
        f_end = np.append(f_start[1:], len(f_from))
        p_start = np.searchsorted(p_cid, donors_u, side="left")
        p_end = np.searchsorted(p_cid, donors_u, side="right")
        sel_rows: list[np.ndarray] = []
        sel_flow: list[np.ndarray] = []
        sel_dist: list[np.ndarray] = []
        for k in range(len(donors_u)):
            fi = np.repeat(np.arange(f_start[k], f_end[k]), f_n[f_start[k]:f_end[k]])
            pi = np.arange(p_start[k], p_end[k])
            dist = np.hypot(p_x[pi, None] - f_x[None, fi], p_y[pi, None] - f_y[None, fi])
            cost = np.round(dist + p_pen[pi, None], 1) * 1e6 + p_tie[pi, None]
            rows, cols = linear_sum_assignment(cost)
            sel_rows.append(pi[rows])
            sel_flow.append(fi[cols])
            sel_dist.append(dist[rows, cols])
        r_idx, f_idx = np.concatenate(sel_rows), np.concatenate(sel_flow)
        pick = mp.iloc[r_idx].copy()
        pick["from_community_id"] = f_from[f_idx]
        pick["to_community_id"] = f_to[f_idx]
        pick["km"] = f_km[f_idx]
        pick["home_km"] = np.concatenate(sel_dist)
        out.append(pick)
    moves = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=MOVE_COLUMNS)
    moves = moves.rename(columns={"id": "staff_id", "code": "staff_code"})
    moves["home_km"] = moves["home_km"].astype(float).round(2)
    return moves[MOVE_COLUMNS].sort_values(["to_community_id", "km", "staff_id"], ignore_index=True)
