"""A small district built by hand for the gap tests (numbers worked out in test_gaps.py)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from core.model.state import COMMUNITY_COLUMNS, GRID_COLUMNS, StaffingState, normalise_staff


def community(cid: int, *, street: str = "S1", population: int = 0, risk: str = "low", checkpoints: int = 0,
              isolated: int = 0, vulnerable: int = 0) -> dict[str, Any]:
    return {"community_id": cid, "code": f"C{cid}", "name": f"第{cid}社区", "street_id": 1 if street == "S1" else 2,
            "street_code": street, "street": {"S1": "甲街道", "S2": "乙街道"}.get(street, street),
            "population": population, "households": population // 3, "lon": 114.3 + cid / 100, "lat": 30.6,
            "risk_level": risk, "checkpoints": checkpoints, "isolated_households": isolated,
            "vulnerable_residents": vulnerable}


def grid(gid: int, cid: int, *, checkpoints: int = 0, isolated: int = 0, vulnerable: int = 0,
         population: int = 0) -> dict[str, Any]:
    return {"grid_id": gid, "code": f"G{gid}", "name": f"第{gid}网格", "community_id": cid, "population": population,
            "households": population // 3, "isolated_households": isolated, "vulnerable_residents": vulnerable,
            "checkpoints": checkpoints}


def people(cid: int, kind: str, n: int, *, on_duty: bool = True, movable: bool = False,
           grid_id: int | None = None) -> list[dict[str, Any]]:
    return [{"community_id": cid, "grid_id": grid_id, "kind": kind, "on_duty": on_duty, "movable": movable}
            for _ in range(n)]


def state(communities: list[dict[str, Any]], grids: list[dict[str, Any]], staff: list[dict[str, Any]]) -> StaffingState:
    s = pd.DataFrame(staff, columns=["community_id", "grid_id", "kind", "on_duty", "movable"])
    s.insert(0, "staff_id", range(1, len(s) + 1))
    return StaffingState(pd.DataFrame(communities, columns=COMMUNITY_COLUMNS),
                         pd.DataFrame(grids, columns=GRID_COLUMNS), normalise_staff(s))


def hand_worked_district() -> StaffingState:
    """Three communities in two streets (see test_gaps.test_engine_matches_the_hand_worked_district)."""
    comms = [
        community(1, population=10_000, risk="low", checkpoints=1, isolated=10, vulnerable=20),
        community(2, population=5_000, risk="medium", checkpoints=2, isolated=5, vulnerable=10),
        community(3, street="S2", population=0, risk="high"),
    ]
    grids = [grid(1, 1, checkpoints=1, isolated=6, vulnerable=10), grid(2, 1, isolated=4, vulnerable=10),
             grid(3, 2, checkpoints=2, isolated=5, vulnerable=10)]
    staff = (people(1, "community_worker", 10) + people(1, "grid_member", 1, grid_id=1)
             + people(1, "grid_member", 1, grid_id=2) + people(1, "cadre", 10, movable=True)
             + people(1, "cadre", 8) + people(1, "cadre", 3, on_duty=False, movable=True)
             + people(1, "volunteer", 5)
             + people(2, "community_worker", 5) + people(2, "grid_member", 1, on_duty=False, grid_id=3)
             + people(2, "cadre", 15, movable=True)
             + people(3, "cadre", 2, movable=True))
    return state(comms, grids, staff)
