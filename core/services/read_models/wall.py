"""Everything the wall screen (指挥大屏) shows, as plain data, with no personal data at all.

``load_wall(uow)`` reads today's staffing state and gaps, the 14-day gap history (yesterday's values
come from it: the history rebuilds each past day from the dated assignment/duty/condition tables,
exactly as ``load_state(uow, day=yesterday)`` does), the incidents open at any time in that window,
and the alerts (evaluated on read; no write). Rows carry community, grid and street names, codes and
counts only: never a person's name, phone or an incident's free-text description.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.model import alert_rules
from core.model.alert_rules import AlertInputs
from core.model.gaps import GapResult, compute_gaps
from core.model.vocab import OPEN_INCIDENT_STATUSES
from core.services import clock
from core.services.alerts import SyncResult, sync_alerts
from core.services.gaps import gap_history
from core.services.norms import norms_for_day
from core.services.rosters import DutyBoard, duty_board
from core.services.staffing import load_state
from core.services.uow import UnitOfWork

TREND_DAYS = 14
#: tile key -> (unit key, which direction is good)
KPI_SPECS: dict[str, tuple[str, str]] = {
    "grid_coverage": ("percent", "up"),
    "shortage": ("people", "down"),
    "short_communities": ("communities", "down"),
    "unstaffed_shifts": ("shifts", "down"),
    "open_incidents": ("items", "down"),
    "overdue_incidents": ("items", "down"),
    "isolated_households": ("households", "down"),
    "volunteers_on_duty": ("people", "up"),
}
OPEN = sorted(s.value for s in OPEN_INCIDENT_STATUSES)
MAP_COLUMNS = ["community_id", "code", "name", "street", "lon", "lat", "required", "available", "gap", "shortage",
               "grid_coverage", "checkpoint_shift_coverage", "volunteers_on_duty", "volunteers_per_1k",
               "open_incidents", "overdue_incidents", "isolated_households"]
INCIDENT_COLUMNS = ["code", "community", "street", "type", "severity", "status", "reported_at", "deadline",
                    "overdue_hours"]


@dataclass(frozen=True)
class Kpi:
    key: str
    value: float | None
    previous: float | None
    unit: str
    better: str  # "up" or "down"

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return float(self.value) - float(self.previous)

    @property
    def improved(self) -> bool | None:
        d = self.delta
        if d is None or abs(d) < 1e-9:
            return None
        return (d > 0) == (self.better == "up")


@dataclass(frozen=True)
class WallData:
    district: str
    demo: bool
    day: dt.date
    computed_at: dt.datetime
    kpis: tuple[Kpi, ...]
    communities: pd.DataFrame  # MAP_COLUMNS: the per-community gap for the map
    streets: pd.DataFrame  # per street: name, lon, lat, sums and ratios
    trend: pd.DataFrame  # day + every KPI, TREND_DAYS rows
    alerts: pd.DataFrame  # firing, merged with stored instances (see core.services.alerts.merge_instances)
    incidents: pd.DataFrame  # INCIDENT_COLUMNS, open incidents (no description)
    volunteers: pd.DataFrame  # street, volunteer_type, n (on duty)
    duty: DutyBoard | None = None  # checkpoint duty from the rosters (core.services.rosters.duty_board), no names
    extra: dict[str, object] = field(default_factory=dict)

    def kpi(self, key: str) -> Kpi:
        return next(k for k in self.kpis if k.key == key)


def _end_of(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def incident_counts(incidents: pd.DataFrame, moments: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Open and overdue incidents at each moment (vectorised: incidents × moments)."""
    if not len(incidents):
        z = np.zeros(len(moments), dtype=np.int64)
        return z, z.copy()
    rep = pd.to_datetime(incidents["reported_at"]).to_numpy()[:, None]
    res = pd.to_datetime(incidents["resolved_at"]).to_numpy()[:, None]
    dl = pd.to_datetime(incidents["deadline"]).to_numpy()[:, None]
    still_open = incidents["status"].isin(OPEN).to_numpy()[:, None]
    t = pd.to_datetime(moments).to_numpy()[None, :]
    is_open = (rep < t) & (np.where(np.isnat(res), still_open, res >= t))
    overdue = is_open & ~np.isnat(dl) & (dl < t)
    return is_open.sum(axis=0), overdue.sum(axis=0)


def _trend(totals: pd.DataFrame, incidents: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    days = pd.to_datetime(totals["day"]).dt.date
    moments = pd.Series([min(_end_of(d), pd.Timestamp(now)) for d in days])
    open_n, overdue_n = incident_counts(incidents, moments)
    return pd.DataFrame({
        "day": days.to_numpy(),
        "grid_coverage": totals["grid_coverage"].to_numpy(float),
        "shortage": totals["shortage"].to_numpy(np.int64),
        "short_communities": totals["short_communities"].to_numpy(np.int64),
        "unstaffed_shifts": (totals["checkpoint_shifts"] - totals["checkpoint_shifts_staffed"]).to_numpy(np.int64),
        "open_incidents": open_n, "overdue_incidents": overdue_n,
        "isolated_households": totals["isolated_households"].to_numpy(np.int64),
        "volunteers_on_duty": totals["volunteers_on_duty"].to_numpy(np.int64),
        "required": totals["required"].to_numpy(np.int64), "available": totals["available"].to_numpy(np.int64),
    })


def _today_values(res: GapResult, open_now: pd.DataFrame, now: dt.datetime) -> dict[str, float | None]:
    d = res.district
    deadline = pd.to_datetime(open_now["deadline"]) if len(open_now) else pd.Series(dtype="datetime64[ns]")
    return {
        "grid_coverage": res.coverage.get("grid_coverage"),
        "shortage": d["shortage"], "short_communities": d["short_communities"],
        "unstaffed_shifts": d["checkpoint_shifts"] - d["checkpoint_shifts_staffed"],
        "open_incidents": len(open_now), "overdue_incidents": int((deadline < pd.Timestamp(now)).sum()),
        "isolated_households": d["isolated_households"], "volunteers_on_duty": d["volunteers_on_duty"],
    }


def _map_table(res: GapResult, open_now: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    c = res.community.copy()
    if len(open_now):
        inc = open_now.groupby("community_id").size()
        late = open_now[pd.to_datetime(open_now["deadline"]) < pd.Timestamp(now)].groupby("community_id").size()
    else:
        inc = late = pd.Series(dtype=int)
    c["open_incidents"] = c["community_id"].map(inc).fillna(0).astype(int)
    c["overdue_incidents"] = c["community_id"].map(late).fillna(0).astype(int)
    return c[MAP_COLUMNS]


def _incident_table(open_now: pd.DataFrame, comm: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    if not len(open_now):
        return pd.DataFrame(columns=INCIDENT_COLUMNS)
    names = comm.set_index("community_id")
    out = open_now.assign(community=open_now["community_id"].map(names["name"]),
                          street=open_now["community_id"].map(names["street"]))
    hours = (pd.Timestamp(now) - pd.to_datetime(out["deadline"])).dt.total_seconds() / 3600.0
    out["overdue_hours"] = hours.clip(lower=0).round(1)
    return out.sort_values("overdue_hours", ascending=False)[INCIDENT_COLUMNS].reset_index(drop=True)


def _volunteers(state_staff: pd.DataFrame, comm: pd.DataFrame) -> pd.DataFrame:
    v = state_staff[(state_staff["kind"] == "volunteer") & state_staff["on_duty"]]
    street = v["community_id"].map(comm.set_index("community_id")["street"])
    out = (pd.DataFrame({"street": street, "volunteer_type": v["volunteer_type"].fillna("resident")})
           .groupby(["street", "volunteer_type"]).size().rename("n").reset_index())
    return out


def _errands(uow: UnitOfWork, now: dt.datetime) -> pd.DataFrame | None:
    """Overdue errands for the errand_overdue rule (codes, community, kind, hours late; no personal data)."""
    from core.services.errands import overdue_alert_inputs

    return overdue_alert_inputs(uow, now)


def past_totals(uow: UnitOfWork, today: dt.date, days: int = TREND_DAYS) -> pd.DataFrame:
    """District totals of the ``days - 1`` days before ``today``, rebuilt from the dated history (the
    gap engine's ``gap_history``, i.e. ``load_state(uow, day)`` for each day). A write made today does
    not change them, so a caller may keep them longer than today's figures."""
    # computed up to today and today's row dropped: the engine treats its last day as "now" (running
    # screening campaigns), so asking it for "today = yesterday" would give yesterday today's campaigns
    totals, _ = gap_history(uow, days, today=today)
    return totals.iloc[:-1].reset_index(drop=True)


def load_wall(uow: UnitOfWork, now: dt.datetime | None = None,
              new_within: dt.timedelta = dt.timedelta(minutes=10), past: pd.DataFrame | None = None) -> WallData:
    """The wall screen's whole payload (reads only). ``now``: the clock's by default; ``past``:
    ``past_totals`` if the caller has them."""
    now = now or clock.reference_now(uow)
    today = clock.reference_day(uow)
    if past is None:
        past = past_totals(uow, today)
    state = load_state(uow)
    res = compute_gaps(state, norms_for_day(uow, today))
    totals = pd.concat([past, pd.DataFrame([{"day": today, **res.district, **res.coverage}])], ignore_index=True)
    start = dt.datetime.combine(today - dt.timedelta(days=TREND_DAYS), dt.time())
    d = uow.tables.district() or {"name": ""}
    demo = uow.meta.get("demo") == "1"
    inc = uow.alerts.incidents_open_since(start)
    streets = uow.tables.streets()
    stored = uow.alerts.rules()
    instances = uow.alerts.open_instances()
    rules = stored if len(stored) else alert_rules.DEFAULT_RULES
    open_now = inc[inc["status"].isin(OPEN)]
    trend = _trend(totals, inc, now)
    values = _today_values(res, open_now, now)
    for k, v in values.items():  # today's row is today's live figures (incident status, current staffing)
        trend.loc[trend.index[-1], k] = np.nan if v is None else v
    prev = trend.iloc[-2] if len(trend) >= 2 else None
    kpis = tuple(Kpi(k, None if values[k] is None else float(values[k]),  # type: ignore[arg-type]
                     None if prev is None else float(prev[k]), unit, better)
                 for k, (unit, better) in KPI_SPECS.items())
    comm = res.community
    firing = alert_rules.evaluate(rules, AlertInputs(comm, res.grid, open_now, _errands(uow, now)), now)
    alerts = alert_rules.merge_instances(firing, instances, now, new_within)
    st_tot = res.street.merge(streets[["code", "lon", "lat"]], on="code", how="left")
    return WallData(
        district=str(d.get("name") or ""), demo=demo, day=today, computed_at=now, kpis=kpis,
        communities=_map_table(res, open_now, now),
        streets=st_tot[["code", "name", "lon", "lat", "shortage", "short_communities", "grid_coverage",
                        "checkpoint_shift_coverage", "checkpoint_shifts", "checkpoint_shifts_staffed",
                        "volunteers_on_duty", "volunteers_per_1k", "communities"]],
        trend=trend, alerts=alerts, incidents=_incident_table(open_now, comm, now),
        volunteers=_volunteers(state.staff, comm), duty=duty_board(uow, now),
    )


def firing_now(uow: UnitOfWork, now: dt.datetime | None = None) -> pd.DataFrame:
    """The firing set for ``sync_alerts`` (today's gaps and open incidents; no history needed)."""
    now = now or clock.reference_now(uow)
    open_now = uow.tables.open_incidents()
    stored = uow.alerts.rules()
    res = compute_gaps(load_state(uow), norms_for_day(uow, clock.reference_day(uow)))
    return alert_rules.evaluate(stored if len(stored) else alert_rules.DEFAULT_RULES,
                                AlertInputs(res.community, res.grid, open_now, _errands(uow, now)), now)


def sync_now(uow: UnitOfWork, now: dt.datetime | None = None) -> SyncResult:
    """The system job: evaluate and persist alert instances as ``SYSTEM`` (never a screen's identity)."""
    from core.model.actor import SYSTEM

    now = now or clock.reference_now(uow)
    firing = firing_now(uow, now)
    return sync_alerts(uow, SYSTEM, firing, now)


def data_version(uow: UnitOfWork) -> str:
    """The database's data version, read fresh (one tiny query): a screen sees a write on its next tick."""
    return uow.tables.data_version()
