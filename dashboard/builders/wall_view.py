"""Builders of the wall screen: the map deck, the trend chart and the HTML of the tiles, the alert list
and the freshness line. Pure functions (no ``st.``); every text is escaped; sizes of HTML text are in
viewport units (so a 4K screen looks like 1080p), canvas and chart sizes are multiplied by ``scale``
(the measured screen's width over 1920, or ``?scale=``: dashboard/panels/wall_live.py). Nothing is
smaller than 24 px at 1080p: it is read from 3-5 m."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Sequence

import altair as alt
import pandas as pd
import pydeck as pdk

from core.config import district_timezone
from core.services.read_models.coverage import MapGeometry
from core.services.read_models.wall import Kpi
from core.services.rosters import DutyBoard, slot_label
from dashboard.builders import maps
from dashboard.i18n import current_lang, t

VIEWS = ("overview", "coverage", "volunteers", "incidents")
MAP_METRIC = {"overview": "gap", "coverage": "coverage", "volunteers": "volunteers", "incidents": "incidents"}
GOOD, BAD, FLAT = "#34d399", "#f87171", "#94a3b8"
AMBER, RED = "#f59e0b", "#ef4444"
GAP_LIMIT = 60.0  # people: the colour saturates at the critical alert threshold of the defaults
COVERAGE_THRESHOLDS = (80.0, 90.0, 95.0, 99.99)
COVERAGE_COLORS: list[maps.Color] = [[215, 48, 39], [244, 109, 67], [253, 174, 97], [166, 217, 106], [26, 152, 80]]
VOLUNTEER_THRESHOLDS = (3.0, 4.0, 5.0, 6.0)
VOLUNTEER_COLORS: list[maps.Color] = [[237, 248, 251], [179, 205, 227], [140, 150, 198], [136, 86, 167],
                                      [129, 15, 124]]
NO_DATA: maps.Color = [71, 85, 105]
INCIDENT_COLORS: list[maps.Color] = [[51, 65, 85], [250, 204, 21], [249, 115, 22], [220, 38, 38]]  # 0 is dark

#: a leader's desk showing the wall: room under Streamlit's header bar for the title
CSS_DESK = """
<style>[data-testid="stMainBlockContainer"] {padding-top: 3.6rem !important;}</style>
"""

#: kiosks (the wallscreen role) and embedded views: no sidebar, header, toolbar or running man
CSS_KIOSK = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] {display: none !important;}
</style>
"""

#: sizes in viewport units, so the layout grows with the screen (1 vw = 19.2 px at 1920 × 1080): no text
#: under 1.25 vw (24 px at 1080p, 48 px on a 4K wall), figures 3 vw and more; tiles shrink and wrap
#: their labels instead of pushing the last tile off screen (English labels are longer)
CSS = """
<style>
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {background: #0b1220 !important; color: #e2e8f0;}
[data-testid="stMainBlockContainer"] {padding: 0.5vw 1.0vw 0.3vw 1.0vw !important; max-width: 100% !important;}
[data-stale="true"] {opacity: 1 !important; transition: none !important;}
[data-testid="stElementContainer"] {transition: none !important;}
div[class*="st-key-fx-viewport"] {display: none !important;}
.fx-top {display:flex; align-items:center; justify-content:space-between; height:3.2vw;}
.fx-top h1, .stApp h1 {font-size: 2.0vw !important; font-weight: 800; color: #f8fafc; margin: 0; padding: 0;
  letter-spacing: 0.06em; line-height: 1.2 !important;}
.fx-clock {font-size: 1.6vw; color: #cbd5e1; font-variant-numeric: tabular-nums;}
.fx-views {font-size: 1.25vw; color: #64748b;} .fx-views b {color: #f8fafc; border-bottom: 0.2vw solid #38bdf8;}
.fx-demo {font-size: 1.25vw; color: #fbbf24; border: 0.1vw solid #fbbf24; border-radius: 0.3vw; padding: 0 0.4vw;
  margin-left: 0.8vw;}
.fx-tiles {display:grid; grid-template-columns: repeat(8, minmax(0, 1fr)); gap: 0.5vw;}
.fx-tile {background: #111a2e; border: 0.12vw solid #1e293b; border-radius: 0.5vw; padding: 0.4vw 0.6vw 0.4vw;
  min-width: 0; overflow: hidden;}
.fx-tile .lbl {font-size: 1.3vw; line-height: 1.15; color: #cbd5e1; overflow-wrap: anywhere;
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; min-height: 1.15em;}
.fx-tile .num {font-size: 3.2vw; line-height: 1.1; font-weight: 800; color: #f8fafc; white-space: nowrap;
  font-variant-numeric: tabular-nums; display: flex; flex-wrap: wrap; align-items: baseline; column-gap: 0.25vw;}
.fx-tile .num.long {font-size: 2.6vw;}
.fx-tile .unit {font-size: 1.3vw; line-height: 1.2; font-weight: 600; color: #94a3b8;}
.fx-tile .dl {font-size: 1.25vw; line-height: 1.2; font-variant-numeric: tabular-nums; overflow-wrap: anywhere;}
.fx-tile.bad {border-color: #7f1d1d; background: linear-gradient(180deg, #1f1220 0%, #111a2e 60%);}
.fx-panel-h {display:flex; justify-content:space-between; align-items:baseline; gap: 0.6vw; margin: 0 0 0.2vw 0;}
.fx-panel-h .t {font-size: 1.6vw; font-weight: 700; color: #f1f5f9; white-space: nowrap;}
.fx-panel-h .s {font-size: 1.25vw; color: #94a3b8; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;}
.fx-fresh {font-size: 1.25vw; line-height: 1.2; color: #94a3b8; text-align: right; margin-top: 0.1vw;}
.fx-fresh.warn {color: #f59e0b; font-weight: 700;} .fx-fresh.bad {color: #ef4444; font-weight: 700;}
div[class*="st-key-wall-"] {border: 0.15vw solid #1e293b; border-radius: 0.5vw; padding: 0.3vw 0.5vw;
  background: #0f172a;}
div[class*="st-key-wall-"]:has(.fx-fresh.warn) {border-color: #f59e0b; box-shadow: 0 0 0.8vw #f59e0b55;}
div[class*="st-key-wall-"]:has(.fx-fresh.bad) {border-color: #ef4444; box-shadow: 0 0 1vw #ef444477;}
div.st-key-wall-kpis {border: none; background: transparent; padding: 0;}
.fx-alerts {list-style: none; margin: 0 !important; padding: 0 !important;}
.fx-alerts li {margin: 0 !important;}
.fx-alerts li {display:flex; align-items:center; gap: 0.45vw; font-size: 1.3vw; line-height: 1.3;
  padding: 0.22vw 0.2vw; border-bottom: 1px solid #1e293b; color: #e2e8f0; white-space: nowrap; overflow: hidden;}
.fx-alerts li .txt {overflow: hidden; text-overflow: ellipsis;}
.fx-alerts li .when {margin-left:auto; color:#94a3b8; font-size: 1.25vw; flex: none;}
.fx-badge {font-size: 1.25vw; font-weight: 700; border-radius: 0.25vw; padding: 0 0.35vw; flex: none;}
.fx-badge.critical {background: #dc2626; color: #fff;} .fx-badge.warning {background: #d97706; color: #fff;}
.fx-badge.new {background: #0ea5e9; color: #fff; animation: fxpulse 1.6s ease-in-out infinite;}
.fx-alerts li.new {background: #0c4a6e55;}
@keyframes fxpulse {0%,100% {opacity: 1;} 50% {opacity: 0.45;}}
.fx-duty li .ok {color: #34d399; font-weight: 700;} .fx-duty li .short {color: #f87171; font-weight: 700;}
.fx-duty-h {margin-top: 0.35vw;}
.fx-more {font-size: 1.25vw; color: #94a3b8; margin-top: 0.2vw;}
.fx-none {font-size: 1.6vw; color: #34d399; padding: 1vw 0;}
.fx-legend {font-size: 1.25vw; line-height: 1.3; color: #cbd5e1; white-space: nowrap; overflow: hidden;
  margin-bottom: 1rem;}  /* Streamlit pulls the next element up by 1rem: the map must not cover the legend */
.fx-legend span.sw {display:inline-block; width:1.4vw; height:0.9vw;
  margin: 0 0.25vw 0 0.7vw; vertical-align: middle; border-radius: 0.15vw;}
</style>
"""


def esc(x: object) -> str:
    return html.escape(str(x))


def fmt_value(k: Kpi) -> str:
    if k.value is None or (isinstance(k.value, float) and math.isnan(k.value)):
        return "—"
    return f"{k.value:.1f}" if k.unit == "percent" else f"{int(round(k.value)):,}"


def fmt_delta(k: Kpi) -> tuple[str, str]:
    """(text, colour) of the change since yesterday."""
    d = k.delta
    if d is None or math.isnan(d):
        return t("wall.delta.none"), FLAT
    if abs(d) < (0.05 if k.unit == "percent" else 0.5):
        return t("wall.delta.flat"), FLAT
    arrow = "▲" if d > 0 else "▼"
    unit = t("wall.unit.points") if k.unit == "percent" else t(f"wall.unit.{k.unit}")
    num = f"{abs(d):.1f}" if k.unit == "percent" else f"{int(round(abs(d))):,}"
    return f"{t('wall.delta.vs_yesterday')} {arrow} {num} {unit}".rstrip(), GOOD if k.improved else BAD


def kpi_tiles_html(kpis: Sequence[Kpi]) -> str:
    cells = []
    for k in kpis:
        text, colour = fmt_delta(k)
        value = fmt_value(k)
        if k.key == "grid_coverage" and value == "—":  # no grids in the district: say so, never "0 %"
            text, colour = t("grid.none"), FLAT
        unit = "" if value == "—" else t(f"wall.unit.{k.unit}")
        bad = " bad" if k.improved is False else ""
        long = " long" if len(value) >= 6 else ""  # 23,567: a smaller figure keeps its unit beside it
        cells.append(
            f'<div class="fx-tile{bad}" data-testid="fx-kpi-{esc(k.key)}"><div class="lbl">{esc(t(f"wall.kpi.{k.key}"))}'
            f'</div><div class="num{long}"><span class="fx-num">{esc(value)}</span><span class="unit">'
            f'{esc(unit)}</span></div><div class="dl" style="color:{colour}">{esc(text)}</div></div>')
    return f'<div class="fx-tiles">{"".join(cells)}</div>'


def alert_text(row: pd.Series) -> str:
    value = row["value"]
    value_s = f"{value:.1f}" if row["kind"] in ("incident_overdue", "errand_overdue") else f"{int(round(value)):,}"
    return t(f"wall.alert.{row['kind']}", community=row["community"] or "", street=row["street"] or "",
             target=row["target"] or "", value=value_s, threshold=f"{row['threshold']:g}")


def alerts_html(alerts: pd.DataFrame, max_rows: int, today: dt.date | None = None) -> str:
    """The alert list; an alert first seen ``today`` shows its time only (room for the text)."""
    if not len(alerts):
        return f'<div class="fx-none">✓ {esc(t("wall.alerts.none"))}</div>'
    rows = []
    for _, r in alerts.head(max_rows).iterrows():  # at most max_rows (about 10) lines of HTML
        new = bool(r["is_new"])
        badge_new = f'<span class="fx-badge new">{esc(t("wall.alert.new"))}</span>' if new else ""
        seen = pd.Timestamp(r["first_seen"])
        when = seen.strftime("%H:%M" if today is not None and seen.date() == today else "%m-%d %H:%M")
        level = t(f"wall.alert.level.{r['level']}")
        rows.append(
            f'<li class="{"new" if new else ""}" data-testid="fx-alert"><span class="fx-badge {esc(r["level"])}">'
            f'{esc(level)}</span>{badge_new}<span class="txt">'
            f'{esc(alert_text(r))}</span><span class="when">{esc(t("wall.alert.since", when=when))}</span></li>')
    more = len(alerts) - max_rows
    tail = f'<div class="fx-more">{esc(t("wall.alerts.more", n=more))}</div>' if more > 0 else ""
    return f'<ul class="fx-alerts">{"".join(rows)}</ul>{tail}'


def _taken(taken: object, needed: object) -> str:
    if pd.isna(needed):
        return "—"
    cls = "ok" if int(taken) >= int(needed) else "short"  # type: ignore[call-overload]
    return f'<span class="{cls}">{int(taken)}/{int(needed)}</span>'  # type: ignore[call-overload]


def duty_html(board: DutyBoard, max_rows: int) -> str:
    """Checkpoint duty under the alerts: how many shifts of the next hours are not fully taken, then per post
    (short ones first) the shift on now and the next one as taken / needed (counts only: no names)."""
    lang = current_lang()
    head = (f'<div class="fx-panel-h fx-duty-h"><span class="t">{esc(t("wall.duty.title"))}</span>'
            f'<span class="s" data-testid="fx-empty-shifts" data-n="{board.empty_soon}">'
            f'{esc(t("wall.duty.empty", h=f"{board.hours:g}", n=board.empty_soon))}</span></div>')
    rows = []
    for r in board.posts.head(max_rows).itertuples():
        now = (esc(t("wall.duty.now", shift=slot_label(str(r.now_shift), lang))) + " " + _taken(r.now_taken, r.now_needed)
               if pd.notna(r.now_shift) else esc(t("wall.duty.none_now")))
        nxt = ("" if pd.isna(r.next_shift) else esc(t("wall.duty.next", at=f"{pd.Timestamp(r.next_at):%H:%M}",
                                                          shift=slot_label(str(r.next_shift), lang)))
               + " " + _taken(r.next_taken, r.next_needed))
        name = t("wall.duty.grid", name=r.checkpoint) if getattr(r, "kind", "checkpoint") == "grid" else str(r.checkpoint)
        rows.append(f'<li data-testid="fx-duty"><span class="txt">{esc(name)}</span>'
                    f'<span class="when">{now}　{nxt}</span></li>')
    more = len(board.posts) - max_rows
    tail = f'<div class="fx-more">{esc(t("wall.duty.more", n=more))}</div>' if more > 0 else ""
    return f'{head}<ul class="fx-alerts fx-duty">{"".join(rows)}</ul>{tail}'


def panel_header(title: str, sub: str = "") -> str:
    return f'<div class="fx-panel-h"><span class="t">{esc(title)}</span><span class="s">{esc(sub)}</span></div>'


def freshness_html(last_ok: float | None, failed: bool, now: float, stale_after: float) -> str:
    """The panel's "updated at" line; amber when the last read failed, red past ``stale_after`` s."""
    if last_ok is None:
        return f'<div class="fx-fresh bad">⚠ {esc(t("wall.stale.never"))}</div>'
    age = now - last_ok
    # in the district's zone, like the clock above it (not the server's own zone)
    when = dt.datetime.fromtimestamp(last_ok, district_timezone()).strftime("%H:%M:%S")
    if age > stale_after:
        return f'<div class="fx-fresh bad">⚠ {esc(t("wall.stale.minutes", n=max(1, int(age // 60))))}</div>'
    if failed:
        return f'<div class="fx-fresh warn">⚠ {esc(t("wall.stale.retrying", when=when))}</div>'
    return f'<div class="fx-fresh">{esc(t("wall.updated", when=when))}</div>'


def legend_html(metric: str) -> str:
    def sw(c: Sequence[int], label: str) -> str:
        return f'<span class="sw" style="background:rgb({c[0]},{c[1]},{c[2]})"></span>{esc(label)}'

    if metric == "gap":
        p = t("unit.people")
        items = [sw(maps.diverging(pd.Series([GAP_LIMIT]), GAP_LIMIT)[0], f'{t("wall.legend.short")} ≥{GAP_LIMIT:.0f} {p}'),
                 sw(maps.diverging(pd.Series([GAP_LIMIT / 3]), GAP_LIMIT)[0],
                    f'{t("wall.legend.short")} {GAP_LIMIT / 3:.0f} {p}'),
                 sw(maps.diverging(pd.Series([0.0]), GAP_LIMIT)[0], t("wall.legend.balanced")),
                 sw(maps.diverging(pd.Series([-GAP_LIMIT / 2]), GAP_LIMIT)[0], t("wall.legend.surplus"))]
    elif metric == "coverage":
        edges = ["<80%", "80–90%", "90–95%", "95–100%", "100%"]
        items = [sw(c, e) for c, e in zip(COVERAGE_COLORS, edges, strict=True)]
    elif metric == "volunteers":
        edges = ["<3", "3–4", "4–5", "5–6", "≥6"]
        items = [sw(c, f"{e} {t('unit.per_1k')}") for c, e in zip(VOLUNTEER_COLORS, edges, strict=True)]
    else:
        edges = ["0", "1", "2–3", "≥4"]
        items = [sw(c, f"{e} {t('unit.items')}") for c, e in zip(INCIDENT_COLORS, edges, strict=True)]
    return f'<div class="fx-legend">{"".join(items)}</div>'


def map_colors(comm: pd.DataFrame, metric: str) -> list[maps.Color]:
    if metric == "gap":
        return maps.diverging(comm["gap"].astype(float), GAP_LIMIT)
    if metric == "coverage":
        cols = maps.sequential(comm["grid_coverage"], COVERAGE_THRESHOLDS, COVERAGE_COLORS)
        return [NO_DATA if pd.isna(v) else c for v, c in zip(comm["grid_coverage"], cols, strict=True)]
    if metric == "volunteers":
        return maps.sequential(comm["volunteers_per_1k"], VOLUNTEER_THRESHOLDS, VOLUNTEER_COLORS)
    return maps.sequential(comm["open_incidents"].astype(float), maps.INCIDENT_THRESHOLDS, INCIDENT_COLORS)


#: the wall's maps, built once per data, view, size and language for every screen (dashboard/app_pages/wallscreen.py)
DECK_MEMO = maps.DeckMemo()

STREET_LABEL_PX = 26  # at 1080p: legible from 5 m (× scale on bigger screens)
DOT_LABEL_PX = 24


def wall_deck(geometry: MapGeometry, comm: pd.DataFrame, metric: str, *, width_px: int, height_px: int,
              scale: float = 1.0) -> pdk.Deck:
    """Community polygons coloured by ``metric`` on the dark district outline, street borders and the
    street names that fit (districts' names on a city-wide wall); the first view fits the shapes."""
    df = geometry.communities.merge(comm, on=["community_id", "code"], how="inner")
    df["fill"] = map_colors(df, metric)
    frame = maps.Frame(width_px, height_px)
    view = maps.fit_view(maps.shapes_bounds(df), frame, margin_px=int(round(20 * scale)))
    fc = maps.feature_collection(df, ["code", "name", "fill"])
    layers = maps.outline_layer(geometry.district.get("geometry"), dark=True)
    layers.append(maps.choropleth_layer(fc, "wall-communities", line=[15, 23, 42], opacity=235))
    dots = maps.point_layer(df, ["code", "name", "fill"], "wall-points",
                            radius_px=int(round(9 * scale)), line=[15, 23, 42])
    if dots is not None:  # coordinates only: a dot, its name under it
        layers.append(dots)
    extra = maps.dot_label_frame(df, size=int(round(DOT_LABEL_PX * scale)), dy=int(round(28 * scale)))
    by_name = df.groupby("street")["shortage"].sum() if {"street", "shortage"} <= set(df) else None
    priority = None if by_name is None else pd.Series(
        geometry.streets["name"].map(by_name).to_numpy(float), index=geometry.streets["code"])
    layers += maps.street_layers(geometry.streets, view, frame, dark=True,
                                 label_size=int(round(STREET_LABEL_PX * scale)), priority=priority, extra=extra)
    return maps.deck(layers, view, tooltip=None)


TREND_SERIES = {
    "overview": [("shortage", "wall.series.shortage", "#f87171")],
    "coverage": [("grid_coverage", "wall.series.grid_coverage", "#34d399")],
    "volunteers": [("volunteers_on_duty", "wall.series.volunteers", "#a78bfa")],
    "incidents": [("open_incidents", "wall.series.open", "#fbbf24"), ("overdue_incidents", "wall.series.overdue", "#f87171")],
}
TREND_AXIS = {"overview": "wall.axis.people", "coverage": "wall.axis.percent", "volunteers": "wall.axis.people",
              "incidents": "wall.axis.items"}


AXIS_LABEL_PX = 24  # at 1080p (× scale): read from 5 m


def trend_chart(trend: pd.DataFrame, view: str, *, height_px: int, scale: float = 1.0) -> alt.Chart:
    """The 14-day line of the view's figure(s), dark, Chinese, the last value labelled."""
    series = TREND_SERIES[view]
    day = pd.to_datetime(trend["day"]).dt.strftime("%m-%d")
    long = pd.concat([pd.DataFrame({"day": day, "series": t(key), "v": trend[col].astype(float)})
                      for col, key, _ in series], ignore_index=True)
    long["label"] = [f"{v:.1f}" if view == "coverage" else f"{int(v):,}" for v in long["v"]]
    domain = [t(key) for _, key, _ in series]
    colour = alt.Color("series:N", scale=alt.Scale(domain=domain, range=[c for _, _, c in series]),
                       legend=alt.Legend(orient="top-left", title=None) if len(series) > 1 else None)
    x = alt.X("day:O", title=None, axis=alt.Axis(labelAngle=0, labelOverlap="greedy", labelSeparation=int(14 * scale),
                                                        labelPadding=6 * scale))
    lo, hi = float(long["v"].min()), float(long["v"].max())
    pad = max(hi - lo, 1.0)
    y = alt.Y("v:Q", title=None, axis=alt.Axis(tickCount=4),  # headroom for the last value's label
              scale=alt.Scale(domain=[max(0.0, lo - 0.08 * pad), hi + 0.22 * pad], nice=False))
    line = alt.Chart(long).mark_line(point=alt.OverlayMarkDef(size=60 * scale), strokeWidth=4 * scale).encode(
        x=x, y=y, color=colour)
    last = long[long["day"] == day.iat[-1]]
    text = alt.Chart(last).mark_text(align="right", dx=-14 * scale, dy=-24 * scale, fontSize=32 * scale,
                                     fontWeight="bold").encode(x=x, y=y, text="label:N", color=colour)
    fs = AXIS_LABEL_PX * scale
    return (alt.layer(line, text).properties(height=height_px, background="transparent")
            .configure(font=maps.CJK_FONT.strip('"'))
            .configure_axis(labelColor="#cbd5e1", titleColor="#94a3b8", gridColor="#1e293b", domainColor="#334155",
                            tickColor="#334155", labelFontSize=fs, titleFontSize=fs)
            .configure_legend(labelColor="#e2e8f0", labelFontSize=fs, symbolSize=200 * scale, symbolStrokeWidth=4 * scale)
            .configure_view(stroke=None))


def location_counts(geometry: MapGeometry, comm: pd.DataFrame) -> tuple[int, int]:
    """(located, unlocated) communities of the wall map (a boundary, or at least coordinates)."""
    df = comm[["community_id", "lon", "lat"]].merge(geometry.communities[["community_id", "geometry"]],
                                                    on="community_id", how="left")
    return maps.location_counts(df)


def unlocated_html(n_unlocated: int, n_located: int, height_px: int) -> str:
    """The wall's note on communities it cannot place; a placeholder the map's size when it can place none."""
    if n_unlocated <= 0:
        return ""
    note = f'<div class="fx-legend" style="color:#f59e0b">📍 {esc(t("map.unlocated", n=f"{n_unlocated:,}"))}</div>'
    if n_located:
        return note
    return (f'<div data-testid="fx-map-placeholder" style="height:{height_px}px;display:flex;align-items:center;'
            f'justify-content:center;text-align:center;color:#94a3b8;font-size:1.6vw;border:0.15vw dashed #334155;'
            f'border-radius:0.5vw;padding:0 3vw;">{esc(t("map.nothing_located"))}</div>{note}')
