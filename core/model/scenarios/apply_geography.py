"""Applying the changes to the places: risk levels, checkpoints, isolated households and vulnerable
residents (what the requirement of a community is computed from)."""

from __future__ import annotations

import dataclasses

import numpy as np

from core.model.errors import InvalidInput
from core.model.scenarios.changes import COUNT_FIELDS, Checkpoints, Context, Counts, SetRisk
from core.model.scenarios.working import (
    Working,
    community_positions,
    place,
    replace_state,
    street_mask,
    with_columns,
)
from core.model.vocab import RiskLevel


def set_risk(w: Working, ch: SetRisk, ctx: Context) -> Working:
    if ch.level not in {r.value for r in RiskLevel}:
        raise InvalidInput("whatif.change.bad_risk", **place(w, ch), level=repr(ch.level))
    if not ch.communities and not ch.street:
        raise InvalidInput("whatif.change.no_place", **place(w, ch))
    mask = np.zeros(len(w.state.communities), dtype=bool)
    if ch.communities:
        mask[community_positions(w, ch, ch.communities)] = True
    if ch.street:
        mask |= street_mask(w, ch, ch.street)
    risk = w.state.communities["risk_level"].astype(object).to_numpy().copy()
    risk[mask] = ch.level
    comms = with_columns(w.state.communities, risk_level=risk)
    return dataclasses.replace(w, state=replace_state(w, communities=comms))


def checkpoints(w: Working, ch: Checkpoints, ctx: Context) -> Working:
    i = int(community_positions(w, ch, [ch.community])[0])
    c, g = w.state.communities, w.state.grids
    cp = c["checkpoints"].to_numpy(np.int64).copy()
    cp[i] = max(0, cp[i] + int(ch.delta))
    cid = int(c["community_id"].iat[i])
    in_comm = np.flatnonzero(g["community_id"].to_numpy(np.int64) == cid)
    gcp = g["checkpoints"].to_numpy(np.int64).copy()
    if len(in_comm) and ch.delta > 0:  # new posts go to the community's first grid
        gcp[in_comm[0]] += int(ch.delta)
    elif len(in_comm) and ch.delta < 0:  # posts are closed where there are most
        order = in_comm[np.argsort(-gcp[in_comm], kind="stable")]
        have = gcp[order]
        before = np.cumsum(have) - have
        gcp[order] = have - np.clip(-int(ch.delta) - before, 0, have)
    state = replace_state(w, communities=with_columns(c, checkpoints=cp), grids=with_columns(g, checkpoints=gcp))
    return dataclasses.replace(w, state=state)


def split(total: int, weights: np.ndarray) -> np.ndarray:
    """``total`` shared by ``weights`` (equal when all zero): floors, remainder to the biggest fractions."""
    wsum = weights.sum()
    share = weights / wsum if wsum > 0 else np.full(len(weights), 1 / max(len(weights), 1))
    raw = share * total
    base = np.floor(raw + 1e-9).astype(np.int64)
    rest = total - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


def counts(w: Working, ch: Counts, ctx: Context) -> Working:
    if ch.field not in COUNT_FIELDS:
        raise InvalidInput("whatif.change.bad_field", **place(w, ch), allowed=list(COUNT_FIELDS),
                           field=repr(ch.field))
    if (ch.value is None) == (ch.delta is None):
        raise InvalidInput("whatif.change.value_or_delta", **place(w, ch))
    i = int(community_positions(w, ch, [ch.community])[0])
    c, g = w.state.communities, w.state.grids
    vals = c[ch.field].to_numpy(np.int64).copy()
    vals[i] = max(0, int(ch.value) if ch.value is not None else int(vals[i]) + int(ch.delta or 0))
    cid = int(c["community_id"].iat[i])
    in_comm = np.flatnonzero(g["community_id"].to_numpy(np.int64) == cid)
    gvals = g[ch.field].to_numpy(np.int64).copy()
    if len(in_comm):  # the grids share the new count as they shared the old one (else by population)
        cur = gvals[in_comm].astype(float)
        weights = cur if cur.sum() > 0 else g["population"].to_numpy(float)[in_comm]
        gvals[in_comm] = split(int(vals[i]), weights)
    state = replace_state(w, communities=with_columns(c, **{ch.field: vals}),
                          grids=with_columns(g, **{ch.field: gvals}))
    return dataclasses.replace(w, state=state)
