"""Candidates for many communities at once (the screening helpers' path) equal the one-community
formulation they replaced, row for row, for every short community of the demo, on both databases."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.model.geo import haversine_km
from core.model.vocab import StaffKind
from core.services.gaps import load_gaps
from core.services.reassign import candidates_for_many
from core.services.uow import unit_of_work


def reference(uow, community_id: int, g, limit: int, include_party: bool) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    comm = g.community.set_index("community_id")
    donors = comm[(comm["movable_surplus"] > 0) & (comm.index != community_id)]
    people = uow.reassign.movable_people([int(i) for i in donors.index])
    kinds = [StaffKind.CADRE.value] + ([StaffKind.PARTY_MEMBER.value] if include_party else [])
    people = people[people["kind"].isin(kinds) & people["kind"].isin(list(g.norms.counted_kinds))]
    target = comm.loc[community_id]
    home_lon = people["home_lon"].fillna(people["community_id"].map(comm["lon"]))
    home_lat = people["home_lat"].fillna(people["community_id"].map(comm["lat"]))
    out = pd.DataFrame({
        "staff_id": people["id"], "staff_code": people["code"], "name": people["name"], "kind": people["kind"],
        "unit": people["unit"], "from_community_id": people["community_id"],
        "from_community": people["community_id"].map(comm["name"]),
        "from_street_code": people["community_id"].map(comm["street_code"]),
        "from_surplus": people["community_id"].map(comm["movable_surplus"]).astype("int64"),
        "home_km": np.round(haversine_km(home_lon.to_numpy(float), home_lat.to_numpy(float),
                                         float(target["lon"]), float(target["lat"])), 2),
        "post_km": np.round(haversine_km(people["community_id"].map(comm["lon"]).to_numpy(float),
                                         people["community_id"].map(comm["lat"]).to_numpy(float),
                                         float(target["lon"]), float(target["lat"])), 2),
        "skills": people["skills"].fillna(""), "hours_week": people["hours_week"].astype(float),
        "home_community_id": people["home_community_id"], "version": people["version"].astype("int64"),
    })
    return out.sort_values(["home_km", "post_km", "hours_week", "staff_id"], ignore_index=True).head(limit)


def test_many_at_once_equal_one_at_a_time(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        g = load_gaps(uow)
        short = [int(i) for i in g.community.loc[g.community["shortage"] > 0, "community_id"]]
        assert len(short) > 10
        for limit, party in ((3, False), (200, True)):
            many = candidates_for_many(uow, short, limit=limit, include_party=party, gaps=g)
            for cid in short:
                pd.testing.assert_frame_equal(many[cid], reference(uow, cid, g, limit, party), check_dtype=True)


def test_the_screening_helpers_equal_the_per_community_calls(demo_db: str) -> None:
    from core.services import screening, screening_helpers
    from core.services.reassign import candidates

    with unit_of_work(demo_db) as uow:
        camps = screening.campaigns(uow)
        view = screening.load_campaign(uow, int(camps.iloc[0]["id"]))
        grids = view.grids.assign(behind=True)  # every community of the campaign: many at once
        got = screening_helpers.helpers_for_behind(uow, grids)
        need = (grids.groupby(["community_id", "community_code", "community"], as_index=False)["shortfall"].sum()
                .sort_values("shortfall", ascending=False))
        g = load_gaps(uow)
        want = pd.concat([candidates(uow, int(r.community_id), limit=3, gaps=g).assign(
            community_id=int(r.community_id), community_code=r.community_code, community=r.community,
            shortfall=int(r.shortfall)) for r in need.itertuples(index=False)], ignore_index=True)
    assert len(got) > 30
    pd.testing.assert_frame_equal(got, want, check_dtype=True)
