"""What-if changes: small frozen dataclasses, each with a ``kind`` tag, and how each one is applied.

Applying a change never mutates its input: it returns a new ``Working`` (state, norms, moves made so
far) whose frames share every untouched column with the input (pandas copy-on-write), so the live
state cached by a page is never altered. Every reference (community, street, unit, staff code) is
checked and a missing one raises ``NotFound`` with a Chinese message naming the change and the codes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from core.model.errors import InvalidInput, NotFound
from core.model.norms import Norms
from core.model.state import KIND_CATEGORIES, StaffingState
from core.model.vocab import RiskLevel, StaffKind

KIND_ZH = {
    "set_risk": "调整风险等级", "checkpoints": "增减卡点", "counts": "调整隔离户数/重点关爱人数",
    "add_cadres": "增派下沉干部", "off_duty": "人员离岗", "norms": "调整配置标准", "move": "调动人员",
    "apply_plan": "采纳建议调配方案",
}
COUNT_FIELDS = {"isolated_households": "居家隔离户数", "vulnerable_residents": "重点关爱人数"}
PLAN_OPTION_KEYS = ("max_km", "keep_origin_at_requirement", "respect_party_home", "max_moves_per_community")
MOVE_COLUMNS = ["staff_id", "staff_code", "from_community_id", "to_community_id", "source", "change"]


# --- the change types ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SetRisk:
    """Set the risk level of some communities, or of every community of a street."""

    kind: ClassVar[str] = "set_risk"
    level: str
    communities: tuple[str, ...] = ()
    street: str | None = None


@dataclass(frozen=True)
class Checkpoints:
    """Add (delta > 0) or remove (delta < 0) checkpoints of one community."""

    kind: ClassVar[str] = "checkpoints"
    community: str
    delta: int


@dataclass(frozen=True)
class Counts:
    """Set (``value``) or shift (``delta``) the isolated households or vulnerable residents of a community."""

    kind: ClassVar[str] = "counts"
    community: str
    field: str  # isolated_households | vulnerable_residents
    value: int | None = None
    delta: int | None = None


@dataclass(frozen=True)
class AddCadres:
    """N more cadres from unit U, split over named communities, or (none named) onto the worst gaps."""

    kind: ClassVar[str] = "add_cadres"
    unit: str
    n: int
    communities: tuple[str, ...] = ()


@dataclass(frozen=True)
class OffDuty:
    """Take people off duty: named staff, or everyone on duty matching street/kind, optionally a share
    of them (drawn with ``seed``, so the same scenario always takes the same people)."""

    kind: ClassVar[str] = "off_duty"
    share: float | None = None
    street: str | None = None
    staff_kind: str | None = None
    staff: tuple[str, ...] = ()
    seed: int = 1


@dataclass(frozen=True)
class NormChange:
    """Change norm parameters (``params`` as in ``Norms.to_params``; multipliers merged by level);
    ``shift_hours`` sets the shifts per day to 24 / hours."""

    kind: ClassVar[str] = "norms"
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    shift_hours: float | None = None


@dataclass(frozen=True)
class MoveStaff:
    """Move named people to a community (as a coordinator would)."""

    kind: ClassVar[str] = "move"
    staff: tuple[str, ...]
    to: str


@dataclass(frozen=True)
class ApplyPlan:
    """Apply the optimiser's suggested plan, computed on the scenario state at this point."""

    kind: ClassVar[str] = "apply_plan"
    options: dict[str, Any] = dataclasses.field(default_factory=dict)


Change = SetRisk | Checkpoints | Counts | AddCadres | OffDuty | NormChange | MoveStaff | ApplyPlan
CHANGE_TYPES: dict[str, type] = {c.kind: c for c in (SetRisk, Checkpoints, Counts, AddCadres, OffDuty, NormChange,
                                                    MoveStaff, ApplyPlan)}


# --- what a change is applied to -----------------------------------------------------------------


PEOPLE_COLUMNS = ["staff_id", "code", "unit_code", "home_lon", "home_lat", "home_community_id", "skills", "hours_week"]


@dataclass(frozen=True)
class Context:
    """Reference data besides the state: units (code, name) and people (``PEOPLE_COLUMNS``: code, unit,
    home, skills, hours; no names or phones). Either may be empty."""

    units: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["code", "name"]))
    people: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PEOPLE_COLUMNS))

    def __post_init__(self) -> None:
        # people as numpy columns sorted by id, for fast look-ups on every evaluation
        order = np.argsort(self.people["staff_id"].to_numpy(np.int64), kind="stable")
        cols = {c: self.people[c].to_numpy()[order] for c in PEOPLE_COLUMNS if c in self.people}
        object.__setattr__(self, "_cols", cols)

    def people_columns(self, ids: np.ndarray) -> dict[str, np.ndarray]:
        """Each people column for ``ids`` (missing ids: NaN / None)."""
        cols: dict[str, np.ndarray] = self._cols  # type: ignore[attr-defined]
        known = cols.get("staff_id", np.empty(0, dtype=np.int64)).astype(np.int64)
        if len(known) == 0:
            return {c: np.full(len(ids), None, dtype=object) for c in PEOPLE_COLUMNS[1:]}
        i = np.minimum(np.searchsorted(known, ids), len(known) - 1)
        hit = known[i] == ids
        out = {}
        for c in PEOPLE_COLUMNS[1:]:
            v = cols[c][i] if c in cols else np.full(len(ids), None, dtype=object)
            if not hit.all():
                fill: Any = np.nan if v.dtype.kind == "f" else None
                v = np.where(hit, v, fill)
            out[c] = v
        return out


@dataclass(frozen=True)
class Working:
    state: StaffingState
    norms: Norms
    moves: pd.DataFrame  # MOVE_COLUMNS, in order
    added: pd.DataFrame  # staff_id, code, unit_code of hypothetical cadres
    position: int = 0  # 1-based number of the change being applied (for messages)


def _where(w: Working, change: Any) -> str:
    return f"第 {w.position} 项变更（{KIND_ZH[change.kind]}）"


def _community_pos(w: Working, change: Any, codes: Sequence[str]) -> np.ndarray:
    codes_arr = w.state.communities["code"].astype(str).to_numpy()
    idx = pd.Index(codes_arr).get_indexer(list(codes))
    missing = [c for c, i in zip(codes, idx, strict=True) if i < 0]
    if missing:
        raise NotFound(f"{_where(w, change)}引用的社区不存在：{'、'.join(missing)}（可能已被删除或合并，请修改情景）",
                       codes=missing)
    return np.asarray(idx, dtype=np.int64)


def _street_mask(w: Working, change: Any, street: str) -> np.ndarray:
    mask = (w.state.communities["street_code"].astype(str) == street).to_numpy()
    if not mask.any():
        raise NotFound(f"{_where(w, change)}引用的街道不存在：{street}", codes=[street])
    return mask


def _staff_ids(w: Working, ctx: Context, change: Any, codes: Sequence[str]) -> np.ndarray:
    known = pd.concat([ctx.people[["staff_id", "code"]], w.added[["staff_id", "code"]]], ignore_index=True)
    lookup = pd.Series(known["staff_id"].to_numpy(np.int64), index=known["code"].astype(str).to_numpy())
    lookup = lookup[~lookup.index.duplicated()]
    idx = lookup.index.get_indexer(list(codes))
    missing = [c for c, i in zip(codes, idx, strict=True) if i < 0]
    if missing:
        raise NotFound(f"{_where(w, change)}引用的人员不存在：{'、'.join(missing)}", codes=missing)
    return lookup.to_numpy()[idx]


def _with_columns(df: pd.DataFrame, **cols: Any) -> pd.DataFrame:
    """A new frame sharing every other column with ``df`` (copy-on-write): ``df`` is never changed."""
    out = df.copy(deep=False)
    for k, v in cols.items():
        out[k] = v
    return out


def _replace_state(w: Working, **frames: pd.DataFrame) -> StaffingState:
    return dataclasses.replace(w.state, **frames)


# --- appliers -------------------------------------------------------------------------------------


def _set_risk(w: Working, ch: SetRisk, ctx: Context) -> Working:
    if ch.level not in {r.value for r in RiskLevel}:
        raise InvalidInput(f"{_where(w, ch)}：风险等级应为 low/medium/high，现为 {ch.level!r}")
    if not ch.communities and not ch.street:
        raise InvalidInput(f"{_where(w, ch)}：请指定社区或街道")
    mask = np.zeros(len(w.state.communities), dtype=bool)
    if ch.communities:
        mask[_community_pos(w, ch, ch.communities)] = True
    if ch.street:
        mask |= _street_mask(w, ch, ch.street)
    risk = w.state.communities["risk_level"].astype(object).to_numpy().copy()
    risk[mask] = ch.level
    comms = _with_columns(w.state.communities, risk_level=risk)
    return dataclasses.replace(w, state=_replace_state(w, communities=comms))


def _checkpoints(w: Working, ch: Checkpoints, ctx: Context) -> Working:
    i = int(_community_pos(w, ch, [ch.community])[0])
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
    state = _replace_state(w, communities=_with_columns(c, checkpoints=cp), grids=_with_columns(g, checkpoints=gcp))
    return dataclasses.replace(w, state=state)


def _split(total: int, weights: np.ndarray, current: np.ndarray) -> np.ndarray:
    """``total`` shared by ``weights`` (equal when all zero): floors, remainder to the biggest fractions."""
    wsum = weights.sum()
    share = weights / wsum if wsum > 0 else np.full(len(weights), 1 / max(len(weights), 1))
    raw = share * total
    base = np.floor(raw + 1e-9).astype(np.int64)
    rest = total - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


def _counts(w: Working, ch: Counts, ctx: Context) -> Working:
    if ch.field not in COUNT_FIELDS:
        raise InvalidInput(f"{_where(w, ch)}：字段应为 {'、'.join(COUNT_FIELDS)}，现为 {ch.field!r}")
    if (ch.value is None) == (ch.delta is None):
        raise InvalidInput(f"{_where(w, ch)}：请只给出新数值（value）或增减数（delta）之一")
    i = int(_community_pos(w, ch, [ch.community])[0])
    c, g = w.state.communities, w.state.grids
    vals = c[ch.field].to_numpy(np.int64).copy()
    vals[i] = max(0, int(ch.value) if ch.value is not None else int(vals[i]) + int(ch.delta or 0))
    cid = int(c["community_id"].iat[i])
    in_comm = np.flatnonzero(g["community_id"].to_numpy(np.int64) == cid)
    gvals = g[ch.field].to_numpy(np.int64).copy()
    if len(in_comm):  # the grids share the new count as they shared the old one (else by population)
        cur = gvals[in_comm].astype(float)
        weights = cur if cur.sum() > 0 else g["population"].to_numpy(float)[in_comm]
        gvals[in_comm] = _split(int(vals[i]), weights, cur)
    state = _replace_state(w, communities=_with_columns(c, **{ch.field: vals}),
                           grids=_with_columns(g, **{ch.field: gvals}))
    return dataclasses.replace(w, state=state)


def community_balance(state: StaffingState, norms: Norms) -> tuple[np.ndarray, np.ndarray]:
    """Required and available headcount per community (the gap engine's community terms, without the
    grid level, streets and coverage that a change in the middle of a scenario does not need)."""
    from core.model.gaps import ceil_people, multipliers, positions

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


def _add_cadres(w: Working, ch: AddCadres, ctx: Context) -> Working:
    if int(ch.n) <= 0 or int(ch.n) > 100_000:
        raise InvalidInput(f"{_where(w, ch)}：人数应在 1–100000 之间，现为 {ch.n}")
    if ch.unit not in set(ctx.units["code"].astype(str)):
        raise NotFound(f"{_where(w, ch)}引用的派出单位不存在：{ch.unit}", codes=[ch.unit])
    c = w.state.communities
    if ch.communities:
        pos = _community_pos(w, ch, ch.communities)
        per = _split(int(ch.n), np.ones(len(pos)), np.zeros(len(pos)))
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
    added = pd.concat([w.added, pd.DataFrame({"staff_id": ids, "code": [f"新增{ch.unit}-{-i}" for i in ids],
                                              "unit_code": ch.unit})], ignore_index=True)
    return dataclasses.replace(w, state=_replace_state(w, staff=staff), added=added)


def _off_duty(w: Working, ch: OffDuty, ctx: Context) -> Working:
    s = w.state.staff
    if ch.share is None and not ch.street and not ch.staff_kind and not ch.staff:
        raise InvalidInput(f"{_where(w, ch)}：请指定比例、街道、人员类别或具体人员")
    if ch.share is not None and not 0 <= float(ch.share) <= 1:
        raise InvalidInput(f"{_where(w, ch)}：比例应在 0–1 之间，现为 {ch.share}")
    pick = s["on_duty"].to_numpy(bool).copy()
    if ch.street:
        cids = w.state.communities["community_id"].to_numpy(np.int64)[_street_mask(w, ch, ch.street)]
        pick &= np.isin(s["community_id"].to_numpy(np.int64), cids)
    if ch.staff_kind:
        if ch.staff_kind not in {k.value for k in StaffKind}:
            raise InvalidInput(f"{_where(w, ch)}：未知的人员类别 {ch.staff_kind!r}")
        pick &= (s["kind"].astype(str) == ch.staff_kind).to_numpy()
    if ch.staff:
        pick &= np.isin(s["staff_id"].to_numpy(np.int64), _staff_ids(w, ctx, ch, ch.staff))
    if ch.share is not None:
        cand = np.flatnonzero(pick)
        k = int(round(float(ch.share) * len(cand)))
        chosen = np.random.default_rng(int(ch.seed)).choice(cand, size=k, replace=False) if k else cand[:0]
        pick = np.zeros(len(s), dtype=bool)
        pick[chosen] = True
    on = s["on_duty"].to_numpy(bool) & ~pick
    return dataclasses.replace(w, state=_replace_state(w, staff=_with_columns(s, on_duty=on)))


def _norms(w: Working, ch: NormChange, ctx: Context) -> Working:
    merged = w.norms.to_params()
    for k, v in (ch.params or {}).items():
        merged[k] = {**merged["risk_multiplier"], **v} if k == "risk_multiplier" and isinstance(v, dict) else v
    if ch.shift_hours is not None:
        if not 1 <= float(ch.shift_hours) <= 24:
            raise InvalidInput(f"{_where(w, ch)}：每班时长应在 1–24 小时之间，现为 {ch.shift_hours}")
        merged["checkpoint_shifts_per_day"] = round(24.0 / float(ch.shift_hours), 6)
    try:
        norms = Norms.from_params(merged)
    except InvalidInput as exc:
        raise InvalidInput(f"{_where(w, ch)}：{exc.message}") from exc
    return dataclasses.replace(w, norms=norms)


def _record_moves(w: Working, ctx: Context, staff_ids: np.ndarray, to_ids: np.ndarray,
                  source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    s = w.state.staff
    pos = pd.Index(s["staff_id"].to_numpy(np.int64)).get_indexer(staff_ids)
    cid = s["community_id"].to_numpy(np.int64).copy()
    gid = s["grid_id"].to_numpy(np.int64).copy()
    frm = cid[pos]
    cid[pos], gid[pos] = to_ids, -1
    codes = ctx.people_columns(staff_ids)["code"].astype(object)
    if len(w.added):
        extra = pd.Series(w.added["code"].to_numpy(), index=w.added["staff_id"].to_numpy(np.int64))
        codes = np.where(staff_ids < 0, extra.reindex(staff_ids).to_numpy(), codes)
    rec = pd.DataFrame({"staff_id": staff_ids, "staff_code": codes, "from_community_id": frm,
                        "to_community_id": to_ids, "source": source, "change": w.position})
    moves = rec if w.moves.empty else pd.concat([w.moves, rec], ignore_index=True)
    return _with_columns(s, community_id=cid, grid_id=gid), moves


def _move(w: Working, ch: MoveStaff, ctx: Context) -> Working:
    if not ch.staff:
        raise InvalidInput(f"{_where(w, ch)}：请至少指定一名人员")
    ids = _staff_ids(w, ctx, ch, ch.staff)
    to = int(w.state.communities["community_id"].iat[int(_community_pos(w, ch, [ch.to])[0])])
    staff, moves = _record_moves(w, ctx, ids, np.full(len(ids), to, dtype=np.int64), "move")
    return dataclasses.replace(w, state=_replace_state(w, staff=staff), moves=moves)


def planner_people(state: StaffingState, ctx: Context, added: pd.DataFrame) -> pd.DataFrame:
    """The optimiser's people table for a (scenario) state: the on-duty movable people placed in a
    community (nobody else can be in a plan), with homes and hours."""
    s = state.staff
    cid = s["community_id"].to_numpy(np.int64)
    keep = s["movable"].to_numpy(bool) & s["on_duty"].to_numpy(bool) & (cid >= 0)
    ids = s["staff_id"].to_numpy(np.int64)[keep]
    info = ctx.people_columns(ids)
    codes = info["code"]
    if len(added):
        extra = pd.Series(added["code"].to_numpy(), index=added["staff_id"].to_numpy(np.int64)).reindex(ids).to_numpy()
        codes = np.where(ids < 0, extra, codes)
    hours = info["hours_week"]
    return pd.DataFrame({
        "id": ids, "code": codes, "kind": s["kind"].astype(str).to_numpy()[keep], "community_id": cid[keep],
        "movable": True, "on_duty": True, "home_lon": info["home_lon"].astype(float),
        "home_lat": info["home_lat"].astype(float), "home_community_id": info["home_community_id"].astype(float),
        "skills": info["skills"], "hours_week": np.where(pd.isna(hours), 0.0, hours).astype(float),
    })


def quick_moves(flows: pd.DataFrame, pool: pd.DataFrame) -> pd.DataFrame:
    """Who moves for each community flow, vectorised: in each donor community the people with the fewest
    hours this week go first. (The full choice, nearest home first, is ``optimizer.choose_cadres``; it
    gives the same community headcounts, which is all a scenario's gaps depend on.)"""
    if flows.empty or pool.empty:
        return pd.DataFrame({"staff_id": pd.Series(dtype=np.int64), "to_community_id": pd.Series(dtype=np.int64)})
    f = flows.loc[flows.index.repeat(flows["n"].to_numpy(np.int64)), ["from_community_id", "to_community_id"]]
    f = f.assign(rank=f.groupby("from_community_id").cumcount().to_numpy())
    p = pool.sort_values(["community_id", "hours_week", "id"], kind="stable")
    p = p.assign(rank=p.groupby("community_id").cumcount().to_numpy())[["id", "community_id", "rank"]]
    m = f.merge(p, left_on=["from_community_id", "rank"], right_on=["community_id", "rank"], how="inner")
    return pd.DataFrame({"staff_id": m["id"].to_numpy(np.int64), "to_community_id": m["to_community_id"].to_numpy(np.int64)})


def plan_options(options: dict[str, Any]) -> Any:
    from core.model.optimizer.network import PlanOptions

    unknown = sorted(set(options) - set(PLAN_OPTION_KEYS))
    if unknown:
        raise InvalidInput(f"未知的调配方案选项：{'、'.join(unknown)}")
    return PlanOptions(**options)


def _plan_parts(state: StaffingState, norms: Norms, ctx: Context, added: pd.DataFrame,
                options: dict[str, Any]) -> tuple[Any, pd.DataFrame, pd.DataFrame]:
    from core.model.optimizer.network import eligible_mask, plan_input

    opt = plan_options(options)
    required, available = community_balance(state, norms)
    c = state.communities
    comm = pd.DataFrame({"community_id": c["community_id"].to_numpy(np.int64), "lon": c["lon"].to_numpy(float),
                         "lat": c["lat"].to_numpy(float), "required": required, "available": available})
    people = planner_people(state, ctx, added)
    pin = plan_input(comm, people, opt, norms.counted_kinds)
    return opt, pin, people[eligible_mask(people, opt, norms.counted_kinds)]


def scenario_plan(state: StaffingState, norms: Norms, ctx: Context, added: pd.DataFrame, options: dict[str, Any]) -> Any:
    """The optimiser's suggested plan on a scenario state, with the people chosen (nothing applied)."""
    from core.model.optimizer.network import plan

    opt, pin, pool = _plan_parts(state, norms, ctx, added, options)
    return plan(pin, pool, opt)


def _apply_plan(w: Working, ch: ApplyPlan, ctx: Context) -> Working:
    from core.model.optimizer.network import plan_flows

    try:
        opt, pin, pool = _plan_parts(w.state, w.norms, ctx, w.added, dict(ch.options or {}))
    except InvalidInput as exc:
        raise InvalidInput(f"{_where(w, ch)}：{exc.message}") from exc
    flows, _ = plan_flows(pin, opt)
    mv = quick_moves(flows, pool)
    if mv.empty:
        return w
    staff, moves = _record_moves(w, ctx, mv["staff_id"].to_numpy(np.int64), mv["to_community_id"].to_numpy(np.int64),
                                 "plan")
    return dataclasses.replace(w, state=_replace_state(w, staff=staff), moves=moves)


APPLIERS: dict[str, Callable[[Working, Any, Context], Working]] = {
    "set_risk": _set_risk, "checkpoints": _checkpoints, "counts": _counts, "add_cadres": _add_cadres,
    "off_duty": _off_duty, "norms": _norms, "move": _move, "apply_plan": _apply_plan,
}


def apply_changes(state: StaffingState, norms: Norms, changes: Sequence[Any], ctx: Context | None = None) -> Working:
    """Apply ``changes`` in order to the state and norms; the inputs are never modified."""
    ctx = ctx or Context()
    w = Working(state=state, norms=norms, moves=pd.DataFrame(columns=MOVE_COLUMNS),
                added=pd.DataFrame({"staff_id": pd.Series(dtype=np.int64), "code": pd.Series(dtype=object),
                                    "unit_code": pd.Series(dtype=object)}))
    for k, ch in enumerate(changes, start=1):
        w = dataclasses.replace(w, position=k)
        w = APPLIERS[ch.kind](w, ch, ctx)
    return w
