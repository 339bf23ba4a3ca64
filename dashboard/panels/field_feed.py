"""What the desk sees of the front line's phones: the doors entered in a campaign (with the people added to
the roster) on 地毯式排查, and checkpoint duty (who is on duty where, posts nobody signed in to, today's
register counts) on 日常维护. Names and phones masked for roles without need-to-know."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.model.actor import Actor
from core.model.privacy import mask_names, mask_phones
from core.services.checkpoint_duty import NEAR_M
from dashboard import cache
from dashboard.i18n import t
from dashboard.panels.components import fmt_int

LISTED = 60


def campaign_feed(actor: Actor, campaign_id: int) -> None:
    scope = None if actor.streets is None else tuple(sorted(actor.streets))
    feed = cache.campaign_feed(campaign_id, scope)
    st.subheader(t("scr.feed"))
    if feed.empty:
        st.caption(t("scr.feed.none"))
        return
    counts = feed["outcome"].value_counts()
    st.caption(t("scr.feed.caption", n=fmt_int(len(feed)), lit=fmt_int(counts.get("lit", 0)),
                 extra=fmt_int(counts.get("extra", 0)),
                 away=fmt_int(sum(counts.get(k, 0) for k in ("dark", "away_reached", "away_unreached")))))
    shown = feed.head(LISTED)
    name = shown["added_name"].fillna("")
    phone = shown["added_phone"].fillna("")
    if not actor.sees_personal_data:
        name, phone = mask_names(name).fillna(""), mask_phones(phone).fillna("")
    st.dataframe(pd.DataFrame({
        t("scr.feed.col.at"): pd.to_datetime(shown["at"]).dt.strftime("%m-%d %H:%M"),
        t("col.community"): shown["community"], t("scr.col.grid"): shown["grid"], t("scr.feed.col.door"): shown["door"],
        t("scr.feed.col.outcome"): [t(f"front.outcome.{o}") for o in shown["outcome"]],
        t("scr.feed.col.added"): (name + " " + phone).str.strip(),
        t("scr.feed.col.by"): shown["entered_by"]}), hide_index=True, width="stretch", height=260)


def duty_board(actor: Actor) -> None:
    scope = None if actor.streets is None else tuple(sorted(actor.streets))
    board = cache.duty_board(scope)
    st.caption(t("desk.cp.caption", m=fmt_int(NEAR_M)))
    posts = len(board.unmanned) + board.on_duty["checkpoint_id"].nunique()
    k = st.columns(4)
    k[0].metric(t("desk.cp.kpi.posts"), fmt_int(posts))
    k[1].metric(t("desk.cp.kpi.on_duty"), fmt_int(len(board.on_duty)))
    k[2].metric(t("desk.cp.kpi.unmanned"), fmt_int(len(board.unmanned)))
    k[3].metric(t("desk.cp.kpi.entries"), fmt_int(int(board.counts["entries"].sum()) if len(board.counts) else 0))
    st.subheader(t("desk.cp.on_duty"))
    on = board.on_duty
    if on.empty:
        st.info(t("desk.cp.none_on_duty"))
    else:
        person = on["person"].fillna(on["username"])
        st.dataframe(pd.DataFrame({
            t("desk.cp.col.post"): on["checkpoint"], t("col.community"): on["community"],
            t("desk.cp.col.person"): person if actor.sees_personal_data else mask_names(person),
            t("desk.cp.col.since"): pd.to_datetime(on["started_at"]).dt.strftime("%m-%d %H:%M"),
            t("desk.cp.col.distance"): on["start_distance_m"],
            t("desk.cp.col.at_post"): [t("desk.cp.at_post.unknown") if v is None else
                                       t("desk.cp.at_post.yes") if v else t("desk.cp.at_post.no") for v in on["at_post"]],
        }), hide_index=True, width="stretch", column_config={
            t("desk.cp.col.distance"): st.column_config.NumberColumn(format=f"%d {t('unit.m')}")})
    left, right = st.columns(2)
    with left:
        st.subheader(t("desk.cp.counts"))
        c = board.counts
        if c.empty:
            st.caption(t("front.duty.none_today"))
        else:
            st.dataframe(pd.DataFrame({
                t("desk.cp.col.post"): c["name"], t("col.community"): c["community"],
                t("desk.cp.col.entries"): c["entries"], t("desk.cp.col.vehicles"): c["vehicles"],
                t("desk.cp.col.no_mask"): c["no_mask"]}), hide_index=True, width="stretch")
    with right:
        st.subheader(t("desk.cp.unmanned"))
        un = board.unmanned
        st.dataframe(pd.DataFrame({t("desk.cp.col.post"): un["name"].head(200),
                                   t("col.community"): un["community"].head(200)}),
                     hide_index=True, width="stretch", height=300)
        if len(un) > 200:
            st.caption(t("desk.cp.more", n=fmt_int(len(un) - 200)))
