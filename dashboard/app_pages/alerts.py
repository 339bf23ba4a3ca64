"""预警: the coordinator acknowledges the wall's alerts (a leader reads them); the admin edits the threshold rules."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.model.alert_rules import LEVELS
from core.model.errors import FangxianError
from core.services import alerts as alert_service
from dashboard import auth, cache, feedback, state_keys
from dashboard.builders import wall_view
from dashboard.context import db_url
from dashboard.i18n import t
from dashboard.panels.components import choose_many, fmt_int, missing_data

actor = auth.guard("leader", "coordinator", "admin")
cache.job_keeper(db_url())
data = cache.wall()

st.title(t("alerts.title"))
st.caption(t("alerts.caption"))
feedback.show_flash(state_keys.ALERTS_FLASH)
missing_data(["communities", "staff"], key="alerts")
tab_list, tab_rules = st.tabs([t("alerts.tab.list"), t("alerts.tab.rules")])

with tab_list:
    alerts = data.alerts.drop_duplicates(subset=["kind", "subject"], keep="first")
    if not len(alerts):
        st.success(t("alerts.none"))
    else:
        status = [t("alerts.status.acknowledged") if a else t("alerts.status.new") if n else t("alerts.status.open")
                  for a, n in zip(alerts["acknowledged"], alerts["is_new"], strict=True)]
        what = [wall_view.alert_text(r) for _, r in alerts.iterrows()]
        table = pd.DataFrame({
            t("alerts.col.level"): [t(f"wall.alert.level.{lv}") for lv in alerts["level"]],
            t("alerts.col.kind"): [t(f"alert_kind.{k}") for k in alerts["kind"]],
            t("alerts.col.what"): what,
            t("alerts.col.first_seen"): pd.to_datetime(alerts["first_seen"]).dt.strftime("%m-%d %H:%M"),
            t("alerts.col.status"): status,
        })
        st.dataframe(table, hide_index=True, width="stretch", height=420)
        if actor.has("coordinator", "admin"):
            open_ = alerts[~alerts["acknowledged"].astype(bool)].reset_index(drop=True)
            mine = open_[[actor.in_scope(sc) for sc in open_["street_code"]]]
            labels = {i: f"{t(f'wall.alert.level.{r.level}')} · {w}" for i, r, w in
                      zip(mine.index, mine.itertuples(), [wall_view.alert_text(r) for _, r in mine.iterrows()],
                          strict=True)}
            with st.form("alerts_ack"):
                picked = st.multiselect(t("alerts.ack.pick"), options=list(labels), format_func=labels.get,
                                        key="alerts_ack_pick", placeholder=choose_many(), select_all=False)
                reason = st.text_input(t("alerts.ack.reason"), key="alerts_ack_reason")
                if st.form_submit_button(t("alerts.ack.button"), type="primary") and picked:
                    items = [(str(mine.at[i, "rule_code"]), str(mine.at[i, "subject"]), mine.at[i, "street_code"])
                             for i in picked]
                    try:
                        with cache.write() as uow:
                            n = alert_service.acknowledge(uow, actor, items, reason)
                    except FangxianError as exc:
                        feedback.show_error(exc)
                    else:
                        feedback.finish_write(state_keys.ALERTS_FLASH, t("alerts.ack.done", n=n))
            if len(mine) < len(open_):
                st.caption(t("alerts.ack.out_of_scope", n=fmt_int(len(open_) - len(mine))))
        else:  # DESIGN.md: the leader reads the wall without clicks; coordinators acknowledge and handle
            st.info(t("alerts.ack.read_only"), icon="👁️")

with tab_rules:
    st.caption(t("alerts.rules.caption"))
    st.caption(t("alerts.rules.help"))
    rules = cache.alert_rules()
    cols = ["code", "kind", "threshold", "level", "enabled", "note"]
    level_zh = {lv: t(f"wall.alert.level.{lv}") for lv in LEVELS}
    shown = rules[cols].assign(level=rules["level"].map(level_zh), kind=[t(f"alert_kind.{k}") for k in rules["kind"]])
    shown = shown.rename(columns={c: t(f"alerts.rules.col.{c}") for c in cols})
    if not actor.has("admin"):
        st.info(t("alerts.rules.only_admin"))
        st.dataframe(shown, hide_index=True, width="stretch")
    else:
        edited = st.data_editor(
            shown, hide_index=True, width="stretch", key="alerts_rules_editor", disabled=[t("alerts.rules.col.code"),
                                                                                      t("alerts.rules.col.kind")],
            column_config={
                t("alerts.rules.col.level"): st.column_config.SelectboxColumn(options=list(level_zh.values())),
                t("alerts.rules.col.threshold"): st.column_config.NumberColumn(min_value=0.0, step=1.0),
            })
        reason = st.text_input(t("alerts.rules.reason"), key="alerts_rules_reason")
        if st.button(t("alerts.rules.save"), type="primary", key="alerts_rules_save"):
            back = edited.rename(columns={t(f"alerts.rules.col.{c}"): c for c in cols})
            back = back.assign(kind=rules["kind"].to_numpy(),
                               level=back["level"].map({v: k for k, v in level_zh.items()}))
            try:
                with cache.write() as uow:
                    n = alert_service.save_rules(uow, actor, back.to_dict("records"), reason)
            except FangxianError as exc:
                feedback.show_error(exc)
            else:
                feedback.finish_write(state_keys.ALERTS_FLASH,
                                      t("alerts.rules.saved", n=n) if n else t("alerts.rules.unchanged"))
