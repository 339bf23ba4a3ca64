"""人员配置标准 (admin): edit the staffing norms with validation and a reason; see every version."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.i18n.norms import STORED_DEFAULT_REASONS
from core.model.errors import FangxianError
from core.model.norms import FATIGUE_POLICIES, NUMERIC_TERMS, Norms
from core.model.volunteer_rules import TASK_TYPES
from core.services.norms import save_norms
from dashboard import auth, cache, feedback, state_keys
from dashboard.i18n import label, t
from dashboard.panels.components import choose_many

#: terms counted in whole people, shifts, households or days (shown and entered as integers); the
#: others (a base per 10,000 residents, hours a day) take one decimal
WHOLE_TERMS = frozenset({"grid_members_per_grid", "people_per_checkpoint_shift", "checkpoint_shifts_per_day",
                         "isolated_households_per_person", "vulnerable_residents_per_person",
                         "screening_households_per_person_per_day", "max_consecutive_days",
                         "grid_shifts_per_day", "roster_max_consecutive_days"})

actor = auth.guard("admin")
history = cache.norm_versions()
today = cache.reference_now().date()  # the day the gap engine calls today (the demo's own day on the demo)
in_force = history[pd.to_datetime(history["valid_from"]).dt.date <= today] if len(history) else history
later = history[pd.to_datetime(history["valid_from"]).dt.date > today] if len(history) else history
current = Norms.from_params(dict(in_force["params"].iat[0])) if len(in_force) else Norms()
people = cache.users(actor)
display = dict(zip(people["username"], people["display_name"], strict=True)) if len(people) else {}


def author_name(username: str) -> str:
    return t("norms.author.system") if username == "system" else str(display.get(username) or username)


def reason_text(reason: object) -> str:
    """A stored reason; the first version's default reason in the reader's language."""
    return t("norms.reason.default") if reason in STORED_DEFAULT_REASONS else str(reason or "")


st.title(t("norms.title"))
st.caption(t("norms.caption"))
feedback.show_flash(state_keys.NORMS_FLASH)
if len(in_force):
    st.info(t("norms.in_force", id=int(in_force["id"].iat[0]), day=str(in_force["valid_from"].iat[0]),
              author=author_name(str(in_force["author"].iat[0]))))
if len(later):
    st.caption(t("norms.future", n=len(later), day=str(later["valid_from"].min())))


def term_input(where: st.delta_generator.DeltaGenerator, key: str) -> float:
    """One numeric term: whole terms as integers (2, not 2.00), the others with one decimal."""
    lo, hi = NUMERIC_TERMS[key]
    value = float(getattr(current, key))
    if key in WHOLE_TERMS and value.is_integer():
        return float(where.number_input(t(f"norms.field.{key}"), min_value=int(lo), max_value=int(hi),
                                        value=int(value), step=1, format="%d", key=f"norms_{key}"))
    return float(where.number_input(t(f"norms.field.{key}"), min_value=float(lo), max_value=float(hi), value=value,
                                    step=0.5, format="%.1f", key=f"norms_{key}"))


with st.form("norms_form"):
    st.subheader(t("norms.edit"))
    cols = st.columns(4)
    values = {key: term_input(cols[i % 4], key) for i, key in enumerate(NUMERIC_TERMS)}
    st.markdown(f"**{t('norms.section.risk')}**")
    rcols = st.columns(3)
    risk = {r: rcols[i].number_input(label("risk", r), min_value=0.5, max_value=10.0, step=0.1, format="%.1f",
                                     value=float(current.risk_multiplier[r]), key=f"norms_risk_{r}")
            for i, r in enumerate(("low", "medium", "high"))}
    kinds = ["community_worker", "grid_member", "cadre", "party_member", "property_staff", "volunteer"]
    counted = st.multiselect(t("norms.field.counted_kinds"), kinds, default=list(current.counted_kinds),
                             format_func=lambda k: label("kind", k), key="norms_counted", placeholder=choose_many(),
                             select_all=False)
    vcol = st.columns([3, 2])  # volunteers (issue 8): which deployments count, and what fatigue does
    vol_for = vcol[0].multiselect(t("norms.field.volunteers_count_for"), list(TASK_TYPES),
                                  default=list(current.volunteers_count_for), format_func=lambda k: t(f"vol.task.{k}"),
                                  key="norms_vol_for", placeholder=t("vol.counted.none"), select_all=False)
    policy = vcol[1].radio(t("norms.field.fatigue_policy"), list(FATIGUE_POLICIES), horizontal=True,
                           index=list(FATIGUE_POLICIES).index(current.fatigue_policy),
                           format_func=lambda p: t(f"vol.policy.{p}"), key="norms_fatigue")
    c1, c2 = st.columns([1, 3])
    valid_from = c1.date_input(t("norms.field.valid_from"), value=today, key="norms_valid_from")
    reason = c2.text_input(t("norms.field.reason"), key="norms_reason")
    submitted = st.form_submit_button(t("norms.save"), type="primary")

if submitted:
    params = {**current.to_params(), **values, "risk_multiplier": risk, "counted_kinds": counted,
              "volunteers_count_for": vol_for, "fatigue_policy": policy}
    try:
        with cache.write() as uow:
            vid = save_norms(uow, actor, params, valid_from, reason)
    except FangxianError as exc:
        feedback.show_error(exc)
    else:
        feedback.finish_write(state_keys.NORMS_FLASH, t("norms.saved", id=vid, day=valid_from.isoformat()))

st.subheader(t("norms.history"))
params = history["params"].map(dict) if len(history) else pd.Series(dtype=object)
st.dataframe({
    t("norms.col.id"): history["id"], t("norms.col.valid_from"): history["valid_from"].astype(str),
    t("norms.col.base"): [p.get("base_per_10k_residents") for p in params],
    t("norms.col.checkpoint"): [f"{p.get('people_per_checkpoint_shift'):g} × {p.get('checkpoint_shifts_per_day'):g}"
                               for p in params],
    t("norms.col.risk"): [" / ".join(f"{p.get('risk_multiplier', {}).get(r, 0):g}" for r in ("low", "medium", "high"))
                         for p in params],
    t("norms.col.author"): [author_name(str(a)) for a in history["author"]],
    t("norms.col.reason"): [reason_text(r) for r in history["reason"]],
    t("norms.col.created_at"): history["created_at"].astype(str).str.slice(0, 16),
}, hide_index=True, width="stretch")
