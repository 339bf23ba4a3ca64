"""The district overview: headline figures and the community table behind the overview map."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from core.model.vocab import StaffKind
from core.services import clock
from core.services.uow import UnitOfWork


@dataclass(frozen=True)
class OverviewKpis:
    communities: int
    grids: int
    residents: int
    households: int
    on_duty_by_kind: dict[str, int]
    staff_on_duty: int
    staff_off_duty: int
    open_incidents: int
    overdue_incidents: int
    isolated_households: int
    high_risk_communities: int


@dataclass(frozen=True)
class OverviewData:
    district: dict[str, str | None]
    kpis: OverviewKpis
    communities: pd.DataFrame  # one row a community, with on-duty staff and open incidents
    streets: pd.DataFrame
    demo: bool
    as_of: dt.datetime
    extra: dict[str, object] = field(default_factory=dict)


def compute_kpis(communities: pd.DataFrame, staff_counts: pd.DataFrame, open_incidents: pd.DataFrame,
                 n_grids: int, now: dt.datetime) -> OverviewKpis:
    """Headline figures from whole tables (no loops over communities)."""
    on = staff_counts[staff_counts["on_duty"].astype(bool)]
    by_kind = on.groupby("kind")["n"].sum()
    on_duty_by_kind = {k.value: int(by_kind.get(k.value, 0)) for k in StaffKind}
    staff_total = on[on["kind"] != StaffKind.VOLUNTEER.value]["n"].sum()
    off_total = staff_counts[~staff_counts["on_duty"].astype(bool) & (staff_counts["kind"] != "volunteer")]["n"].sum()
    deadline = pd.to_datetime(open_incidents["deadline"]) if len(open_incidents) else pd.Series(dtype="datetime64[ns]")
    return OverviewKpis(
        communities=len(communities),
        grids=n_grids,
        residents=int(communities["population"].sum()),
        households=int(communities["households"].sum()),
        on_duty_by_kind=on_duty_by_kind,
        staff_on_duty=int(staff_total),
        staff_off_duty=int(off_total),
        open_incidents=len(open_incidents),
        overdue_incidents=int((deadline < pd.Timestamp(now)).sum()),
        isolated_households=int(communities["isolated_households"].sum()),
        high_risk_communities=int((communities["risk_level"] == "high").sum()),
    )


def community_table(communities: pd.DataFrame, staff_counts: pd.DataFrame, open_incidents: pd.DataFrame) -> pd.DataFrame:
    """Communities with on-duty staff (volunteers apart), volunteers and open incidents."""
    on = staff_counts[staff_counts["on_duty"].astype(bool)]
    staff_on = on[on["kind"] != "volunteer"].groupby("community_id")["n"].sum()
    vol_on = on[on["kind"] == "volunteer"].groupby("community_id")["n"].sum()
    inc = open_incidents.groupby("community_id").size() if len(open_incidents) else pd.Series(dtype=int)
    out = communities.copy()
    out["staff_on_duty"] = out["id"].map(staff_on).fillna(0).astype(int)
    out["volunteers_on_duty"] = out["id"].map(vol_on).fillna(0).astype(int)
    out["open_incidents"] = out["id"].map(inc).fillna(0).astype(int)
    pop = out["population"].where(out["population"] > 0)
    out["staff_per_10k"] = (out["staff_on_duty"] / pop * 10000).round(1).fillna(0.0)
    return out


def load_overview(uow: UnitOfWork, now: dt.datetime | None = None) -> OverviewData:
    """Everything the overview page shows (``now``: the clock's, by default)."""
    now = now or clock.reference_now(uow)
    d = uow.tables.district() or {"code": "", "name": "", "geometry": None}
    comms = uow.tables.communities(with_geometry=True)
    counts = uow.tables.staff_counts()
    inc = uow.tables.open_incidents()
    n_grids = len(uow.tables.grids())
    streets = uow.tables.streets(with_geometry=True)
    demo = uow.meta.get("demo") == "1"
    kpis = compute_kpis(comms, counts, inc, n_grids, now)
    return OverviewData(district=d, kpis=kpis, communities=community_table(comms, counts, inc),
                        streets=streets, demo=demo, as_of=now)
