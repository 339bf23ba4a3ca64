"""Door-to-door screening campaigns (地毯式排查, "数电灯"): targets per grid, progress, schedule.

Who could be sent to the grids behind schedule is ``core.services.screening_helpers`` (it asks the
reassignment workflow; this module never imports it, since staffing reads the workload from here).

Arithmetic (all vectorised over the campaign's grids):
* visited = Σ entries' visited (each entry: households knocked since the last one; at home + not at home);
  coverage % = min(visited, target) / target × 100;
* the schedule is linear from start to deadline: share(t) = clip((t − start) / (deadline − start), 0, 1),
  expected by now = target × share(now);
* a grid is behind schedule when expected − visited ≥ max(1, tolerance × target) (default tolerance 5 %),
  its shortfall = ceil(expected − visited);
* the burn-down is remaining = Σ target − Σ visited so far, sampled over the campaign, beside the ideal line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.model.actor import Actor, require, write_service
from core.model.errors import InvalidInput, NotFound, RuleViolation
from core.services import clock
from core.services.audit import new_batch_id, record
from core.services.uow import UnitOfWork

ROLES = ("coordinator", "admin")
ENTRY_ROLES = ("coordinator", "clerk", "admin")
TOLERANCE = 0.05


def schedule_share(start: dt.datetime, deadline: dt.datetime, at: dt.datetime) -> float:
    """Share of the work a linear schedule expects done by ``at`` (0 before start, 1 from the deadline)."""
    span = (deadline - start).total_seconds()
    if span <= 0:
        return 1.0
    return float(min(1.0, max(0.0, (at - start).total_seconds() / span)))


def grid_progress(targets: pd.DataFrame, progress: pd.DataFrame, start: dt.datetime, deadline: dt.datetime,
                  now: dt.datetime, tolerance: float = TOLERANCE) -> pd.DataFrame:
    """Per grid: target, visited, at home, not at home, discrepancies, coverage %, expected, shortfall, behind."""
    cols = ["visited", "at_home", "not_home", "discrepancies"]
    done = progress[pd.to_datetime(progress["at"]) <= pd.Timestamp(now)] if len(progress) else progress
    sums = done.groupby("grid_id")[cols].sum() if len(done) else pd.DataFrame(columns=cols, dtype="int64")
    out = targets.join(sums, on="grid_id")
    out[cols] = out[cols].fillna(0).astype(np.int64)
    target = out["target_households"].to_numpy(float)
    visited = out["visited"].to_numpy(float)
    out["coverage_pct"] = np.where(target > 0, np.minimum(visited, target) / np.where(target > 0, target, 1) * 100,
                                   100.0).round(1)
    expected = target * schedule_share(start, deadline, now)
    out["expected"] = np.round(expected, 1)
    lag = expected - visited
    out["shortfall"] = np.maximum(0, np.ceil(np.round(lag, 6))).astype(np.int64)
    out["behind"] = lag >= np.maximum(1.0, tolerance * target)
    out["remaining"] = np.maximum(0, target - visited).astype(np.int64)
    return out


def summary(grids: pd.DataFrame, start: dt.datetime, deadline: dt.datetime, now: dt.datetime) -> dict[str, Any]:
    target = int(grids["target_households"].sum())
    visited = int(np.minimum(grids["visited"], grids["target_households"]).sum())
    expected = target * schedule_share(start, deadline, now)
    return {
        "grids": len(grids), "target": target, "visited": visited,
        "coverage_pct": round(visited / target * 100, 1) if target else 100.0,
        "expected": int(round(expected)), "expected_pct": round(schedule_share(start, deadline, now) * 100, 1),
        "behind_grids": int(grids["behind"].sum()), "shortfall": int(grids.loc[grids["behind"], "shortfall"].sum()),
        "at_home": int(grids["at_home"].sum()), "not_home": int(grids["not_home"].sum()),
        "discrepancies": int(grids["discrepancies"].sum()),
        "hours_left": round(max(0.0, (deadline - now).total_seconds() / 3600), 1),
        "complete_grids": int((grids["remaining"] == 0).sum()),
    }


def burn_down(targets: pd.DataFrame, progress: pd.DataFrame, start: dt.datetime, deadline: dt.datetime,
              now: dt.datetime, points: int = 24) -> pd.DataFrame:
    """Long form (at, series, remaining): "actual" up to now, "ideal" over the whole campaign."""
    total = float(targets["target_households"].sum())
    end = min(now, deadline)
    ticks = pd.date_range(start, max(end, start), periods=points + 1) if end > start else pd.DatetimeIndex([start])
    if len(progress):
        p = progress.sort_values("at")
        times = pd.to_datetime(p["at"]).to_numpy()
        cum = np.cumsum(p["visited"].to_numpy(float))
        k = np.searchsorted(times, ticks.to_numpy(), side="right")
        done = np.where(k > 0, cum[np.maximum(k - 1, 0)], 0.0)
    else:
        done = np.zeros(len(ticks))
    actual = pd.DataFrame({"at": ticks, "series": "actual", "remaining": np.maximum(0.0, total - np.minimum(done, total))})
    ideal = pd.DataFrame({"at": [pd.Timestamp(start), pd.Timestamp(deadline)], "series": "ideal",
                          "remaining": [total, 0.0]})
    return pd.concat([actual, ideal], ignore_index=True)


# --- writes --------------------------------------------------------------------------------------


def grid_targets(grids: pd.DataFrame, targets: dict[int, int] | None = None, *,
                 total: int | None = None) -> pd.DataFrame:
    """``grids`` (grid_id, households, ...) with ``target_households``: each grid's households, or
    ``targets`` (grid id → households) where given, or ``total`` split over the grids in proportion to
    their households (largest remainder: the parts sum to ``total`` exactly; equal parts when no grid
    has households). Shared by campaigns opened here and campaigns imported from a file."""
    if total is not None:
        weights = grids["households"].to_numpy(float).clip(min=0)
        if weights.sum() <= 0:
            weights = np.ones(len(grids))
        quota = total * weights / max(float(weights.sum()), 1.0)
        parts = np.floor(quota).astype(np.int64)
        extra = np.argsort(-(quota - parts), kind="stable")[:int(total - parts.sum())]
        parts[extra] += 1
        t = grids.assign(target_households=parts)
    else:
        t = grids.assign(target_households=grids["grid_id"].map(targets or {}).fillna(grids["households"]))
    if (t["target_households"] < 0).any():
        raise InvalidInput("screening.negative_target")
    return t


@write_service(*ROLES)
def create_campaign(uow: UnitOfWork, actor: Actor, name: str, start: dt.datetime, deadline: dt.datetime, *,
                    community_ids: list[int] | None = None, targets: dict[int, int] | None = None) -> int:
    """Open a campaign over all grids (or the grids of some communities); target = each grid's households
    unless ``targets`` (grid id → households) says otherwise. Returns the campaign id."""
    if not name.strip():
        raise InvalidInput("screening.name_missing")
    if deadline <= start:
        raise InvalidInput("screening.deadline_before_start")
    grids = uow.screening.grid_households(community_ids)
    if grids.empty:
        raise InvalidInput("screening.no_grids")
    streets = set()
    for cid in grids["community_id"].unique():  # the communities of the scope (a few dozen)
        comm = uow.tables.community_ref(int(cid))
        assert comm is not None
        streets.add(comm["street_code"])
    require(actor, *ROLES, streets=sorted(streets) if actor.streets is not None else ())
    t = grid_targets(grids, targets)
    code = f"P{start:%Y%m%d%H%M}"
    row = uow.screening.add_campaign(code=code, name=name.strip(), started_at=start, deadline=deadline,
                                     status="active", created_by=actor.username)
    uow.screening.insert_targets([{"campaign_id": row.id, "grid_id": int(g), "target_households": int(n)}
                                  for g, n in zip(t["grid_id"], t["target_households"], strict=False)])
    record(uow, actor, "screening.create", "screening_campaign", code,
           after={"name": name, "start": start.isoformat(), "deadline": deadline.isoformat(),
                  "grids": len(t), "target": int(t["target_households"].sum())}, batch_id=new_batch_id())
    return int(row.id)


def _set_status(uow: UnitOfWork, actor: Actor, campaign_id: int, status: str, reason: str) -> str:
    if not reason or not reason.strip():
        raise InvalidInput("desk.reason_missing")
    uow.incidents.serialise_writers()
    camp = uow.desk.lock_campaign(int(campaign_id))
    if camp is None:
        raise NotFound("screening.campaign_missing", id=campaign_id)
    require(actor, *ROLES, streets=uow.desk.campaign_streets(camp.id) if actor.streets is not None else ())
    if camp.status == status:
        raise RuleViolation("desk.campaign_already_closed" if status == "closed" else "desk.campaign_already_active",
                            code=camp.code)
    before, camp.status = camp.status, status
    uow.desk.flush()
    record(uow, actor, "screening.close" if status == "closed" else "screening.reopen", "screening_campaign",
           camp.code, before={"status": before}, after={"status": status}, reason=reason.strip(),
           batch_id=new_batch_id())
    return str(camp.code)


@write_service(*ROLES)
def close_campaign(uow: UnitOfWork, actor: Actor, campaign_id: int, reason: str) -> str:
    """Close a running campaign (it stops counting in the staffing workload); returns its code."""
    return _set_status(uow, actor, campaign_id, "closed", reason)


@write_service(*ROLES)
def reopen_campaign(uow: UnitOfWork, actor: Actor, campaign_id: int, reason: str) -> str:
    """Reopen a closed campaign (the undo of ``close_campaign``); returns its code."""
    return _set_status(uow, actor, campaign_id, "active", reason)


def running_campaign(uow: UnitOfWork, campaign_id: int) -> Any:
    """The campaign, once writers are serialised, if it is still running (an entry for an ended one is refused)."""
    uow.incidents.serialise_writers()
    camp = uow.screening.campaign(campaign_id)
    if camp is None:
        raise NotFound("screening.campaign_missing", id=campaign_id)
    if camp.status != "active":
        raise RuleViolation("screening.campaign_ended", code=camp.code)
    return camp


def visited_within_target(uow: UnitOfWork, campaign_id: int, grid: dict[str, Any], target: int, visited: int) -> int:
    """The grid's households visited so far; refused when ``visited`` more would pass its target."""
    before = uow.screening.progress(campaign_id)
    so_far = int(before.loc[before["grid_id"] == grid["id"], "visited"].sum()) if len(before) else 0
    if so_far + visited > target:
        raise RuleViolation("screening.over_target", grid=grid["code"], target=target, so_far=so_far, visited=visited)
    return so_far


@write_service(*ENTRY_ROLES)
def record_progress(uow: UnitOfWork, actor: Actor, campaign_id: int, grid_id: int, *, at_home: int, not_home: int,
                    discrepancies: int = 0, building: str = "", now: dt.datetime | None = None) -> int:
    """Add households visited in a grid (or one building of it) since the last report; returns the grid's total."""
    now = now or clock.wall_now()
    if min(at_home, not_home, discrepancies) < 0:
        raise InvalidInput("screening.negative_households")
    visited = at_home + not_home
    if visited == 0:
        raise InvalidInput("screening.visits_missing")
    if discrepancies > visited:
        raise InvalidInput("screening.too_many_discrepancies")
    camp = running_campaign(uow, campaign_id)
    g = uow.screening.grid_street(grid_id)
    target = uow.screening.target_of(campaign_id, grid_id)
    if g is None or target is None:
        raise NotFound("screening.grid_not_in_campaign", grid_id=grid_id, code=camp.code)
    require(actor, *ENTRY_ROLES, streets=[g["street_code"]])
    so_far = visited_within_target(uow, campaign_id, g, target, visited)
    uow.screening.insert_progress([{"campaign_id": campaign_id, "grid_id": grid_id, "building": building.strip(),
                                    "at": now, "visited": visited, "at_home": at_home, "not_home": not_home,
                                    "discrepancies": discrepancies, "entered_by": actor.username}])
    record(uow, actor, "screening.progress", "screening_campaign", camp.code, community_code=g["community_code"],
           after={"grid": g["code"], "building": building, "visited": visited, "at_home": at_home,
                  "not_home": not_home, "discrepancies": discrepancies, "total": so_far + visited},
           batch_id=new_batch_id())
    return so_far + visited


# --- reads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignView:
    campaign: dict[str, Any]
    grids: pd.DataFrame
    burn: pd.DataFrame
    summary: dict[str, Any]
    now: dt.datetime


def campaigns(uow: UnitOfWork) -> pd.DataFrame:
    return uow.screening.campaigns()


def load_campaign(uow: UnitOfWork, campaign_id: int | None = None,
                  now: dt.datetime | None = None) -> CampaignView | None:
    """A campaign (default: the newest active one) with per-grid progress, the burn-down and the totals."""
    now = now or clock.wall_now()
    camps = uow.screening.campaigns()
    if camps.empty:
        return None
    if campaign_id is None:
        active = camps[camps["status"] == "active"]
        campaign_id = int((active if len(active) else camps)["id"].iat[0])
    row = camps[camps["id"] == campaign_id]
    if row.empty:
        raise NotFound("screening.campaign_missing", id=campaign_id)
    targets = uow.screening.targets(campaign_id)
    prog = uow.screening.progress(campaign_id)
    c = row.iloc[0].to_dict()
    start, deadline = pd.Timestamp(c["started_at"]).to_pydatetime(), pd.Timestamp(c["deadline"]).to_pydatetime()
    grids = grid_progress(targets, prog, start, deadline, now)
    return CampaignView(c, grids, burn_down(targets, prog, start, deadline, now), summary(grids, start, deadline, now), now)


def workload(grids: pd.DataFrame, deadline: dt.datetime, now: dt.datetime) -> pd.DataFrame:
    """Screening workload per community: households still to visit and the daily pace needed to finish
    by the deadline (remaining / days left, at least half a day) — the input of a staffing norm term
    ``screening_households_per_person_per_day``."""
    days_left = max(0.5, (deadline - now).total_seconds() / 86400)
    out = grids.groupby("community_id", as_index=False)["remaining"].sum()
    out["households_per_day"] = np.where(now < deadline, out["remaining"] / days_left, 0.0).round(1)
    return out


def workload_by_community(uow: UnitOfWork, now: dt.datetime | None = None) -> pd.DataFrame:
    """Workload of every active campaign, summed per community (empty when no campaign is running)."""
    now = now or clock.wall_now()
    return workload_on_days(uow, [now])[now]


def _of_campaign(rows: pd.DataFrame, campaign_id: int) -> pd.DataFrame:
    return rows[rows["campaign_id"].to_numpy() == campaign_id].drop(columns="campaign_id").reset_index(drop=True)


def workload_on_days(uow: UnitOfWork, moments: list[dt.datetime]) -> dict[dt.datetime, pd.DataFrame]:
    """The workload at each moment (one read; each moment cut in memory): a campaign counts from its
    start to its deadline, with the progress recorded before that moment. The same figures as
    ``workload(grid_progress(...))`` of each running campaign summed per community
    (tests/storage/test_screening_workload.py), counted with cumulative sums instead of a frame a moment."""
    camps = uow.screening.campaigns()
    active = camps[camps["status"] == "active"].to_dict("records")  # a handful at most
    ids = [int(c["id"]) for c in active]
    running = []
    if ids:  # two reads for all running campaigns, only the columns the workload needs
        targets, progress = uow.screening.workload_targets(ids), uow.screening.workload_progress(ids)
        running = [_CampaignWork(c, _of_campaign(targets, int(c["id"])), _of_campaign(progress, int(c["id"])))
                   for c in active]
    out: dict[dt.datetime, pd.DataFrame] = {}
    for now in moments:
        parts = [w for w in (r.at(now) for r in running) if w is not None]
        if not parts:
            out[now] = pd.DataFrame({"community_id": pd.Series(dtype="int64"), "remaining": pd.Series(dtype="int64"),
                                     "households_per_day": pd.Series(dtype=float)})
            continue
        comm = np.concatenate([p[0] for p in parts])
        keys, inv = np.unique(comm, return_inverse=True)
        out[now] = pd.DataFrame({
            "community_id": keys.astype(np.int64),
            "remaining": np.bincount(inv, weights=np.concatenate([p[1] for p in parts]).astype(float),
                                     minlength=len(keys)).round().astype(np.int64),
            "households_per_day": np.bincount(inv, weights=np.concatenate([p[2] for p in parts]), minlength=len(keys)),
        })
    return out


class _CampaignWork:
    """One running campaign's targets and progress, sorted once; ``at(now)`` is its workload per community
    at a moment (community ids, households remaining, households a day) or None before it starts."""

    def __init__(self, campaign: dict[str, Any], targets: pd.DataFrame, progress: pd.DataFrame) -> None:
        self.start = pd.Timestamp(campaign["started_at"]).to_pydatetime()
        self.deadline = pd.Timestamp(campaign["deadline"]).to_pydatetime()
        self.target = targets["target_households"].to_numpy(float)
        self.communities, self.of_grid = np.unique(targets["community_id"].to_numpy(np.int64), return_inverse=True)
        at = pd.to_datetime(progress["at"]).to_numpy("datetime64[us]") if len(progress) else np.array([], "datetime64[us]")
        order = np.argsort(at, kind="stable")
        self.times = at[order]
        row = pd.Index(targets["grid_id"].to_numpy(np.int64)).get_indexer(progress["grid_id"].to_numpy(np.int64))
        self.row = row[order]
        self.visited = progress["visited"].to_numpy(float)[order] if len(progress) else np.array([], float)

    def at(self, now: dt.datetime) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        if self.start > now:
            return None
        k = int(np.searchsorted(self.times, np.datetime64(now, "us"), side="right"))
        row, visited = self.row[:k], self.visited[:k]
        done = np.bincount(row[row >= 0], weights=visited[row >= 0], minlength=len(self.target))
        remaining = np.maximum(0, self.target - done).astype(np.int64)
        per_comm = np.bincount(self.of_grid, weights=remaining.astype(float), minlength=len(self.communities))
        days_left = max(0.5, (self.deadline - now).total_seconds() / 86400)
        per_day = np.where(now < self.deadline, per_comm / days_left, 0.0).round(1)
        return self.communities, per_comm, per_day
