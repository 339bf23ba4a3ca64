"""The grid counts of a past day (``scale_grid_counts``, numpy) equal the pandas groupby formulation it
replaced, on random districts with ties, empty communities and zero populations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.model.state import scale_grid_counts


def reference(grids: pd.DataFrame, comms: pd.DataFrame) -> pd.DataFrame:
    g = grids.copy()
    target = comms.set_index("community_id")
    for col in ("isolated_households", "vulnerable_residents"):
        cur = g[col].to_numpy(float)
        tot = g.groupby("community_id")[col].transform("sum").to_numpy(float)
        pop = g["population"].to_numpy(float)
        pop_tot = g.groupby("community_id")["population"].transform("sum").to_numpy(float)
        n_in = g.groupby("community_id")["grid_id"].transform("size").to_numpy(float)
        share = np.where(tot > 0, cur / np.where(tot > 0, tot, 1),
                         np.where(pop_tot > 0, pop / np.where(pop_tot > 0, pop_tot, 1), 1 / n_in))
        want = g["community_id"].map(target[col]).fillna(0).to_numpy(float)
        raw = share * want
        base = np.floor(raw + 1e-9)
        rest = want - g.assign(_b=base).groupby("community_id")["_b"].transform("sum").to_numpy(float)
        frac_rank = g.assign(_f=raw - base).groupby("community_id")["_f"].rank(method="first", ascending=False)
        g[col] = (base + (frac_rank.to_numpy() <= rest)).astype(np.int64)
    return g


def district(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n_c = int(rng.integers(1, 40))
    cids = rng.permutation(np.arange(100, 100 + n_c))
    n_g = int(rng.integers(n_c, n_c * 8))
    grids = pd.DataFrame({
        "grid_id": np.arange(1, n_g + 1),
        "community_id": rng.choice(cids, n_g),
        "population": rng.choice([0, 0, 500, 500, 1200, 3000], n_g),  # ties and zeros on purpose
        "isolated_households": rng.choice([0, 0, 1, 2, 2, 5], n_g),
        "vulnerable_residents": rng.choice([0, 3, 3, 10], n_g),
    })
    comms = pd.DataFrame({"community_id": cids[: max(1, n_c - 2)],  # some communities without a row
                          "isolated_households": rng.integers(0, 30, max(1, n_c - 2)),
                          "vulnerable_residents": rng.integers(0, 80, max(1, n_c - 2))})
    return grids, comms


@pytest.mark.parametrize("seed", range(40))
def test_equals_the_groupby_formulation(seed: int) -> None:
    grids, comms = district(seed)
    got = scale_grid_counts(grids, comms)
    pd.testing.assert_frame_equal(got, reference(grids, comms))
    have = comms.set_index("community_id")
    sums = got.groupby("community_id")[["isolated_households", "vulnerable_residents"]].sum()
    for cid, row in sums.iterrows():  # and the counts add up to the community's where it has a row
        if cid in have.index:
            assert row["isolated_households"] == have.loc[cid, "isolated_households"]
