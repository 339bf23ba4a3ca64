"""Reassigning cadres: candidates for a short community, before/after preview, moves, undo, the plan.

Rules (enforced here, whatever the page or CLI does):
* community workers and grid members never move, nor anyone not marked movable or off duty;
* a person is in exactly one community at a time (one open assignment; a unique index backs it);
* a move must not leave its origin short unless the coordinator gives an override reason;
* a party member moved away from their home community needs a reason of its own;
* a coordinator moves only within their streets (origin and destination);
* one confirmation = one transaction = one audit batch (``move_batch``), which can be undone while
  nothing since has moved the same people.
Concurrency: staff rows carry a version (optimistic locking); writers are serialised (SQLite write
lock / PostgreSQL row locks) and the origin's headcount is re-checked inside the transaction.
"""

from __future__ import annotations

import datetime as dt
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
    plan,
    plan_input,
)
from core.model.vocab import PINNED_KINDS, STAFF_KIND_ZH, StaffKind
from core.services.audit import new_batch_id, record
from core.services.gaps import load_gaps
from core.services.norms import norms_for_day
from core.services.staffing import load_state
from core.storage.db import session_scope
from core.storage.repositories import reassign_repo as rr
from core.storage.rows import Assignment
from core.storage.rows.reassign import MoveBatch, MoveItem

ROLES = ("coordinator", "admin")
PREVIEW_COLUMNS = ["community_id", "code", "name", "street_code", "street", "required", "available_before",
                   "available_after", "gap_before", "gap_after", "shortage_before", "shortage_after", "role"]


@dataclass(frozen=True)
class MoveResult:
    batch_id: str
    moved: int
    preview: pd.DataFrame  # every community touched, before and after


def _kind_zh(kind: str) -> str:
    try:
        return STAFF_KIND_ZH[StaffKind(kind)]
    except ValueError:
        return kind


# --- reads ---------------------------------------------------------------------------------------


def candidates(url: str | None, community_id: int, *, include_party: bool = False, streets: Sequence[str] | None = None,
               limit: int = 200, gaps: GapResult | None = None) -> pd.DataFrame:
    """Who could go to ``community_id``: movable, on-duty cadres (and party members if allowed) of
    communities with movable surplus, nearest first (home, then current post), with skills and hours."""
    g = gaps or load_gaps(url)
    comm = g.community.set_index("community_id")
    if community_id not in comm.index:
        raise NotFound(f"社区 {community_id} 不存在")
    donors = comm[(comm["movable_surplus"] > 0) & (comm.index != community_id)]
    if streets is not None:
        donors = donors[donors["street_code"].isin(list(streets))]
    with session_scope(url) as s:
        people = rr.movable_people(s, [int(i) for i in donors.index])
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
    out = out.sort_values(["home_km", "post_km", "hours_week", "staff_id"], ignore_index=True)
    return out.head(limit)


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


def preview_moves(url: str | None, staff_ids: Sequence[int], to_community_id: int,
                  gaps: GapResult | None = None) -> pd.DataFrame:
    """The before/after gap of every community touched by a move (nothing is written)."""
    g = gaps or load_gaps(url)
    with session_scope(url) as s:
        moving = rr.people(s, list(staff_ids))
        versions = rr.community_versions(s, list(moving["community_id"].dropna().astype(int)) + [to_community_id])
    df = preview_table(g.community, moving.assign(to_community_id=int(to_community_id)), g.norms.counted_kinds)
    df["version"] = df["community_id"].map(versions)
    return df


def recent_batches(url: str | None, limit: int = 20) -> pd.DataFrame:
    """The latest move batches (newest first) for the undo list."""
    with session_scope(url) as s:
        return rr.recent_batches(s, limit)


# --- writes --------------------------------------------------------------------------------------


def _check_reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise InvalidInput("请填写调配原因")
    return reason.strip()


def _apply_moves(actor: Actor, url: str | None, moves: Sequence[tuple[int, int]], reason: str, kind: str, *,
                 override_shortage_reason: str | None, party_home_reason: str | None,
                 expected_versions: Mapping[int, int] | None,
                 expected_community_versions: Mapping[int, int] | None) -> MoveResult:
    """The one write path of manual moves and accepted plans: (staff_id, to_community_id) pairs."""
    reason = _check_reason(reason)
    if not moves:
        raise InvalidInput("请至少选择一名人员")
    staff_ids = [int(s) for s, _ in moves]
    if len(set(staff_ids)) != len(staff_ids):
        raise InvalidInput("同一人员在一次调配中只能出现一次")
    dest = {int(s): int(t) for s, t in moves}
    # requirements do not change with moves; headcounts are re-read under the lock. ``extra`` is what
    # the gap engine counts besides on-duty counted staff (e.g. deployed volunteers), held constant.
    state = load_state(url)
    gaps = compute_gaps(state, norms_for_day(url, dt.date.today()))
    required = gaps.community.set_index("community_id")["required"]
    counted_kinds = list(gaps.norms.counted_kinds)
    st_ = state.staff
    at_load = st_[st_["on_duty"] & st_["kind"].astype(str).isin(counted_kinds)].groupby("community_id").size()
    extra = (gaps.community.set_index("community_id")["available"]
             - at_load.reindex(gaps.community["community_id"]).fillna(0).to_numpy()).astype("int64")
    batch_id = new_batch_id()
    with session_scope(url) as s:
        rr.lock_for_moves(s)
        places = rr.staff_places(s, staff_ids)
        missing = sorted(set(staff_ids) - set(places))
        if missing:
            raise NotFound(f"人员不存在：{missing}")
        touched = {c for c in places.values() if c is not None} | set(dest.values())
        comms = rr.lock_communities(s, touched)
        for t in set(dest.values()):
            if t not in comms:
                raise NotFound(f"目标社区 {t} 不存在")
        streets = rr.street_codes(s, touched)
        require(actor, *ROLES, streets=sorted({streets[c] for c in touched}))
        staff = rr.lock_staff(s, staff_ids)
        for sid, st in staff.items():
            if st.community_id != places[sid]:
                raise ConcurrentChange(f"{st.name}（{st.code}）刚被他人调动，已为您刷新，请重新选择")
            if expected_versions is not None and sid in expected_versions and st.version != int(expected_versions[sid]):
                raise ConcurrentChange(f"{st.name}（{st.code}）的信息刚被他人修改，已为您刷新，请重新选择")
        _check_rules(staff, dest, party_home_reason)
        moving = pd.DataFrame({"kind": [staff[i].kind for i in staff_ids], "on_duty": [staff[i].on_duty for i in staff_ids],
                               "community_id": [staff[i].community_id for i in staff_ids],
                               "to_community_id": [dest[i] for i in staff_ids]})
        counted_now = rr.counted_on_duty(s, touched, counted_kinds)
        after = {c: counted_now.get(c, 0) + int(extra.get(c, 0)) for c in touched}
        for sid, st in staff.items():
            if st.on_duty and st.kind in counted_kinds and st.community_id is not None:
                after[st.community_id] = after.get(st.community_id, 0) - 1
                after[dest[sid]] = after.get(dest[sid], 0) + 1
        origins = {st.community_id for st in staff.values()} - set(dest.values())
        short = [c for c in sorted(o for o in origins if o is not None)
                 if after.get(c, 0) < int(required.get(c, 0))]
        if short and not (override_shortage_reason and override_shortage_reason.strip()):
            names = "、".join(f"{comms[c].name}（调出后缺 {int(required.get(c, 0)) - after.get(c, 0)} 人）"
                             for c in short)
            stale = [c for c in short if expected_community_versions is not None
                     and c in expected_community_versions and comms[c].version != int(expected_community_versions[c])]
            if stale:
                raise ConcurrentChange(f"{names}的人员刚被他人调走，已为您刷新；当前再调出会造成缺口，请重新选择")
            raise RuleViolation(f"调出将使{names}出现缺口；如确需调配，请填写超缺口调配理由")
        when = rr.now()
        opened = rr.open_assignments(s, staff_ids)
        prev_grid: dict[int, int | None] = {sid: st.grid_id for sid, st in staff.items()}
        for a in opened:
            a.valid_to = when
        rr.flush(s)
        items: list[MoveItem] = []
        for sid in staff_ids:
            st = staff[sid]
            frm, to = st.community_id, dest[sid]
            s.add(Assignment(staff_id=sid, community_id=to, grid_id=None, valid_from=when, batch_id=batch_id))
            items.append(MoveItem(batch_id=batch_id, staff_id=sid, from_community_id=frm,
                                  from_grid_id=prev_grid[sid], to_community_id=to))
            record(s, actor, "staff.move", "staff", sid, community_code=comms[to].code,
                   before={"community_id": frm, "community_code": comms[frm].code if frm in comms else None,
                           "grid_id": prev_grid[sid]},
                   after={"community_id": to, "community_code": comms[to].code, "kind": kind},
                   reason=reason, batch_id=batch_id)
            st.community_id, st.grid_id = to, None
        rr.flush(s)
        rr.bump_versions(s, touched)
        rr.add_batch(s, MoveBatch(id=batch_id, actor=actor.username, reason=reason, kind=kind, created_at=when,
                                  moves=len(items)), items)
        record(s, actor, f"move.{kind}", "move_batch", batch_id, before=None,
               after={"moves": len(items), "communities": sorted(touched),
                      "override_shortage_reason": override_shortage_reason if short else None,
                      "party_home_reason": party_home_reason},
               reason=reason, batch_id=batch_id)
        rr.flush(s)
    preview = preview_table(gaps.community, moving, counted_kinds)
    return MoveResult(batch_id=batch_id, moved=len(staff_ids), preview=preview)


def _check_rules(staff: Mapping[int, Any], dest: Mapping[int, int], party_home_reason: str | None) -> None:
    pinned = {k.value for k in PINNED_KINDS}
    for sid, st in staff.items():
        who = f"{st.name}（{st.code}，{_kind_zh(st.kind)}）"
        if st.kind in pinned:
            raise RuleViolation(f"{who}不可调配：社区工作者和网格员固定在本社区")
        if not st.movable:
            raise RuleViolation(f"{who}未登记为可调配人员")
        if not st.on_duty:
            raise RuleViolation(f"{who}当前不在岗，不能调配")
        if st.community_id == dest[sid]:
            raise RuleViolation(f"{who}已在目标社区")
        if (st.kind == StaffKind.PARTY_MEMBER.value and st.home_community_id is not None
                and st.home_community_id != dest[sid] and not (party_home_reason and party_home_reason.strip())):
            raise RuleViolation(f"{who}是在职党员，调离居住地社区须填写理由")


@write_service(*ROLES)
def move_staff(actor: Actor, url: str | None, staff_ids: Sequence[int], to_community_id: int, reason: str,
               override_shortage_reason: str | None = None, expected_versions: Mapping[int, int] | None = None,
               expected_community_versions: Mapping[int, int] | None = None,
               party_home_reason: str | None = None) -> MoveResult:
    """Move people to one community in one transaction and one audited batch."""
    return _apply_moves(actor, url, [(int(s), int(to_community_id)) for s in staff_ids], reason, "manual",
                        override_shortage_reason=override_shortage_reason, party_home_reason=party_home_reason,
                        expected_versions=expected_versions, expected_community_versions=expected_community_versions)


@write_service(*ROLES)
def apply_plan(actor: Actor, url: str | None, plan_: Plan, selected_rows: Sequence[int] | None, reason: str,
               override_shortage_reason: str | None = None) -> MoveResult:
    """Commit all (``selected_rows=None``) or some rows of a suggested plan as one audited batch."""
    moves = plan_.moves if selected_rows is None else plan_.moves.iloc[list(selected_rows)]
    if not plan_.options.keep_origin_at_requirement and override_shortage_reason is None:
        override_shortage_reason = reason  # the coordinator chose to let origins go below requirement
    opts = plan_.options
    party_reason = reason if (not opts.respect_party_home or opts.party_home_weight_km is not None) else None
    expected = (dict(zip(moves["staff_id"].astype(int), moves["version"].astype(int), strict=False))
                if "version" in moves else None)
    return _apply_moves(actor, url, list(zip(moves["staff_id"].astype(int), moves["to_community_id"].astype(int), strict=False)),
                        reason, "plan", override_shortage_reason=override_shortage_reason,
                        party_home_reason=party_reason, expected_versions=expected, expected_community_versions=None)


@write_service(*ROLES)
def undo_batch(actor: Actor, url: str | None, batch_id: str, reason: str) -> str:
    """Put everyone of a batch back where they were; allowed while nobody of it has been moved since."""
    reason = _check_reason(reason)
    undo_id = new_batch_id()
    with session_scope(url) as s:
        rr.lock_for_moves(s)
        batch = rr.get_batch(s, batch_id, lock=True)
        if batch is None:
            raise NotFound(f"调配批次 {batch_id} 不存在")
        if batch.undone_at is not None:
            raise RuleViolation(f"调配批次 {batch_id} 已于 {batch.undone_at:%m-%d %H:%M} 撤销")
        items = rr.batch_items(s, batch_id)
        staff_ids = [it.staff_id for it in items]
        touched = {it.to_community_id for it in items} | {it.from_community_id for it in items if it.from_community_id}
        comms = rr.lock_communities(s, touched)
        streets = rr.street_codes(s, touched)
        require(actor, *ROLES, streets=sorted({streets[c] for c in touched}))
        staff = rr.lock_staff(s, staff_ids)
        later = rr.later_live_moves(s, batch, staff_ids)
        moved_since = [sid for sid in staff_ids if staff[sid].community_id != next(
            it.to_community_id for it in items if it.staff_id == sid)]
        if later or moved_since:
            who = "、".join(f"{staff[i].name}（{staff[i].code}）" for i in sorted(set(later) | set(moved_since)))
            raise RuleViolation(f"此后{who}又被调动过，不能撤销这一批；请先撤销之后的批次")
        when = rr.now()
        for a in rr.open_assignments(s, staff_ids):
            a.valid_to = when
        rr.flush(s)
        for it in items:
            st = staff[it.staff_id]
            s.add(Assignment(staff_id=it.staff_id, community_id=it.from_community_id, grid_id=it.from_grid_id,
                             valid_from=when, batch_id=undo_id))
            record(s, actor, "staff.move_undo", "staff", it.staff_id,
                   community_code=comms[it.from_community_id].code if it.from_community_id in comms else None,
                   before={"community_id": it.to_community_id, "community_code": comms[it.to_community_id].code},
                   after={"community_id": it.from_community_id, "grid_id": it.from_grid_id, "undoes": batch_id},
                   reason=reason, batch_id=undo_id)
            st.community_id, st.grid_id = it.from_community_id, it.from_grid_id
        rr.flush(s)
        rr.bump_versions(s, touched)
        batch.undone_at, batch.undone_by, batch.undo_batch_id = when, actor.username, undo_id
        record(s, actor, "move.undo", "move_batch", batch_id, before={"moves": batch.moves},
               after={"undone_at": when.isoformat(), "undo_batch_id": undo_id}, reason=reason, batch_id=undo_id)
        rr.flush(s)
    return undo_id


# --- the suggested plan ---------------------------------------------------------------------------


def suggest_plan(url: str | None, options: PlanOptions = DEFAULT_OPTIONS, streets: Sequence[str] | None = None,
                 gaps: GapResult | None = None) -> Plan:
    """The suggested plan over the district, or over ``streets`` only (donors and receivers both inside)."""
    g = gaps or load_gaps(url)
    comm = g.community
    if streets:
        comm = comm[comm["street_code"].isin(list(streets))]
    with session_scope(url) as s:
        people = rr.movable_people(s, [int(i) for i in comm["community_id"]])
    pin = plan_input(comm, people, options, g.norms.counted_kinds)
    pool = people[eligible_mask(people, options, g.norms.counted_kinds)]
    result = plan(pin, pool, options)
    if len(result.moves):
        info = people.set_index("id")
        result.moves["version"] = result.moves["staff_id"].map(info["version"]).astype("int64")
        result.moves["name"] = result.moves["staff_id"].map(info["name"])
        names = comm.set_index("community_id")
        result.moves["from_community"] = result.moves["from_community_id"].map(names["name"])
        result.moves["to_community"] = result.moves["to_community_id"].map(names["name"])
    return result


def today_utc() -> dt.date:
    return dt.datetime.now(dt.UTC).date()
