"""覆盖地图: communities coloured by a coverage metric; click one to drill into its grids and details."""

from __future__ import annotations

import streamlit as st

from dashboard import cache, state_keys
from dashboard.builders import coverage_maps
from dashboard.i18n import label, t
from dashboard.panels.components import (
    choose,
    fmt_count,
    fmt_people,
    legend,
    missing_data,
    unlocated_notice,
    with_paren,
)

KINDS = ["community_worker", "grid_member", "cadre", "party_member", "property_staff", "volunteer"]

res = cache.gaps()
geo = cache.map_geometry()
comm = res.community

st.title(t("coverage.title"))
st.caption(t("coverage.caption"))
if missing_data(["communities"], key="coverage") or comm.empty:
    st.stop()
missing_data(["staff", "grids", "checkpoints"], key="coverage-more")

f1, f2, f3 = st.columns([3.3, 1.4, 1.2])
metric = f1.segmented_control(t("coverage.color_by"), options=list(coverage_maps.METRICS), key=state_keys.COVERAGE_METRIC,
                              format_func=lambda m: t(f"coverage.metric.{m}"), default="gap") or "gap"
street_names = dict(zip(res.street["code"], res.street["name"], strict=True))
streets = f2.multiselect(t("coverage.filter.streets"), list(street_names), key=state_keys.COVERAGE_STREETS,
                         format_func=street_names.__getitem__, placeholder=t("coverage.filter.all"), select_all=False)
shown = comm[comm["street_code"].isin(streets)] if streets else comm
names = {c: with_paren(n, s) for c, n, s in zip(shown["code"], shown["name"], shown["street"], strict=True)}
picked = f3.selectbox(t("coverage.filter.community"), ["", *names], key=state_keys.COVERAGE_COMMUNITY,
                      format_func=lambda c: names.get(c, t("coverage.filter.all")), placeholder=choose())

cov = res.coverage
k = st.columns(4)
for col, key in zip(k, ("grid_coverage", "checkpoint_shift_coverage", "staff_per_10k", "volunteers_per_1k"), strict=True):
    unit = {"staff_per_10k": t("unit.per_10k"), "volunteers_per_1k": t("unit.per_1k")}.get(key, t("unit.percent"))
    value = cov.get(key)
    no_grids = key == "grid_coverage" and value is None and int(res.district.get("grids", 0) or 0) == 0
    col.metric(t(f"coverage.kpi.{key}"), "—" if value is None else f"{value:.1f} {unit}",
               delta=t("grid.none") if no_grids else None, delta_color="off", delta_arrow="off")

left, right = st.columns([2.1, 1], gap="medium")
with left:
    legend(coverage_maps.legend_items(metric), t(f"coverage.metric.{metric}"))
    located, unlocated = coverage_maps.location_counts(shown, geo)
    unlocated_notice(unlocated, located)
    ev = st.pydeck_chart(coverage_maps.community_deck(shown, geo, metric), height=640, key=state_keys.COVERAGE_MAP,
                         on_select="rerun", selection_mode="single-object") if located else None
code = coverage_maps.selected_code(ev, "communities") or picked or None

with right:
    if not code or code not in set(comm["code"]):
        st.info(t("coverage.detail.pick"))
        st.stop()
    row = comm[comm["code"] == code].iloc[0]
    st.subheader(t("coverage.detail.title", name=row["name"]))
    st.caption(f"{row['street']} · {label('risk', row['risk_level'])} · {t('col.population')} {fmt_people(row['population'])}")
    m = [*st.columns(2), *st.columns(2)]  # two rows: "富余 10 人" needs the width of a half panel
    m[0].metric(t("coverage.detail.kpi.required"), fmt_people(row["required"]))
    m[1].metric(t("coverage.detail.kpi.available"), fmt_people(row["available"]))
    gap = int(row["gap"])
    m[2].metric(t("coverage.detail.kpi.gap"), t("gaps.short_n", n=gap) if gap > 0 else
                t("gaps.surplus_n", n=-gap) if gap < 0 else t("gaps.legend.balanced"))
    m[3].metric(t("coverage.detail.kpi.isolated"), fmt_count(row["isolated_households"], "unit.households"))
    detail = cache.community_detail(int(row["community_id"]))
    grid_rows = res.grid[res.grid["community_id"] == row["community_id"]]
    st.markdown(f"**{t('coverage.detail.grids')}**")
    if len(detail.grids):
        st.pydeck_chart(coverage_maps.grid_deck(grid_rows, detail), height=340, key="coverage_grid_map")
    else:
        st.caption(t("grid.none"))
    st.markdown(f"**{t('coverage.detail.staff_by_kind')}**")
    st.dataframe({t("coverage.detail.col.kind"): [label("kind", kd) for kd in KINDS],
                  t("coverage.detail.col.on_duty"): [int(row[f"on_duty_{kd}"]) for kd in KINDS]},
                 hide_index=True, width="stretch",
                 column_config={t("coverage.detail.col.on_duty"): st.column_config.NumberColumn(
                     format=f"%d {t('unit.people')}")})
    st.markdown(t("punct.count", text=f"**{t('coverage.detail.checkpoints')}**", n=fmt_count(len(detail.checkpoints), "unit.communities")))
    if detail.checkpoints.empty:
        st.caption(t("coverage.detail.no_checkpoints"))
    else:
        st.dataframe({t("col.name"): detail.checkpoints["name"],
                      t("coverage.detail.col.grid"): detail.checkpoints["grid"].fillna("—")},
                     hide_index=True, width="stretch", height=180)
    inc = detail.open_incidents
    st.markdown(t("punct.count", text=f"**{t('coverage.detail.incidents')}**", n=fmt_count(len(inc), "unit.items")))
    if inc.empty:
        st.caption(t("coverage.detail.no_incidents"))
    else:
        st.dataframe({t("coverage.detail.col.type"): [label("itype", x) for x in inc["type"]],
                      t("coverage.detail.col.severity"): [label("severity", x) for x in inc["severity"]],
                      t("coverage.detail.col.status"): [label("status", x) for x in inc["status"]],
                      t("coverage.detail.col.reported_at"): inc["reported_at"].astype(str).str.slice(0, 16)},
                     hide_index=True, width="stretch", height=180)
