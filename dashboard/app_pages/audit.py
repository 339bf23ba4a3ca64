"""审计日志: who changed what, when and why, in words; filters, the detail of one entry, and a CSV
with the readable columns and the raw codes (masked unless the reader may see personal data)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.services import clock
from core.services.audit_report import AuditFilter
from dashboard import auth, cache
from dashboard.i18n import LANGS, current_lang, t

actor = auth.guard("leader", "admin")
lang = current_lang()
LANG_SEEN = "audit_lang_seen"  # the language the filters were last drawn in

st.title(t("audit.title"))
st.caption(t("audit.caption"))

choices = {lg: cache.audit_choices(actor, lang=lg) for lg in LANGS}
communities = cache.overview().communities
names = dict(zip(communities["code"], communities["name"], strict=True))


def person_label(v: str, lg: str = lang) -> str:
    return choices[lg]["actor_names"].get(v, v) if v else t("audit.filter.all", lang=lg)


def community_label(v: str, lg: str = lang) -> str:
    return t("audit.label.name_code", lang=lg, name=names[v], code=v) if v else t("audit.filter.all", lang=lg)


def action_label(v: str, lg: str = lang) -> str:
    return choices[lg]["action_names"].get(v, v)


def keep_known(key: str, options: list[str], label: Callable[[str, str], str]) -> None:
    """Streamlit keeps a choice as its text: after a language switch the browser still holds it in the
    other language. Map it back to its code (or drop it), and hand it back to the browser, which then
    shows it in the new language, before the widget is drawn."""
    if key not in st.session_state:
        return
    back = {label(o, lg): o for lg in LANGS for o in options}
    value = st.session_state[key]
    fixed = ([back.get(v, v) for v in value if back.get(v, v) in options] if isinstance(value, list)
             else back.get(value, value) if back.get(value, value) in options else "")
    if fixed != value or st.session_state.get(LANG_SEEN) != lang:
        st.session_state[key] = fixed


people, places, kinds = ["", *choices[lang]["actors"]], ["", *names], list(choices[lang]["actions"])
keep_known("audit_person", people, person_label)
keep_known("audit_community", places, community_label)
keep_known("audit_actions", kinds, action_label)
st.session_state[LANG_SEEN] = lang
c1, c2, c3, c4 = st.columns([1.2, 1.2, 1.6, 1.2])
person = c1.selectbox(t("audit.filter.person"), people, key="audit_person", format_func=person_label,
                      placeholder=t("audit.filter.all"))
community = c2.selectbox(t("audit.filter.community"), places, key="audit_community", format_func=community_label,
                         placeholder=t("audit.filter.all"))
actions = c3.multiselect(t("audit.filter.actions"), kinds, key="audit_actions", format_func=action_label,
                         placeholder=t("audit.filter.all"), select_all=False)
today = clock.wall_now().date()
period = c4.date_input(t("audit.filter.period"), value=(today - dt.timedelta(days=30), today), key="audit_period")
start, end = (tuple(period) + (None, None))[:2] if isinstance(period, tuple | list) else (period, period)

df = cache.audit_entries(actor, AuditFilter(person or None, community or None, tuple(actions), start, end or start),
                         lang=lang)
#: on screen: the readable columns, the reason beside the changes (seen without scrolling at 1920 px)
SHOWN = {"at": ("audit.col.at", 150), "operator": ("audit.col.actor", 160), "action_name": ("audit.col.action", 120),
         "object": ("audit.col.entity", 220), "changes": ("audit.col.changes", 460),
         "reason_text": ("audit.col.reason", 190), "community": ("audit.col.community", 100)}
#: rows taller than 4rem let Streamlit wrap a cell: a long change reads in two or three lines
ROW_HEIGHT = 68
TABLE_HEIGHT = 38 + ROW_HEIGHT * 7  # seven rows: the detail of a selected row starts on screen at 1080 px
#: in the CSV: the same, then the raw codes they were made from
RAW = {"actor": "audit.col.account", "action": "audit.col.action_code", "entity": "audit.col.entity_type",
       "entity_id": "audit.col.entity_id", "community_code": "audit.col.community_code", "reason": "audit.col.reason_raw",
       "before": "audit.col.before", "after": "audit.col.after", "batch": "audit.col.batch",
       "batch_id": "audit.col.batch_id"}

info = t("audit.count", n=f"{len(df):,}")
if not actor.sees_personal_data:
    info += " · " + t("audit.masked")
st.caption(info + " · " + t("audit.detail.hint"))
if df.empty:
    st.info(t("audit.empty"))
    picked: list[int] = []
else:
    config = {t(key): st.column_config.TextColumn(width=width) for key, width in SHOWN.values()}
    config[t("audit.col.at")] = st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss", width=150)
    view = df[list(SHOWN)].set_axis([t(key) for key, _ in SHOWN.values()], axis=1)
    event = st.dataframe(view, hide_index=True, width="stretch", key="audit_table", column_config=config,
                         on_select="rerun", selection_mode="single-row", row_height=ROW_HEIGHT,
                         height=min(TABLE_HEIGHT, 38 + ROW_HEIGHT * len(view)))
    picked = list(event["selection"]["rows"])

if picked:
    row = df.iloc[picked[0]]
    st.subheader(t("audit.detail.title"))
    st.caption(t("audit.detail.summary", at=f"{pd.Timestamp(row['at']):%Y-%m-%d %H:%M:%S}", operator=row["operator"],
                 action=row["action_name"], object=row["object"]))
    if row["details"]:
        detail = pd.DataFrame(row["details"], columns=[t("audit.detail.field"), t("audit.col.before"),
                                                       t("audit.col.after")])
        st.dataframe(detail, hide_index=True, width="stretch", key="audit_detail", placeholder="—")
    else:
        st.info(t("audit.detail.none"))
    if row["batch"]:
        st.caption(t("audit.detail.batch", batch=row["batch"], n=int((df["batch_id"] == row["batch_id"]).sum())))

csv = df[list(SHOWN) + list(RAW)].set_axis([t(k) for k, _ in SHOWN.values()] + [t(k) for k in RAW.values()], axis=1)
st.download_button(t("audit.download"), csv.to_csv(index=False).encode("utf-8-sig"),
                   file_name=f"audit-{today:%Y%m%d}.csv", mime="text/csv", key="audit_download")
