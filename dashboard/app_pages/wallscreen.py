"""指挥大屏: the district at a glance for a wall 3-5 m away. Read-only; no personal data; no widget.

The screen is one fragment that re-reads on one timer (``?refresh=``) without reloading the page (a
fragment per panel, each on its own timer, cancelled each other: a panel whose timer fired while
another panel ran was dropped until its next tick); a failed read keeps the last good data on screen
with an amber, then red, border; rotation (``?rotate=...&every=``) swaps the map and trend views on
the same timer (ticking at the shorter of the two periods). URL parameters are
documented in dashboard/panels/wall_live.py.
"""

from __future__ import annotations

import time

import streamlit as st

from core.model.alert_rules import for_display, summary
from core.services import clock
from dashboard import auth, cache
from dashboard.builders import charts, wall_view
from dashboard.context import db_url
from dashboard.i18n import current_lang, t
from dashboard.panels import wall_live
from dashboard.panels.wall_live import current_view, fetch, measured_viewport, settings, shown_view

ACTOR = auth.current_actor()
KIOSK = ACTOR is None or "wallscreen" in ACTOR.roles or bool(st.context.is_embedded)
st.markdown(wall_view.CSS + (wall_view.CSS_KIOSK if KIOSK else wall_view.CSS_DESK), unsafe_allow_html=True)  # one element: no extra gap
S = settings(st.query_params, None if "scale" in st.query_params else measured_viewport())
URL = db_url()
# a desk keeps Streamlit's header bar (measured once the map panel's top is known)
MAP_H = S.map_height - (0 if KIOSK or S.measured_top else wall_live.DESK_HEADER_PX)
TREND_H, ALERT_ROWS = wall_live.trend_height(MAP_H, S.scale), 9
DUTY_ROWS = 3  # checkpoint posts under the alerts (their header takes the place of one more alert)
try:
    cache.job_keeper(URL)
except Exception:  # noqa: BLE001 - the keeper is best-effort; the screen works without it
    pass


def _wall() -> object:  # the version is read fresh each tick: a write shows on the next refresh
    return cache.wall()


def _geometry() -> object:
    return cache.map_geometry()


def _fresh(last_ok: float | None, failed: bool) -> None:
    st.markdown(wall_view.freshness_html(last_ok, failed, time.time(), S.stale_after), unsafe_allow_html=True)


Read = tuple[object, float | None, bool]  # (data, epoch of the last good read, whether this read failed)
#: the map of a view, built once for every screen showing the same data at the same size and language
DECKS = wall_view.DECK_MEMO


def header(read: Read) -> None:
    try:  # a revoked kiosk token or a disabled account ends the screen within one refresh
        if auth.resolve(URL) is None:
            st.rerun(scope="app")
    except Exception:  # noqa: BLE001 - database down: keep the screen, the panels say it
        pass
    data = read[0]
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.title(t("wall.title", district=getattr(data, "district", "")))
    now = clock.wall_now()
    demo = f'<span class="fx-demo">{wall_view.esc(t("app.demo_badge"))}</span>' if getattr(data, "demo", False) else ""
    right.markdown(f'<div class="fx-clock" style="text-align:right">{wall_view.esc(now.strftime("%Y-%m-%d %H:%M"))}'
                   f'{demo}</div>', unsafe_allow_html=True)


def kpi_panel(read: Read) -> None:
    data, last_ok, failed = read
    with st.container(key="wall-kpis", gap=None):
        if data is not None:
            st.markdown(wall_view.kpi_tiles_html(data.kpis), unsafe_allow_html=True)
        _fresh(last_ok, failed)


def map_panel(read: Read) -> None:
    view = shown_view(S)  # read each run: a timer rerun never keeps an old view
    position = f" · {S.views.index(view) + 1}/{len(S.views)}" if S.rotating else ""
    data, last_ok, failed = read
    geo, _, geo_failed = fetch(_geometry, key="wall_last_geometry")
    metric = wall_view.MAP_METRIC[view]
    with st.container(key="wall-map", gap=None):
        st.markdown(wall_view.panel_header(t(f"wall.panel.map.{metric}"), f"{t(f'wall.view.{view}')}{position}")
                    + wall_view.legend_html(metric), unsafe_allow_html=True)
        if data is not None and geo is not None:
            located, unlocated = wall_view.location_counts(geo, data.communities)
            if located:
                deck = DECKS.get((data, geo), (metric, S.map_width, MAP_H, S.scale, current_lang()),
                                 lambda: wall_view.wall_deck(geo, data.communities, metric, width_px=S.map_width,
                                                             height_px=MAP_H, scale=S.scale))
                st.pydeck_chart(deck, height=MAP_H if not unlocated else MAP_H - 30, key=f"wall_map_{metric}")
            if unlocated:
                st.markdown(wall_view.unlocated_html(unlocated, located, MAP_H - 30), unsafe_allow_html=True)
        _fresh(last_ok, failed or geo_failed)


def alerts_panel(read: Read) -> None:
    data, last_ok, failed = read
    with st.container(key="wall-alerts", gap=None):
        if data is not None:
            shown = for_display(data.alerts)
            duty = getattr(data, "duty", None)  # posts that keep a roster: the alerts give them room
            rows = ALERT_ROWS - DUTY_ROWS - 1 if duty is not None else ALERT_ROWS
            st.markdown(wall_view.panel_header(t("wall.panel.alerts"), t("wall.panel.alerts.count", **summary(shown)))
                        + wall_view.alerts_html(shown, rows, today=clock.wall_now().date())
                        + (wall_view.duty_html(duty, DUTY_ROWS) if duty is not None else ""),
                        unsafe_allow_html=True)
        _fresh(last_ok, failed)


def trend_panel(read: Read) -> None:
    view = shown_view(S)
    data, last_ok, failed = read
    with st.container(key="wall-trend", gap=None):
        if data is not None:
            st.markdown(wall_view.panel_header(t(f"wall.panel.trend.{view}", n=len(data.trend)),
                                        t("wall.trend.unit", unit=t(wall_view.TREND_AXIS[view]))), unsafe_allow_html=True)
            st.altair_chart(charts.served(wall_view.trend_chart(data.trend, view, height_px=TREND_H, scale=S.scale)), theme=None,
                            key=f"wall_trend_{view}")
        _fresh(last_ok, failed)


#: one timer for the whole screen: the refresh, or the rotation when it is the shorter
TICK = min(S.refresh, S.every) if S.rotating else S.refresh


@st.fragment(run_every=TICK)
def live() -> None:
    """Every panel drawn from one read per tick: the view advances (rotation), then the panels all show it."""
    read = fetch(_wall)
    header(read)
    kpi_panel(read)
    current_view(S)
    left, right = st.columns(wall_live.COLUMNS, gap="small")
    with left:
        map_panel(read)
    with right:
        alerts_panel(read)
        trend_panel(read)


live()
