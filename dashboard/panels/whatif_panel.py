"""Widgets of the what-if page: the change picker (one small form per change type, sliders and
pickers a leader can use in a meeting) and the readable description of a change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.model.scenarios.apply_staffing import MAX_ABSENCE_DAYS
from core.model.scenarios.changes import (
    AddCadres,
    ApplyPlan,
    Checkpoints,
    Counts,
    MoveStaff,
    NormChange,
    OffDuty,
    SetRisk,
)
from dashboard.i18n import label, t
from dashboard.panels.components import choose, joined

PICKER_KINDS = ("set_risk", "add_cadres", "off_duty", "norms", "checkpoints", "counts", "apply_plan")
SHIFT_HOURS = (4, 6, 8, 12, 24)


@dataclass(frozen=True)
class Names:
    communities: dict[str, str]  # code -> name
    streets: dict[str, str]
    units: dict[str, str]

    def comm(self, codes: Any) -> str:
        return joined(self.communities.get(c, c) for c in codes)


def names_of(base: Any) -> Names:
    c = base.state.communities.sort_values("code")
    streets = c.drop_duplicates("street_code").sort_values("street_code")
    u = base.context.units
    return Names(dict(zip(c["code"].astype(str), c["name"].astype(str), strict=True)),
                 dict(zip(streets["street_code"].astype(str), streets["street"].astype(str), strict=True)),
                 dict(zip(u["code"].astype(str), u["name"].astype(str), strict=True)))


def describe(ch: Any, n: Names) -> str:
    """One line per change, in the UI language, with units."""
    if isinstance(ch, SetRisk):
        where = t("wi.d.street", street=n.streets.get(ch.street, ch.street)) if ch.street else ""
        where += (t("punct.list_sep") if where and ch.communities else "") + n.comm(ch.communities)
        return t("wi.d.set_risk", where=where, level=label("risk", ch.level))
    if isinstance(ch, Checkpoints):
        return t("wi.d.checkpoints", name=n.comm([ch.community]), delta=f"{ch.delta:+d}")
    if isinstance(ch, Counts):
        what = t(f"wi.field.{ch.field}")
        amount = f"= {ch.value}" if ch.value is not None else f"{(ch.delta or 0):+d}"
        unit = t("unit.households") if ch.field == "isolated_households" else t("unit.people")
        return t("wi.d.counts", name=n.comm([ch.community]), what=what, amount=amount, unit=unit)
    if isinstance(ch, AddCadres):
        where = n.comm(ch.communities) if ch.communities else t("wi.d.worst")
        return t("wi.d.add_cadres", n=ch.n, unit=n.units.get(ch.unit, ch.unit), where=where)
    if isinstance(ch, OffDuty):
        parts = []
        if ch.street:
            parts.append(n.streets.get(ch.street, ch.street))
        parts.append(label("kind", ch.staff_kind) if ch.staff_kind else t("wi.d.everyone"))
        if ch.staff:
            parts.append(t("wi.d.named", n=len(ch.staff)))
        share = t("wi.d.share", pct=round(ch.share * 100)) if ch.share is not None else ""
        days = t("wi.d.days", n=ch.days) if ch.days else ""
        return t("wi.d.off_duty", who=" · ".join(parts), share=share) + days
    if isinstance(ch, NormChange):
        parts = [t("wi.d.shift_hours", h=f"{ch.shift_hours:g}")] if ch.shift_hours else []
        for k, v in (ch.params or {}).items():
            if k == "risk_multiplier":
                parts += [t("wi.d.mult", level=label("risk", r), x=f"{x:g}") for r, x in v.items()]
            else:
                parts.append(f"{t(f'norms.term.{k}')} = {v:g}")  # every norm term has its name in core's catalogue
        return t("wi.d.norms", what=t("punct.clause_sep").join(parts))
    if isinstance(ch, MoveStaff):
        return t("wi.d.move", n=len(ch.staff), name=n.comm([ch.to]))
    if isinstance(ch, ApplyPlan):
        return t("wi.d.apply_plan")
    return str(ch)


def change_form(kind: str, n: Names) -> Any | None:
    """The controls of one change type in a form; the change when "add" is pressed, else None."""
    comm_fmt = n.communities.__getitem__
    with st.form(f"wi_form_{kind}", border=True):
        ch: Any = None
        if kind == "set_risk":
            level = st.segmented_control(t("col.risk_level"), ["low", "medium", "high"], default="high",
                                         format_func=lambda r: label("risk", r), key="wi_f_level")
            street = st.selectbox(t("wi.f.street"), [""] + list(n.streets), key="wi_f_risk_street", placeholder=choose(),
                                  format_func=lambda s: n.streets.get(s, t("wi.f.none")))
            comms = st.multiselect(t("wi.f.communities"), list(n.communities), format_func=comm_fmt,
                                   key="wi_f_risk_comms", placeholder=t("wi.f.pick"), select_all=False)
            ch = SetRisk(level or "high", communities=tuple(comms), street=street or None)
        elif kind == "add_cadres":
            unit = st.selectbox(t("wi.f.unit"), list(n.units), format_func=n.units.__getitem__, key="wi_f_unit",
                                placeholder=choose())
            num = st.slider(t("wi.f.n"), 10, 1000, 200, step=10, key="wi_f_n", format=f"%d {t('unit.people')}")
            comms = st.multiselect(t("wi.f.place_in"), list(n.communities), format_func=comm_fmt, key="wi_f_place",
                                   placeholder=t("wi.f.worst"), select_all=False)
            ch = AddCadres(unit, int(num), communities=tuple(comms))
        elif kind == "off_duty":
            share = st.slider(t("wi.f.share"), 0, 50, 10, key="wi_f_share", format="%d %%")
            street = st.selectbox(t("wi.f.street"), [""] + list(n.streets), key="wi_f_off_street", placeholder=choose(),
                                  format_func=lambda s: n.streets.get(s, t("wi.f.all_streets")))
            staff_kind = st.selectbox(t("wi.f.kind"), ["", "cadre", "community_worker", "grid_member", "party_member",
                                                       "property_staff"], key="wi_f_kind", placeholder=choose(),
                                      format_func=lambda k: label("kind", k) if k else t("wi.f.all_kinds"))
            days = st.number_input(t("wi.f.days"), 0, MAX_ABSENCE_DAYS, 7, 1, key="wi_f_days", help=t("wi.f.days_help"))
            ch = OffDuty(share=share / 100, street=street or None, staff_kind=staff_kind or None,
                         days=int(days) or None)
        elif kind == "norms":
            hours = st.select_slider(t("wi.f.shift_hours"), SHIFT_HOURS, value=12, key="wi_f_hours",
                                     format_func=lambda h: f"{h} {t('unit.hours')}")
            per = st.slider(t("wi.param.people_per_checkpoint_shift"), 1, 6, 2, key="wi_f_per_shift",
                            format=f"%d {t('unit.people')}")
            high = st.slider(t("wi.f.high_mult"), 1.0, 5.0, 2.5, step=0.1, key="wi_f_high")
            params: dict[str, Any] = {}
            if per != 2:
                params["people_per_checkpoint_shift"] = float(per)
            if high != 2.5:
                params["risk_multiplier"] = {"high": float(high)}
            ch = NormChange(params=params, shift_hours=None if hours == 8 else float(hours))
        elif kind == "checkpoints":
            comm = st.selectbox(t("wi.f.community"), list(n.communities), format_func=comm_fmt, key="wi_f_cp_comm",
                                placeholder=choose())
            delta = st.slider(t("wi.f.cp_delta"), -10, 10, 2, key="wi_f_cp_delta", format=f"%+d {t('unit.communities')}")
            ch = Checkpoints(comm, int(delta))
        elif kind == "counts":
            comm = st.selectbox(t("wi.f.community"), list(n.communities), format_func=comm_fmt, key="wi_f_ct_comm",
                                placeholder=choose())
            field = st.segmented_control(t("wi.f.field"), ["isolated_households", "vulnerable_residents"],
                                         default="isolated_households", key="wi_f_field",
                                         format_func=lambda f: t(f"wi.field.{f}"))
            delta = st.slider(t("wi.f.count_delta"), -200, 1000, 50, step=10, key="wi_f_ct_delta")
            ch = Counts(comm, field or "isolated_households", delta=int(delta))
        elif kind == "apply_plan":
            keep = st.toggle(t("plan.keep_origin"), value=True, key="wi_f_keep")
            max_km = st.slider(t("plan.max_km"), 0, 30, 0, key="wi_f_km", format=f"%d {t('unit.km')}")
            opts: dict[str, Any] = {} if keep else {"keep_origin_at_requirement": False}
            if max_km:
                opts["max_km"] = float(max_km)
            ch = ApplyPlan(opts)
        added = st.form_submit_button(t("wi.add"), type="primary", icon="➕")
    return ch if added else None
