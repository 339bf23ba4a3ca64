"""Reassigning cadres: candidates for a short community, before/after preview, moves, undo, the plan.

Rules (enforced here, whatever the page or CLI does):
* community workers and grid members never move, nor anyone not marked movable or off duty;
* a person is in exactly one community at a time (one open assignment; a unique index backs it);
* a move must not leave its origin short unless the coordinator gives an override reason;
* a party member moved away from their home community needs a reason of its own;
* a coordinator moves only within their streets (origin and destination);
* one confirmation = one unit of work = one audit batch (``move_batch``), which can be undone while
  nothing since has moved the same people.
Concurrency: staff rows carry a version (optimistic locking); writers are serialised (SQLite write
lock taken before anything is read / PostgreSQL row locks) and the origin's headcount is re-checked
inside the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.model.actor import Actor, require, write_service
from core.model.errors import ConcurrentChange, InvalidInput, NotFound, RuleViolation
from core.model.gaps import GapResult, compute_gaps
from core.model.geo import haversine_km
from core.model.optimizer.network import (
    DEFAULT_OPTIONS,
    Plan,
    PlanOptions,
    eligible_mask,
    plan_input,
)
from core.model.optimizer.planner import plan
from core.model.vocab import PINNED_KINDS, StaffKind
from core.services import clock, rosters
from core.services.audit import new_batch_id, record
from core.services.gaps import load_gaps
from core.services.norms import norms_for_day
from core.services.staffing import load_state
from core.services.uow import UnitOfWork

ROLES = ("coordinator", "admin")
SHIFT_CHOICES = ("keep", "release")  # what a move does with the movers' roster shifts
PREVIEW_COLUMNS = ["community_id", "code", "name", "street_code", "street", "required", "available_before",
                   "available_after", "gap_before", "gap_after", "shortage_before", "shortage_after", "role"]



@dataclass(frozen=True)
class MoveResult:
    batch_id: str
    moved: int
    preview: pd.DataFrame  # every community touched, before and after
    released_shifts: int = 0  # roster shifts given up by the move (``shifts="release"``)


# --- reads ---------------------------------------------------------------------------------------


def candidates(uow: UnitOfWork, community_id: int, *, include_party: bool = False,
               streets: Sequence[str] | None = None, limit: int = 200, gaps: GapResult | None = None) -> pd.DataFrame:
    """Who could go to ``community_id``: movable, on-duty cadres (and party members if allowed) of
    communities with movable surplus, nearest first (home, then current post), with skills and hours; nobody
    over a fatigue limit of the rosters (``rosters.long_haul``: they need rest, not another post)."""
    return candidates_for_many(uow, [community_id], include_party=include_party, streets=streets, limit=limit,
                               gaps=gaps)[community_id]


CANDIDATE_COLUMNS = ["staff_id", "staff_code", "name", "kind", "unit", "from_community_id", "from_community",
                     "from_street_code", "from_surplus", "home_km", "post_km", "skills", "hours_week",
                     "home_community_id", "version"]


def candidates_for_many(uow: UnitOfWork, community_ids: Sequence[int], *, include_party: bool = False,
                        streets: Sequence[str] | None = None, limit: int = 200,
                        gaps: GapResult | None = None) -> dict[int, pd.DataFrame]:
    """``candidates`` of several communities: the people read and described once, then for each
    community only its distances and its nearest ``limit`` (a city's screening campaign asks for 360
    communities at once). Order: home km, post km, hours, staff id."""
    g = gaps or load_gaps(uow)
    comm = g.community.set_index("community_id")
    for community_id in community_ids:
        if community_id not in comm.index:
            raise NotFound("reassign.community_missing", id=community_id)
    donors = comm[comm["movable_surplus"] > 0]
    if streets is not None:
        donors = donors[donors["street_code"].isin(list(streets))]
    donor_ids = [int(i) for i in donors.index]
    people = uow.reassign.movable_people(donor_ids)
    people = people[~people["id"].isin(rosters.over_limit_ids(uow))]  # over a fatigue limit: rest, not a move
    kinds = [StaffKind.CADRE.value] + ([StaffKind.PARTY_MEMBER.value] if include_party else [])
    people = people[people["kind"].isin(kinds) & people["kind"].isin(list(g.norms.counted_kinds))]
    post_lon = people["community_id"].map(comm["lon"]).to_numpy(float)
    post_lat = people["community_id"].map(comm["lat"]).to_numpy(float)
    home_lon = people["home_lon"].fillna(people["community_id"].map(comm["lon"])).to_numpy(float)
    home_lat = people["home_lat"].fillna(people["community_id"].map(comm["lat"])).to_numpy(float)
    base = pd.DataFrame({
        "staff_id": people["id"], "staff_code": people["code"], "name": people["name"], "kind": people["kind"],
        "unit": people["unit"], "from_community_id": people["community_id"],
        "from_community": people["community_id"].map(comm["name"]),
        "from_street_code": people["community_id"].map(comm["street_code"]),
        "from_surplus": people["community_id"].map(comm["movable_surplus"]).astype("int64"),
        "home_km": 0.0, "post_km": 0.0,
        "skills": people["skills"].fillna(""), "hours_week": people["hours_week"].astype(float),
        "home_community_id": people["home_community_id"], "version": people["version"].astype("int64"),
    })[CANDIDATE_COLUMNS].reset_index(drop=True)
    origin = base["from_community_id"].to_numpy()
    ids, hours = base["staff_id"].to_numpy(), base["hours_week"].to_numpy(float)
    picked, home, post, sizes = [], [], [], []
    for community_id in community_ids:
        target = comm.loc[community_id]
        at = np.flatnonzero(origin != community_id)  # a community never gives to itself
        home_km = np.round(haversine_km(home_lon[at], home_lat[at], float(target["lon"]), float(target["lat"])), 2)
        post_km = np.round(haversine_km(post_lon[at], post_lat[at], float(target["lon"]), float(target["lat"])), 2)
        order = np.lexsort((ids[at], hours[at], post_km, home_km))[:limit]
        picked.append(at[order])
        home.append(home_km[order])
        post.append(post_km[order])
        sizes.append(len(order))
    # one frame for all the communities, cut into each community's rows at the end
    rows = base.iloc[np.concatenate(picked) if picked else np.array([], np.int64)].reset_index(drop=True)
    if picked:
        rows["home_km"], rows["post_km"] = np.concatenate(home), np.concatenate(post)
    ends = np.cumsum(sizes)
    out: dict[int, pd.DataFrame] = {}
    for community_id, end, size in zip(community_ids, ends, sizes, strict=True):
        out[community_id] = rows.iloc[end - size:end].reset_index(drop=True)
    return out


def preview_table(gap_comm: pd.DataFrame, moving: pd.DataFrame, counted_kinds: Sequence[str]) -> pd.DataFrame:
    """Before/after of every community touched by ``moving`` (staff rows: kind, on_duty, community_id,
    to_community_id); only counted, on-duty people change the available headcount."""
    counted = moving[moving["kind"].isin(list(counted_kinds)) & moving["on_duty"].astype(bool)
                     & (moving["community_id"] != moving["to_community_id"])]
    ids = sorted(set(int(i) for i in moving["community_id"].dropna()) | set(int(i) for i in moving["to_community_id"]))
    c = gap_comm.set_index("community_id").loc[ids]
    out_n = counted.groupby("community_id").size().reindex(c.index).fillna(0).astype("int64")
    in_n = counted.groupby("to_community_id").size().reindex(c.index).fillna(0).astype("int64")
    after = c["available"] + in_n - out_n
    df = pd.DataFrame({
        "community_id": c.index, "code": c["code"], "name": c["name"], "street_code": c["street_code"],
        "street": c["street"], "required": c["required"], "available_before": c["available"],
        "available_after": after, "gap_before": c["required"] - c["available"], "gap_after": c["required"] - after,
    })
    df["shortage_before"] = df["gap_before"].clip(lower=0)
    df["shortage_after"] = df["gap_after"].clip(lower=0)
    df["role"] = np.where(df["community_id"].isin(set(int(i) for i in moving["to_community_id"])), "to", "from")
    return df[PREVIEW_COLUMNS].sort_values(["role", "gap_after"], ascending=[False, False]).reset_index(drop=True)


def preview_moves(uow: UnitOfWork, staff_ids: Sequence[int], to_community_id: int,
                  gaps: GapResult | None = None) -> pd.DataFrame:
    """The before/after gap of every community touched by a move (nothing is written)."""
    g = gaps or load_gaps(uow)
    moving = uow.reassign.people(list(staff_ids))
    versions = uow.reassign.community_versions(list(moving["community_id"].dropna().astype(int)) + [to_community_id])
    df = preview_table(g.community, moving.assign(to_community_id=int(to_community_id)), g.norms.counted_kinds)
    df["version"] = df["community_id"].map(versions)
    return df


def recent_batches(uow: UnitOfWork, limit: int = 20) -> pd.DataFrame:
    """The latest move batches (newest first) for the undo list."""
    return uow.reassign.recent_batches(limit)


# --- writes --------------------------------------------------------------------------------------


def _check_reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise InvalidInput("reassign.reason_missing")
    return reason.strip()


def _headcount_basis(uow: UnitOfWork) -> tuple[GapResult, pd.Series, list[str], pd.Series]:
    """Read inside the caller's (locked) unit of work: the gaps, the requirement per community, the
    counted kinds and ``extra``, what the gap engine counts besides on-duty counted staff (e.g.
    deployed volunteers), held constant while the moves are checked."""
    state = load_state(uow)
    gaps = compute_gaps(state, norms_for_day(uow, clock.reference_day(uow)))
    by_id = gaps.community.set_index("community_id")
    counted_kinds = list(gaps.norms.counted_kinds)
    staff = state.staff
    at_load = (staff[staff["on_duty"] & staff["kind"].astype(str).isin(counted_kinds)]
               .groupby("community_id").size())
    extra = (by_id["available"] - at_load.reindex(gaps.community["community_id"]).fillna(0).to_numpy()).astype("int64")
    return gaps, by_id["required"], counted_kinds, extra


def _apply_moves(uow: UnitOfWork, actor: Actor, moves: Sequence[tuple[int, int]], reason: str, kind: str, *,
                 override_shortage_reason: str | None, party_home_reason: str | None,
                 expected_versions: Mapping[int, int] | None,
                 expected_community_versions: Mapping[int, int] | None, shifts: str = "keep") -> MoveResult:
    """The one write path of manual moves and accepted plans: (staff_id, to_community_id) pairs. ``shifts``:
    what becomes of the movers' roster shifts from now on — ``keep`` (they stay theirs) or ``release``
    (those at posts outside the community they go to are freed, audited in the same batch)."""
    reason = _check_reason(reason)
    if shifts not in SHIFT_CHOICES:
        raise InvalidInput("reassign.shifts_choice", choice=shifts)
    if not moves:
        raise InvalidInput("reassign.nobody_selected")
    staff_ids = [int(s) for s, _ in moves]
    if len(set(staff_ids)) != len(staff_ids):
        raise InvalidInput("reassign.person_twice")
    dest = {int(s): int(t) for s, t in moves}
    unseen = sorted(set(staff_ids) - set(int(k) for k in (expected_versions or {})))
    if unseen:  # every caller says which version of each person it showed: a stale view never moves anyone
        raise InvalidInput("reassign.versions_missing", ids=unseen)
    repo = uow.reassign
    repo.lock_for_moves()  # first: SQLite takes its write lock before anything is read
    gaps, required, counted_kinds, extra = _headcount_basis(uow)
    batch_id = new_batch_id()
    places = repo.staff_places(staff_ids)
    missing = sorted(set(staff_ids) - set(places))
    if missing:
        raise NotFound("reassign.staff_missing", ids=missing)
    touched = {c for c in places.values() if c is not None} | set(dest.values())
    comms = repo.lock_communities(touched)
    for to in sorted(set(dest.values())):
        if to not in comms:
            raise NotFound("reassign.target_missing", id=to)
    streets = repo.street_codes(touched)
    require(actor, *ROLES, streets=sorted({streets[c] for c in touched}))
    staff = repo.lock_staff(staff_ids)
    for sid, st in staff.items():
        if st.community_id != places[sid]:
            raise ConcurrentChange("reassign.moved_by_other", staff=st.code)
        if expected_versions is not None and st.version != int(expected_versions[sid]):
            raise ConcurrentChange("reassign.changed_by_other", staff=st.code)
    _check_rules(staff, dest, party_home_reason)
    moving = pd.DataFrame({"kind": [staff[i].kind for i in staff_ids], "on_duty": [staff[i].on_duty for i in staff_ids],
                           "community_id": [staff[i].community_id for i in staff_ids],
                           "to_community_id": [dest[i] for i in staff_ids]})
    counted_now = repo.counted_on_duty(touched, counted_kinds)
    after = {c: counted_now.get(c, 0) + int(extra.get(c, 0)) for c in touched}
    for sid, st in staff.items():
        if st.on_duty and st.kind in counted_kinds and st.community_id is not None:
            after[st.community_id] = after.get(st.community_id, 0) - 1
            after[dest[sid]] = after.get(dest[sid], 0) + 1
    origins = {st.community_id for st in staff.values()} - set(dest.values())
    short = [c for c in sorted(o for o in origins if o is not None) if after.get(c, 0) < int(required.get(c, 0))]
    if short and not (override_shortage_reason and override_shortage_reason.strip()):
        params: dict[str, Any] = {"communities": [comms[c].code for c in short],
                                  "shortfalls": [int(required.get(c, 0)) - after.get(c, 0) for c in short]}
        stale = [c for c in short if expected_community_versions is not None
                 and c in expected_community_versions and comms[c].version != int(expected_community_versions[c])]
        if stale:
            raise ConcurrentChange("reassign.origin_drained", **params)
        raise RuleViolation("reassign.origin_short", **params)
    when = clock.exact_now()
    prev_grid: dict[int, int | None] = {sid: st.grid_id for sid, st in staff.items()}
    repo.close_open_assignments(staff_ids, when)
    items: list[dict[str, Any]] = []
    for sid in staff_ids:
        st = staff[sid]
        frm, to = st.community_id, dest[sid]
        repo.add_assignment(staff_id=sid, community_id=to, grid_id=None, valid_from=when, batch_id=batch_id)
        items.append({"staff_id": sid, "from_community_id": frm, "from_grid_id": prev_grid[sid], "to_community_id": to})
        record(uow, actor, "staff.move", "staff", sid, community_code=comms[to].code,
               before={"community_id": frm, "community_code": comms[frm].code if frm in comms else None,
                       "grid_id": prev_grid[sid]},
               after={"community_id": to, "community_code": comms[to].code, "kind": kind},
               reason=reason, batch_id=batch_id)
        st.community_id, st.grid_id = to, None
    repo.flush()
    repo.bump_versions(touched)
    repo.add_batch(batch_id=batch_id, actor=actor.username, reason=reason, kind=kind, created_at=when, items=items)
    record(uow, actor, f"move.{kind}", "move_batch", batch_id, before=None,
           after={"moves": len(items), "communities": sorted(touched),
                  "override_shortage_reason": override_shortage_reason if short else None,
                  "party_home_reason": party_home_reason},
           reason=reason, batch_id=batch_id)
    repo.flush()
    released = rosters.release_for_moves(uow, actor, dest, batch_id, reason) if shifts == "release" else 0
    preview = preview_table(gaps.community, moving, counted_kinds)
    return MoveResult(batch_id=batch_id, moved=len(staff_ids), preview=preview, released_shifts=released)


def _check_rules(staff: Mapping[int, Any], dest: Mapping[int, int], party_home_reason: str | None) -> None:
    pinned = {k.value for k in PINNED_KINDS}
    for sid, st in staff.items():
        if st.kind in pinned:
            raise RuleViolation("reassign.pinned", staff=st.code, kind=st.kind)
        if not st.movable:
            raise RuleViolation("reassign.not_movable", staff=st.code)
        if not st.on_duty:
            raise RuleViolation("reassign.off_duty", staff=st.code)
        if st.community_id == dest[sid]:
            raise RuleViolation("reassign.already_there", staff=st.code)
        if (st.kind == StaffKind.PARTY_MEMBER.value and st.home_community_id is not None
                and st.home_community_id != dest[sid] and not (party_home_reason and party_home_reason.strip())):
            raise RuleViolation("reassign.party_home_reason", staff=st.code)


@write_service(*ROLES)
def move_staff(uow: UnitOfWork, actor: Actor, staff_ids: Sequence[int], to_community_id: int, reason: str,
               override_shortage_reason: str | None = None, expected_versions: Mapping[int, int] | None = None,
               expected_community_versions: Mapping[int, int] | None = None,
               party_home_reason: str | None = None, shifts: str = "keep") -> MoveResult:
    """Move people to one community, in the caller's unit of work, as one audited batch."""
    return _apply_moves(uow, actor, [(int(s), int(to_community_id)) for s in staff_ids], reason, "manual",
                        override_shortage_reason=override_shortage_reason, party_home_reason=party_home_reason,
                        expected_versions=expected_versions, expected_community_versions=expected_community_versions,
                        shifts=shifts)


@write_service(*ROLES)
def apply_plan(uow: UnitOfWork, actor: Actor, suggested: Plan, selected_rows: Sequence[int] | None, reason: str,
               override_shortage_reason: str | None = None, shifts: str = "keep") -> MoveResult:
    """Commit all (``selected_rows=None``) or some rows of a suggested plan as one audited batch."""
    moves = suggested.moves if selected_rows is None else suggested.moves.iloc[list(selected_rows)]
    if not suggested.options.keep_origin_at_requirement and override_shortage_reason is None:
        override_shortage_reason = reason  # the coordinator chose to let origins go below requirement
    opts = suggested.options
    party_reason = reason if (not opts.respect_party_home or opts.party_home_weight_km is not None) else None
    expected = (dict(zip(moves["staff_id"].astype(int), moves["version"].astype(int), strict=False))
                if "version" in moves else None)
    pairs = list(zip(moves["staff_id"].astype(int), moves["to_community_id"].astype(int), strict=False))
    return _apply_moves(uow, actor, pairs, reason, "plan", override_shortage_reason=override_shortage_reason,
                        party_home_reason=party_reason, expected_versions=expected, expected_community_versions=None,
                        shifts=shifts)


@write_service(*ROLES)
def undo_batch(uow: UnitOfWork, actor: Actor, batch_id: str, reason: str) -> str:
    """Put everyone of a batch back where they were; allowed while nobody of it has been moved since."""
    reason = _check_reason(reason)
    undo_id = new_batch_id()
    repo = uow.reassign
    repo.lock_for_moves()
    batch = repo.get_batch(batch_id, lock=True)
    if batch is None:
        raise NotFound("reassign.batch_missing", batch=batch_id)
    if batch.undone_at is not None:
        raise RuleViolation("reassign.batch_undone", batch=batch_id, when=f"{batch.undone_at:%m-%d %H:%M}")
    items = repo.batch_items(batch_id)
    staff_ids = [it.staff_id for it in items]
    touched = {it.to_community_id for it in items} | {it.from_community_id for it in items if it.from_community_id}
    comms = repo.lock_communities(touched)
    streets = repo.street_codes(touched)
    require(actor, *ROLES, streets=sorted({streets[c] for c in touched}))
    staff = repo.lock_staff(staff_ids)
    later = repo.later_live_moves(batch, staff_ids)
    moved_to = {it.staff_id: it.to_community_id for it in items}
    moved_since = [sid for sid in staff_ids if staff[sid].community_id != moved_to[sid]]
    if later or moved_since:
        raise RuleViolation("reassign.moved_since",
                            staff=[staff[i].code for i in sorted(set(later) | set(moved_since))])
    when = clock.exact_now()
    repo.close_open_assignments(staff_ids, when)
    for it in items:
        st = staff[it.staff_id]
        repo.add_assignment(staff_id=it.staff_id, community_id=it.from_community_id, grid_id=it.from_grid_id,
                            valid_from=when, batch_id=undo_id)
        record(uow, actor, "staff.move_undo", "staff", it.staff_id,
               community_code=comms[it.from_community_id].code if it.from_community_id in comms else None,
               before={"community_id": it.to_community_id, "community_code": comms[it.to_community_id].code},
               after={"community_id": it.from_community_id, "grid_id": it.from_grid_id, "undoes": batch_id},
               reason=reason, batch_id=undo_id)
        st.community_id, st.grid_id = it.from_community_id, it.from_grid_id
    repo.flush()
    repo.bump_versions(touched)
    batch.undone_at, batch.undone_by, batch.undo_batch_id = when, actor.username, undo_id
    record(uow, actor, "move.undo", "move_batch", batch_id, before={"moves": batch.moves},
           after={"undone_at": when.isoformat(), "undo_batch_id": undo_id}, reason=reason, batch_id=undo_id)
    repo.flush()
    return undo_id


# --- the suggested plan ---------------------------------------------------------------------------


def suggest_plan(uow: UnitOfWork, options: PlanOptions = DEFAULT_OPTIONS, streets: Sequence[str] | None = None,
                 gaps: GapResult | None = None) -> Plan:
    """The suggested plan over the district, or over ``streets`` only (donors and receivers both inside)."""
    g = gaps or load_gaps(uow)
    comm = g.community
    if streets:
        comm = comm[comm["street_code"].isin(list(streets))]
    people = uow.reassign.movable_people([int(i) for i in comm["community_id"]])
    people = people[~people["id"].isin(rosters.over_limit_ids(uow))]  # never proposed over a fatigue limit
    community_table = plan_input(comm, people, options, g.norms.counted_kinds)
    pool = people[eligible_mask(people, options, g.norms.counted_kinds)]
    result = plan(community_table, pool, options)
    if len(result.moves):
        info = people.set_index("id")
        result.moves["version"] = result.moves["staff_id"].map(info["version"]).astype("int64")
        result.moves["name"] = result.moves["staff_id"].map(info["name"])
        names = comm.set_index("community_id")
        result.moves["from_community"] = result.moves["from_community_id"].map(names["name"])
        result.moves["to_community"] = result.moves["to_community_id"].map(names["name"])
    return result
