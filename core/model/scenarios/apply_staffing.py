"""Applying the changes to the people: more cadres (onto the worst gaps or named communities), people
off duty, the norms, and moves of named people."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from core.model.errors import InvalidInput, NotFound
from core.model.gaps import ceil_people, multipliers, positions
from core.model.norms import Norms
from core.model.scenarios.apply_geography import split
from core.model.scenarios.changes import AddCadres, Context, MoveStaff, NormChange, OffDuty
from core.model.scenarios.working import (
    Working,
    community_positions,
    place,
    record_moves,
    replace_state,
    staff_ids,
    street_mask,
    with_columns,
)
from core.model.state import KIND_CATEGORIES, StaffingState
from core.model.vocab import StaffKind

#: the codes of hypothetical cadres: ``NEW-<unit>-<n>`` (they have negative staff ids)
ADDED_PREFIX = "NEW-"


def community_balance(state: StaffingState, norms: Norms) -> tuple[np.ndarray, np.ndarray]:
    """Required and available headcount per community (the gap engine's community terms, without the
    grid level, streets and coverage that a change in the middle of a scenario does not need)."""
    c, s = state.communities, state.staff
    n = len(c)
    cid = c["community_id"].to_numpy(np.int64)
    g_pos = positions(cid, state.grids["community_id"].to_numpy(np.int64))
    n_grids = np.bincount(g_pos[g_pos >= 0], minlength=n)
    raw = (norms.base_per_10k_residents * c["population"].to_numpy(float) / 10_000
           + norms.grid_members_per_grid * n_grids + norms.people_per_checkpoint_day * c["checkpoints"].to_numpy(float)
           + c["isolated_households"].to_numpy(float) / norms.isolated_households_per_person
           + c["vulnerable_residents"].to_numpy(float) / norms.vulnerable_residents_per_person)
    required = ceil_people(multipliers(c["risk_level"], norms) * raw)
    pos = positions(cid, s["community_id"].to_numpy(np.int64))
    counted_kind = np.isin(np.array(KIND_CATEGORIES), list(norms.counted_kinds))
    codes = s["kind"].cat.codes.to_numpy(np.int64)
    counted = (pos >= 0) & (codes >= 0) & s["on_duty"].to_numpy(bool) & counted_kind[np.maximum(codes, 0)]
    return required, np.bincount(pos[counted], minlength=n)


def worst_gap_allocation(shortage: np.ndarray, gap: np.ndarray, n: int) -> np.ndarray:
    """Give ``n`` people where the shortage is worst (water-filling: raise the worst to a common level),
    any left over to the communities closest to running short. Vectorised (bisection on the level)."""
    out = np.zeros(len(shortage), dtype=np.int64)
    if n <= 0 or len(shortage) == 0:
        return out
    s = np.maximum(shortage.astype(np.int64), 0)
    if s.sum() <= n:
        out += s
    else:
        lo, hi = 0, int(s.max())  # smallest level t with sum(max(0, s - t)) <= n
        while lo < hi:
            mid = (lo + hi) // 2
            if np.maximum(s - mid, 0).sum() <= n:
                hi = mid
            else:
                lo = mid + 1
        out += np.maximum(s - lo, 0)
        left = n - int(out.sum())
        at_level = np.flatnonzero(s - out >= lo) if lo > 0 else np.empty(0, dtype=np.int64)
        order = at_level[np.argsort(-s[at_level], kind="stable")]
        out[order[:left]] += 1
        return out
    left = n - int(out.sum())
    order = np.argsort(-gap.astype(float), kind="stable")
    per, extra = divmod(left, len(order))
    out += per
    out[order[:extra]] += 1
    return out


def add_cadres(w: Working, ch: AddCadres, ctx: Context) -> Working:
    if int(ch.n) <= 0 or int(ch.n) > 100_000:
        raise InvalidInput("whatif.change.bad_n", **place(w, ch), n=ch.n)
    if ch.unit not in set(ctx.units["code"].astype(str)):
        raise NotFound("whatif.change.unit_missing", **place(w, ch), codes=[ch.unit])
    c = w.state.communities
    if ch.communities:
        pos = community_positions(w, ch, ch.communities)
        per = split(int(ch.n), np.ones(len(pos)))
    else:
        required, available = community_balance(w.state, w.norms)
        alloc = worst_gap_allocation(np.maximum(required - available, 0), required - available, int(ch.n))
        pos = np.flatnonzero(alloc)
        per = alloc[pos]
    comm_ids = np.repeat(c["community_id"].to_numpy(np.int64)[pos], per)
    old = w.state.staff
    first = int(min(0, old["staff_id"].min() if len(old) else 0)) - 1
    ids = np.arange(first, first - len(comm_ids), -1, dtype=np.int64)
    k = len(ids)
    staff = pd.DataFrame({
        "staff_id": np.concatenate([old["staff_id"].to_numpy(np.int64), ids]),
        "community_id": np.concatenate([old["community_id"].to_numpy(np.int64), comm_ids]),
        "grid_id": np.concatenate([old["grid_id"].to_numpy(np.int64), np.full(k, -1, dtype=np.int64)]),
        "kind": pd.Categorical.from_codes(np.concatenate([old["kind"].cat.codes.to_numpy(np.int64),
                                                          np.full(k, KIND_CATEGORIES.index("cadre"))]),
                                          categories=KIND_CATEGORIES),
        "on_duty": np.concatenate([old["on_duty"].to_numpy(bool), np.ones(k, bool)]),
        "movable": np.concatenate([old["movable"].to_numpy(bool), np.ones(k, bool)]),
        "volunteer_type": np.concatenate([old["volunteer_type"].to_numpy(object), np.full(k, None, dtype=object)]),
    })
    added = pd.concat([w.added, pd.DataFrame({"staff_id": ids, "code": [f"{ADDED_PREFIX}{ch.unit}-{-i}" for i in ids],
                                              "unit_code": ch.unit})], ignore_index=True)
    return dataclasses.replace(w, state=replace_state(w, staff=staff), added=added)


#: the longest absence a scenario may time (a year); longer is "until further notice" (no days)
MAX_ABSENCE_DAYS = 365


def off_duty(w: Working, ch: OffDuty, ctx: Context) -> Working:
    s = w.state.staff
    if ch.share is None and not ch.street and not ch.staff_kind and not ch.staff:
        raise InvalidInput("whatif.change.nobody_named", **place(w, ch))
    if ch.share is not None and not 0 <= float(ch.share) <= 1:
        raise InvalidInput("whatif.change.bad_share", **place(w, ch), share=ch.share)
    if ch.days is not None and not 1 <= int(ch.days) <= MAX_ABSENCE_DAYS:
        raise InvalidInput("whatif.change.bad_days", **place(w, ch), days=ch.days, most=MAX_ABSENCE_DAYS)
    pick = s["on_duty"].to_numpy(bool).copy()
    if ch.street:
        cids = w.state.communities["community_id"].to_numpy(np.int64)[street_mask(w, ch, ch.street)]
        pick &= np.isin(s["community_id"].to_numpy(np.int64), cids)
    if ch.staff_kind:
        if ch.staff_kind not in {k.value for k in StaffKind}:
            raise InvalidInput("whatif.change.bad_staff_kind", **place(w, ch), staff_kind=repr(ch.staff_kind))
        pick &= (s["kind"].astype(str) == ch.staff_kind).to_numpy()
    if ch.staff:
        pick &= np.isin(s["staff_id"].to_numpy(np.int64), staff_ids(w, ctx, ch, ch.staff))
    if ch.share is not None:
        cand = np.flatnonzero(pick)
        k = int(round(float(ch.share) * len(cand)))
        chosen = np.random.default_rng(int(ch.seed)).choice(cand, size=k, replace=False) if k else cand[:0]
        pick = np.zeros(len(s), dtype=bool)
        pick[chosen] = True
    on = s["on_duty"].to_numpy(bool) & ~pick
    return dataclasses.replace(w, state=replace_state(w, staff=with_columns(s, on_duty=on)))


def norms_change(w: Working, ch: NormChange, ctx: Context) -> Working:
    merged = w.norms.to_params()
    for k, v in (ch.params or {}).items():
        merged[k] = {**merged["risk_multiplier"], **v} if k == "risk_multiplier" and isinstance(v, dict) else v
    if ch.shift_hours is not None:
        if not 1 <= float(ch.shift_hours) <= 24:
            raise InvalidInput("whatif.change.bad_shift_hours", **place(w, ch), hours=ch.shift_hours)
        merged["checkpoint_shifts_per_day"] = round(24.0 / float(ch.shift_hours), 6)
    try:
        norms = Norms.from_params(merged)
    except InvalidInput as exc:
        raise InvalidInput("whatif.change.invalid", **place(w, ch), cause=exc) from exc
    return dataclasses.replace(w, norms=norms)


def move(w: Working, ch: MoveStaff, ctx: Context) -> Working:
    if not ch.staff:
        raise InvalidInput("whatif.change.nobody_to_move", **place(w, ch))
    ids = staff_ids(w, ctx, ch, ch.staff)
    to = int(w.state.communities["community_id"].iat[int(community_positions(w, ch, [ch.to])[0])])
    staff, moves = record_moves(w, ctx, ids, np.full(len(ids), to, dtype=np.int64), "move")
    return dataclasses.replace(w, state=replace_state(w, staff=staff), moves=moves)
