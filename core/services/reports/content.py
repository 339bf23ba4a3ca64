"""The figures of one day's briefing, for the district or one street, with the day before beside them.

Everything here is counts, codes and place names, read through the same engines the pages use (the
staffing figures are the gap engine's, day by day from the dated history: ``gap_history``), and kept
as plain JSON so that a submitted report is fixed as it was read. No person is ever named.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from core.model.errors import InvalidInput
from core.model.gaps import compute_gaps
from core.model.vocab import StaffKind
from core.services import clock
from core.services.gaps import gap_history
from core.services.norms import norms_for_day
from core.services.read_models.wall import incident_counts
from core.services.staffing import load_state
from core.services.uow import UnitOfWork

DISTRICT = "district"
KINDS = tuple(k.value for k in StaffKind)
TREND_DAYS = 14
SHORTEST = 10
#: the headline figures, in the report's order: key -> (unit key, which direction is good)
HEADLINE: dict[str, tuple[str, str]] = {
    "communities": ("communities", ""), "population": ("people", ""), "on_duty": ("people", "up"),
    "shortage": ("people", "down"), "short_communities": ("communities", "down"),
    "grid_coverage": ("percent", "up"), "unstaffed_shifts": ("shifts", "down"),
    "open_incidents": ("items", "down"), "overdue_incidents": ("items", "down"),
    "new_incidents": ("items", ""), "isolation_started": ("households", ""),
    "isolation_ended": ("households", ""), "isolation_active": ("households", ""),
    "screening_percent": ("percent", "up"), "volunteers_on_duty": ("people", "up"),
    "errands_done": ("items", "up"), "errands_overdue": ("items", "down"), "moved": ("people", ""),
}


def day_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time())
    return start, start + dt.timedelta(days=1)


def scope_of(uow: UnitOfWork, street_code: str | None, district: dict[str, Any] | None = None) -> tuple[str, str]:
    """(scope, its name): ``district`` and the district's name, or a street's code and name."""
    district = district or uow.tables.district() or {"name": ""}
    if not street_code:
        return DISTRICT, str(district.get("name") or "")
    streets = uow.tables.streets()
    hit = streets[streets["code"] == street_code]
    if hit.empty:
        raise InvalidInput("report.street_unknown", street=street_code)
    return street_code, str(hit.iloc[0]["name"])


def _staffing(per_comm: pd.DataFrame, day: dt.date) -> dict[str, float | None]:
    c = per_comm[per_comm["day"] == day]
    grids = int(c["grids"].sum())
    shifts = int(c["checkpoint_shifts"].sum())
    out: dict[str, float | None] = {
        "communities": len(c), "population": int(c["population"].sum()),
        "on_duty": int(sum(c[f"on_duty_{k}"].sum() for k in KINDS if f"on_duty_{k}" in c)),
        "shortage": int(c["shortage"].sum()), "short_communities": int((c["shortage"] > 0).sum()),
        "grid_coverage": round(100.0 * float(c["grids_covered"].sum()) / grids, 1) if grids else None,
        "unstaffed_shifts": shifts - int(c["checkpoint_shifts_staffed"].sum()),
        "isolation_active": int(c["isolated_households"].sum()),
        "volunteers_on_duty": int(c["volunteers_on_duty"].sum()),
        "required": int(c["required"].sum()), "available": int(c["available"].sum()),
    }
    return out


def _kinds(per_comm: pd.DataFrame, day: dt.date) -> dict[str, int]:
    c = per_comm[per_comm["day"] == day]
    return {k: int(c[f"on_duty_{k}"].sum()) for k in KINDS if f"on_duty_{k}" in c}


def _gaps_on(uow: UnitOfWork, day: dt.date, today: dt.date) -> pd.DataFrame:
    """The gap engine's community table of ``day``: today's live state, or a past day's end."""
    state = load_state(uow, None if day == today else day)
    return compute_gaps(state, norms_for_day(uow, day)).community


def _scoped(comm: pd.DataFrame, scope: str) -> pd.DataFrame:
    return comm if scope == DISTRICT else comm[comm["street_code"] == scope]


def _in(df: pd.DataFrame, ids: set[int], column: str = "community_id") -> pd.DataFrame:
    return df[df[column].isin(ids)] if len(df) else df


def _events(uow: UnitOfWork, day: dt.date, ids: set[int], moment: dt.datetime) -> dict[str, Any]:
    """The counts of what happened on ``day`` inside the communities ``ids`` (up to ``moment``)."""
    start, end = day_window(day)
    end = min(end, moment)
    moves = _in(uow.reports.moves_between(start, end), ids, "to_community_id")
    new = _in(uow.reports.incidents_reported_between(start, end), ids)
    iso = _in(uow.reports.isolation_days(day, day), ids)
    started = int((pd.to_datetime(iso["start_date"]).dt.date == day).sum()) if len(iso) else 0
    ended = int(((pd.to_datetime(iso["ended_at"]) >= start) & (pd.to_datetime(iso["ended_at"]) < end)).sum()) \
        if len(iso) else 0
    err = _in(uow.reports.errands_touching(end), ids)
    closed = pd.to_datetime(err["closed_at"]) if len(err) else pd.Series(dtype="datetime64[ns]")
    deadline = pd.to_datetime(err["deadline"]) if len(err) else pd.Series(dtype="datetime64[ns]")
    done = int((err["status"].eq("done") & (closed >= start) & (closed < end)).sum()) if len(err) else 0
    still_open = closed.isna() | (closed >= end)
    overdue = int((still_open & ~err["status"].isin(["cancelled"]) & (deadline < end)).sum()) if len(err) else 0
    screen = _in(uow.reports.screening_until(end), ids)
    target = int(screen["target_households"].sum()) if len(screen) else 0
    visited = int(np.minimum(screen["visited"], screen["target_households"]).sum()) if len(screen) else 0
    return {"moves": moves, "new_incidents": new, "isolation_started": started, "isolation_ended": ended,
            "errands_done": done, "errands_overdue": overdue, "screening_target": target,
            "screening_visited": visited,
            "screening_percent": round(100.0 * visited / target, 1) if target else None}


def _moves_summary(moves: pd.DataFrame, names: pd.Series) -> dict[str, Any]:
    if not len(moves):
        return {"batches": 0, "people": 0, "undone_batches": 0, "flows": []}
    kept = moves[moves["undone_at"].isna()]
    flows = (kept.groupby(["from_community_id", "to_community_id"], dropna=False).size().rename("people")
             .reset_index().sort_values(["people", "to_community_id"], ascending=[False, True]).head(SHORTEST))
    return {"batches": int(moves["batch_id"].nunique()), "people": len(kept),
            "undone_batches": int(moves.loc[moves["undone_at"].notna(), "batch_id"].nunique()),
            "flows": [{"from": str(names.get(r.from_community_id, "—")) if pd.notna(r.from_community_id) else "—",
                       "to": str(names.get(r.to_community_id, "—")), "people": int(r.people)}
                      for r in flows.itertuples()]}


def build_content(uow: UnitOfWork, day: dt.date | None = None, street_code: str | None = None,
                  lang: str = "zh", pictures: bool = True) -> dict[str, Any]:
    """The briefing of ``day`` (the clock's day by default: figures as of now; a past day: as of its
    end) for the district or the street ``street_code``, with its two pictures (PNG, base64) drawn
    in ``lang`` unless ``pictures`` is false."""
    today = clock.reference_day(uow)
    day = day or today
    if day > today:
        raise InvalidInput("report.day_in_future", day=day.isoformat())
    district = uow.tables.district() or {"name": ""}
    scope, scope_name = scope_of(uow, street_code, district)
    now = clock.reference_now(uow)
    moment = now if day == today else day_window(day)[1]
    yesterday = day - dt.timedelta(days=1)
    comm = {d: _scoped(_gaps_on(uow, d, today), scope) for d in (day, yesterday)}
    per_comm = pd.concat([c.assign(day=d) for d, c in comm.items()], ignore_index=True)
    ids = set(comm[day]["community_id"].astype(int))
    names = comm[day].set_index("community_id")["name"]
    figures = {d: _staffing(per_comm, d) for d in (day, yesterday)}
    events = {day: _events(uow, day, ids, moment), yesterday: _events(uow, yesterday, ids, moment)}
    start_prev = day_window(yesterday)[0]
    inc = _in(uow.alerts.incidents_open_since(start_prev), ids)
    moments = pd.Series([pd.Timestamp(min(day_window(yesterday)[1], moment)), pd.Timestamp(moment)])
    open_n, overdue_n = incident_counts(inc, moments)
    for i, d in enumerate((yesterday, day)):
        f, e = figures[d], events[d]
        f.update(open_incidents=int(open_n[i]), overdue_incidents=int(overdue_n[i]),
                 new_incidents=len(e["new_incidents"]), isolation_started=e["isolation_started"],
                 isolation_ended=e["isolation_ended"], screening_percent=e["screening_percent"],
                 errands_done=e["errands_done"], errands_overdue=e["errands_overdue"],
                 moved=int(e["moves"]["undone_at"].isna().sum()) if len(e["moves"]) else 0)
    today_c = per_comm[per_comm["day"] == day]
    shortest = today_c[today_c["shortage"] > 0].sort_values(["shortage", "code"], ascending=[False, True]).head(SHORTEST)
    new_inc = events[day]["new_incidents"]
    by_type = (new_inc.groupby("type").size().sort_values(ascending=False) if len(new_inc) else pd.Series(dtype=int))
    street_filter = None if scope == DISTRICT else scope
    alerts = uow.reports.alerts_touching(*day_window(day))
    if street_filter is not None and len(alerts):
        alerts = alerts[alerts["street_code"] == street_filter]
    start, end = day_window(day)
    raised = int(((pd.to_datetime(alerts["first_seen"]) >= start) & (pd.to_datetime(alerts["first_seen"]) < end)).sum()) if len(alerts) else 0
    cleared = int(((pd.to_datetime(alerts["resolved_at"]) >= start) & (pd.to_datetime(alerts["resolved_at"]) < end)).sum()) if len(alerts) else 0
    _, history = gap_history(uow, TREND_DAYS, today=day)
    history = history[history["community_id"].isin(ids)]
    trend = [{"day": pd.Timestamp(d).date().isoformat(), "shortage": int(g["shortage"].sum()),
              "short_communities": int((g["shortage"] > 0).sum())} for d, g in history.groupby("day")]
    kinds_before = _kinds(per_comm, yesterday)
    images: dict[str, str | None] = {"map": None, "trend": None}
    if pictures:
        from core.services.reports import charts

        geometry = uow.state.community_geometry()
        drawn = {"map": charts.gap_map(comm[day][["code", "name", "lon", "lat", "shortage"]], geometry, lang),
                 "trend": charts.trend_chart(trend, lang)}
        images = {k: None if v is None else base64.b64encode(v).decode("ascii") for k, v in drawn.items()}
    return {
        "kind": "daily", "day": day.isoformat(), "scope": scope, "scope_name": scope_name,
        "district": str(district.get("name") or ""), "as_of": moment.replace(microsecond=0).isoformat(),
        "demo": uow.meta.get("demo") == "1",
        "figures": {k: {"value": figures[day].get(k), "previous": figures[yesterday].get(k)} for k in HEADLINE},
        "required": figures[day]["required"], "available": figures[day]["available"],
        "staff_by_kind": {k: {"value": v, "previous": kinds_before.get(k)} for k, v in _kinds(per_comm, day).items()},
        "shortest": [{"community": str(r.name), "street": str(r.street), "required": int(r.required),
                      "available": int(r.available), "shortage": int(r.shortage),
                      "grid_coverage": None if pd.isna(r.grid_coverage) else round(float(r.grid_coverage), 1)}
                     for r in shortest.itertuples()],
        "short_streets": _short_streets(today_c),
        "moves": _moves_summary(events[day]["moves"], names),
        "incidents_by_type": [{"type": str(t), "n": int(n)} for t, n in by_type.items()],
        "alerts": {"raised": raised, "cleared": cleared},
        "screening": {"target": events[day]["screening_target"], "visited": events[day]["screening_visited"]},
        "trend": trend, "images": images, "lang": lang,
    }


def _short_streets(c: pd.DataFrame) -> list[dict[str, Any]]:
    """Streets by their shortage today, largest first (the paragraph names where it is concentrated)."""
    if not len(c):
        return []
    s = c.groupby("street", dropna=False)["shortage"].sum().sort_values(ascending=False)
    return [{"street": str(k), "shortage": int(v)} for k, v in s.items() if v > 0][:3]
