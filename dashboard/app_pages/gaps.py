"""人员缺口: short communities ranked, a diverging gap map, gaps by street and the 14-day trend."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.services import clock
from dashboard import auth, cache, state_keys
from dashboard.builders import charts, coverage_maps
from dashboard.i18n import label, t
from dashboard.navigation import PAGES_DIR
from dashboard.panels.components import (
    fmt_count,
    fmt_people,
    legend,
    missing_data,
    unlocated_notice,
)

totals, _ = cache.gap_trend(14)
today = totals["day"].iat[-1] if len(totals) else clock.wall_now().date()

st.title(t("gaps.title"))
st.caption(t("gaps.caption"))
f1, f2, f3 = st.columns([1, 2.4, 1.2])
day = f1.date_input(t("gaps.day"), value=today, max_value=today, key=state_keys.GAPS_DAY)
res = cache.gaps(None if day == today else day)
comm = res.community
if missing_data(["communities"], key="gaps") or comm.empty:
    st.stop()
missing_data(["staff"], key="gaps-staff")
street_names = dict(zip(res.street["code"], res.street["name"], strict=True))
streets = f2.multiselect(t("coverage.filter.streets"), list(street_names), key=state_keys.GAPS_STREETS,
                         format_func=street_names.__getitem__, placeholder=t("coverage.filter.all"), select_all=False)
only_short = f3.toggle(t("gaps.only_short"), value=True, key=state_keys.GAPS_ONLY_SHORT)
shown = comm[comm["street_code"].isin(streets)] if streets else comm

k = st.columns(5)
k[0].metric(t("gaps.kpi.short_communities"), fmt_count((shown["shortage"] > 0).sum(), "unit.communities"))
k[1].metric(t("gaps.kpi.shortage"), fmt_people(shown["shortage"].sum()))
k[2].metric(t("gaps.kpi.gap"), fmt_people(shown["gap"].sum()))
k[3].metric(t("gaps.kpi.movable_surplus"), fmt_people(shown["movable_surplus"].sum()))
k[4].metric(t("gaps.kpi.required"), fmt_people(shown["required"].sum()))

left, right = st.columns([1.25, 1], gap="medium")
with left:
    st.subheader(t("gaps.ranked"))
    ranked = (shown[shown["shortage"] > 0] if only_short else shown).sort_values(
        ["gap", "code"], ascending=[False, True])
    table = {
        t("gaps.col.rank"): range(1, len(ranked) + 1), t("col.community"): ranked["name"],
        t("col.street"): ranked["street"], t("col.risk_level"): [label("risk", r) for r in ranked["risk_level"]],
        t("gaps.col.required"): ranked["required"], t("gaps.col.available"): ranked["available"],
        t("gaps.col.gap"): ranked["gap"],
        t("gaps.col.gap_rate"): (ranked["gap"] / ranked["required"].where(ranked["required"] > 0) * 100).round(1),
        t("gaps.col.movable_surplus"): ranked["movable_surplus"], t("col.code"): ranked["code"],
    }
    if only_short:  # a short community has no movable surplus by definition: show who could move instead
        table[t("gaps.col.movable_on_duty")] = ranked["movable_on_duty"]
        del table[t("gaps.col.movable_surplus")]
    frame = pd.DataFrame(table)
    people = st.column_config.NumberColumn(format=f"%d {t('unit.people')}")
    if frame.empty:
        st.info(t("gaps.none_short"))
    actor = auth.current_actor()
    can_move = actor is not None and actor.has("coordinator", "admin")
    ev = st.dataframe(frame, hide_index=True, width="stretch", height=560, column_config={
        t("gaps.col.required"): people, t("gaps.col.available"): people, t("gaps.col.gap"): people,
        t("gaps.col.movable_surplus"): people, t("gaps.col.movable_on_duty"): people,
        t("gaps.col.gap_rate"): st.column_config.NumberColumn(format="%.1f %%")},
        key=state_keys.GAPS_PICK, on_select="rerun" if can_move else "ignore", selection_mode="single-row")
    rows = ev["selection"]["rows"] if can_move and ev else []
    if can_move:  # from the gap list straight to the candidates for the picked community
        picked = ranked.iloc[rows[0]] if rows else None
        if st.button(t("gaps.act", name=picked["name"]) if picked is not None else t("gaps.act_pick"),
                     key="gaps_go_reassign", type="primary", disabled=picked is None):
            st.switch_page(str(PAGES_DIR / "reassign.py"), query_params={"community": str(picked["code"])})
    st.download_button(t("gaps.download"), frame.to_csv(index=False).encode("utf-8-sig"),
                       file_name=f"{t('gaps.download_name')}-{day.isoformat()}.csv", mime="text/csv",
                       key="gaps_download", icon="⬇️")
with right:
    st.subheader(t("gaps.map"))
    legend(coverage_maps.legend_items("gap"), t("coverage.metric.gap"))
    geometry = cache.map_geometry()
    located, unlocated = coverage_maps.location_counts(shown, geometry)
    unlocated_notice(unlocated, located)
    if located:
        st.pydeck_chart(coverage_maps.gap_deck(shown, geometry), height=600, key="gaps_map")

c1, c2 = st.columns(2, gap="medium")
street_rows = res.street[res.street["code"].isin(streets)] if streets else res.street
# explicit heights: Streamlit otherwise shrinks the layered charts and drops street names
c1.altair_chart(charts.served(charts.street_gap_bars(street_rows)), width="stretch", height=charts.bars_height(len(street_rows)) + 90)
c2.altair_chart(charts.served(charts.gap_trend(totals)), width="stretch", height=charts.TREND_HEIGHT + 90)
