"""The scenario state while changes are applied (``Working``), and what every applier shares: looking
up the communities, streets and people a change names, replacing frames copy-on-write, recording moves.

A missing reference raises ``NotFound`` with the place of the change (``position``: its 1-based
number, ``kind``: its type) and the codes that were not found; the text is in ``core.i18n.whatif``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.model.errors import NotFound
from core.model.norms import Norms
from core.model.scenarios.changes import Context
from core.model.state import StaffingState


@dataclass(frozen=True)
class Working:
    state: StaffingState
    norms: Norms
    moves: pd.DataFrame  # MOVE_COLUMNS, in order
    added: pd.DataFrame  # staff_id, code, unit_code of hypothetical cadres
    position: int = 0  # 1-based number of the change being applied (for messages)


def place(w: Working, change: Any) -> dict[str, Any]:
    """The parameters that locate an error in the scenario: the change's number and kind."""
    return {"position": w.position, "kind": change.kind}


def community_positions(w: Working, change: Any, codes: Sequence[str]) -> np.ndarray:
    codes_arr = w.state.communities["code"].astype(str).to_numpy()
    idx = pd.Index(codes_arr).get_indexer(list(codes))
    missing = [c for c, i in zip(codes, idx, strict=True) if i < 0]
    if missing:
        raise NotFound("whatif.change.community_missing", **place(w, change), codes=missing)
    return np.asarray(idx, dtype=np.int64)


def street_mask(w: Working, change: Any, street: str) -> np.ndarray:
    mask = (w.state.communities["street_code"].astype(str) == street).to_numpy()
    if not mask.any():
        raise NotFound("whatif.change.street_missing", **place(w, change), codes=[street])
    return mask


def staff_ids(w: Working, ctx: Context, change: Any, codes: Sequence[str]) -> np.ndarray:
    known = pd.concat([ctx.people[["staff_id", "code"]], w.added[["staff_id", "code"]]], ignore_index=True)
    lookup = pd.Series(known["staff_id"].to_numpy(np.int64), index=known["code"].astype(str).to_numpy())
    lookup = lookup[~lookup.index.duplicated()]
    idx = lookup.index.get_indexer(list(codes))
    missing = [c for c, i in zip(codes, idx, strict=True) if i < 0]
    if missing:
        raise NotFound("whatif.change.staff_missing", **place(w, change), codes=missing)
    return lookup.to_numpy()[idx]


def with_columns(df: pd.DataFrame, **cols: Any) -> pd.DataFrame:
    """A new frame sharing every other column with ``df`` (copy-on-write): ``df`` is never changed."""
    out = df.copy(deep=False)
    for k, v in cols.items():
        out[k] = v
    return out


def replace_state(w: Working, **frames: pd.DataFrame) -> StaffingState:
    return dataclasses.replace(w.state, **frames)


def record_moves(w: Working, ctx: Context, ids: np.ndarray, to_ids: np.ndarray,
                 source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The staff frame with ``ids`` placed in ``to_ids`` (off their grid), and the moves so far."""
    s = w.state.staff
    pos = pd.Index(s["staff_id"].to_numpy(np.int64)).get_indexer(ids)
    cid = s["community_id"].to_numpy(np.int64).copy()
    gid = s["grid_id"].to_numpy(np.int64).copy()
    frm = cid[pos]
    cid[pos], gid[pos] = to_ids, -1
    codes = ctx.people_columns(ids)["code"].astype(object)
    if len(w.added):
        extra = pd.Series(w.added["code"].to_numpy(), index=w.added["staff_id"].to_numpy(np.int64))
        codes = np.where(ids < 0, extra.reindex(ids).to_numpy(), codes)
    rec = pd.DataFrame({"staff_id": ids, "staff_code": codes, "from_community_id": frm,
                        "to_community_id": to_ids, "source": source, "change": w.position})
    moves = rec if w.moves.empty else pd.concat([w.moves, rec], ignore_index=True)
    return with_columns(s, community_id=cid, grid_id=gid), moves
