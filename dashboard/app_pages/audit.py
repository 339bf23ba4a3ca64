"""审计日志: who changed what, when and why; filters and a CSV export (masked unless allowed)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core.services import clock
from core.services.audit_report import AuditFilter
from dashboard import auth, cache
from dashboard.i18n import TABLES, t

actor = auth.guard("leader", "admin")

st.title(t("audit.title"))
st.caption(t("audit.caption"))


def action_label(code: str) -> str:
    key = f"audit.action.{code}"
    return t(key) if key in TABLES["zh"] else code


choices = cache.audit_choices(actor)
communities = cache.overview().communities
names = dict(zip(communities["code"], communities["name"], strict=True))
all_ = t("audit.filter.all")

c1, c2, c3, c4 = st.columns([1, 1.2, 1.6, 1.4])
person = c1.selectbox(t("audit.filter.person"), ["", *choices["actors"]], key="audit_person",
                      format_func=lambda v: v or all_)
community = c2.selectbox(t("audit.filter.community"), ["", *names], key="audit_community",
                         format_func=lambda v: f"{names[v]}（{v}）" if v else all_)
actions = c3.multiselect(t("audit.filter.actions"), choices["actions"], key="audit_actions",
                         format_func=action_label, placeholder=all_)
today = clock.wall_now().date()
period = c4.date_input(t("audit.filter.period"), value=(today - dt.timedelta(days=30), today), key="audit_period")
start, end = (tuple(period) + (None, None))[:2] if isinstance(period, tuple | list) else (period, period)

df = cache.audit_entries(actor, AuditFilter(person or None, community or None, tuple(actions), start, end or start))
view = df.assign(action=df["action"].map(action_label))[
    ["at", "actor", "action", "entity", "entity_id", "community", "before", "after", "reason", "batch_id"]]
view.columns = [t(f"audit.col.{c}") for c in
                ("at", "actor", "action", "entity", "entity_id", "community", "before", "after", "reason", "batch")]

info = t("audit.count", n=f"{len(view):,}")
if not actor.sees_personal_data:
    info += " · " + t("audit.masked")
st.caption(info)
if view.empty:
    st.info(t("audit.empty"))
else:
    st.dataframe(view, hide_index=True, width="stretch", key="audit_table",
                 column_config={t("audit.col.at"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")})
st.download_button(t("audit.download"), view.to_csv(index=False).encode("utf-8-sig"),
                   file_name=f"audit-{today:%Y%m%d}.csv", mime="text/csv", key="audit_download")
