"""The wall screen's live side: settings from the URL, and reads that survive a database outage
(keep showing the last good data, say how old it is, and recover on the next tick by themselves).

URL parameters (all optional), e.g. ``/wallscreen?kiosk=TOKEN&embed=true&refresh=30&rotate=overview,
coverage,volunteers,incidents&every=60&scale=2``:

* ``refresh``: seconds between panel refreshes (3..3600, default 30);
* ``rotate``: views to cycle through (overview, coverage, volunteers, incidents); ``every``: seconds
  per view (10..3600, default 60); without ``rotate`` the screen stays on the overview;
* ``scale``: multiplies map and chart pixel sizes; without it the screen measures itself (the
  browser's viewport, reported by a tiny component: 1 at 1920×1080, 2 at 3840×2160, and it follows
  a resize); text and tiles scale with the viewport by themselves (CSS viewport units);
* ``stale``: seconds after which a panel whose reads fail turns red (default max(5 min, 4 × refresh));
* ``embed=true`` (Streamlit's own) removes the header and toolbar.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st
import streamlit.components.v2  # noqa: F401 - st.components.v2

from dashboard import state_keys
from dashboard.builders.wall_view import VIEWS

LAST_GOOD = "wall_last_good"  # session-state key: {"data": WallData, "at": epoch s}
LAST_FAILED = "wall_last_failed"  # epoch s of the last failed read, or None
VIEW_KEY = state_keys.WALL_VIEW  # {"i": index, "at": epoch s of the last switch}


#: the design size: every pixel size on the wall is given for it and multiplied by ``scale``
BASE_W, BASE_H = 1920, 1080
#: pixels of a 1080p wall above and around the map (title, tiles, panel headers and stamps)
MAP_OVERHEAD_PX = 408
MAP_PANEL_PX = 130  # of a 1080p wall: the map panel's header, legend, stamp and padding (plus 16 px of margin)
TREND_OFFSET_PX = 475  # of a 1080p wall: the alerts panel and the trend's header and stamp, beside the map
DESK_HEADER_PX = 58  # the room CSS_DESK leaves for Streamlit's header on a leader's desk
COLUMNS = (1.1, 1.0)  # map | alerts and trend: a district is taller than wide, the alerts need the room


@dataclass(frozen=True)
class WallSettings:
    refresh: float
    views: tuple[str, ...]
    every: float
    scale: float
    stale_after: float
    viewport: tuple[int, int, int, int] | None = None  # (width, height, main width, map top) as reported

    @property
    def rotating(self) -> bool:
        return len(self.views) > 1

    @property
    def measured_top(self) -> bool:
        return self.viewport is not None and self.viewport[3] > 0

    @property
    def map_height(self) -> int:
        """The map's pixel height: what the screen has left under the map panel's top (measured: the
        tiles above it wrap differently by language and width) less its header, legend and stamp."""
        if self.viewport is None:
            return int(round((BASE_H - MAP_OVERHEAD_PX) * self.scale))
        w, h, _, top = self.viewport
        k = w / BASE_W  # HTML sizes follow the viewport's width
        if top > 0:
            return max(240, int(h - top - MAP_PANEL_PX * k - 16))
        return max(240, int(h - MAP_OVERHEAD_PX * k))

    @property
    def trend_height(self) -> int:
        return trend_height(self.map_height, self.scale)

    @property
    def map_width(self) -> int:
        """The map column's pixel width (its share of the main area less the paddings and the gap)."""
        width = self.viewport[2] if self.viewport is not None else BASE_W * self.scale
        return int(round(width * (COLUMNS[0] / sum(COLUMNS)) - 52 * self.scale))


def trend_height(map_height: int, scale: float) -> int:
    """The trend chart's pixel height: the right-hand column is as tall as the map's, less the alerts."""
    return max(110, int(map_height - TREND_OFFSET_PX * scale))


def _number(raw: Any, default: float, lo: float, hi: float) -> float:
    try:
        x = float(str(raw))
    except (TypeError, ValueError):
        return default
    return min(hi, max(lo, x)) if x == x else default


def settings(params: Any, viewport: tuple[int, ...] | None = None) -> WallSettings:
    """Settings from the query parameters and the measured viewport; anything unreadable falls back to
    the default. ``scale`` in the URL wins over the measured screen."""
    refresh = _number(params.get("refresh"), 30.0, 3.0, 3600.0)
    wanted = [v.strip() for v in str(params.get("rotate") or "").split(",") if v.strip()]
    views = tuple(v for v in wanted if v in VIEWS) or ("overview",)
    every = _number(params.get("every"), 60.0, 10.0, 3600.0)
    stale = _number(params.get("stale"), max(300.0, 4 * refresh), 10.0, 86400.0)
    if params.get("scale") is not None:
        return WallSettings(refresh, views, every, _number(params.get("scale"), 1.0, 0.5, 4.0), stale)
    if viewport is None:
        return WallSettings(refresh, views, every, 1.0, stale)
    w, h = viewport[0], viewport[1]
    scale = min(4.0, max(0.5, w / BASE_W))
    main = viewport[2] if len(viewport) > 2 else w
    top = viewport[3] if len(viewport) > 3 else -1
    return WallSettings(refresh, views, every, round(scale, 3), stale, (w, h, main, top))


VIEWPORT_KEY = "fx-viewport"
VIEWPORT_JS = """
export default function(component) {
  const { setStateValue } = component;
  const main = () => document.querySelector('[data-testid="stMainBlockContainer"]');
  const scroller = () => document.querySelector('[data-testid="stMain"]');
  const send = () => {
    const m = main();
    const panel = document.querySelector('.st-key-wall-map');
    const v = {w: Math.round(window.innerWidth), h: Math.round(window.innerHeight),
               mw: Math.round(m ? m.getBoundingClientRect().width : window.innerWidth),
               top: Math.round(panel ? panel.getBoundingClientRect().top + (scroller() ? scroller().scrollTop : 0) : -1)};
    const last = window.__fxViewport;
    if (last && last.w === v.w && last.h === v.h && Math.abs(last.mw - v.mw) < 8 && Math.abs(last.top - v.top) < 8) return;
    window.__fxViewport = v;
    setStateValue("size", v);
  };
  let timer = null;
  const later = () => { clearTimeout(timer); timer = setTimeout(send, 400); };
  later();
  let tries = 0;  // the map panel is drawn after this component: look for it for a while
  const poll = setInterval(() => { later(); if (++tries > 20) clearInterval(poll); }, 1000);
  window.addEventListener("resize", later);
  const observer = main() ? new ResizeObserver(later) : null;  // the sidebar opened or closed, tiles re-wrapped
  if (observer) observer.observe(main());
  return () => { window.removeEventListener("resize", later); if (observer) observer.disconnect();
                 clearTimeout(timer); clearInterval(poll); };
}
"""
_viewport_component: Any = None


def measured_viewport() -> tuple[int, int, int, int] | None:
    """The browser's viewport (width, height), the width of the page's main area and the top of the
    map panel (-1: not drawn yet) in CSS pixels, once it has reported them (None before: the first run
    draws for 1080p and the report reruns the page at the screen's size)."""
    global _viewport_component
    if _viewport_component is None:
        _viewport_component = st.components.v2.component("fx_viewport", js=VIEWPORT_JS)
    try:
        result = _viewport_component(key=VIEWPORT_KEY, on_size_change=lambda: None)
    except Exception:  # noqa: BLE001 - without the measurement the wall draws for 1080p (or ?scale=)
        return None
    size = getattr(result, "size", None)
    try:
        w, h = int(size["w"]), int(size["h"])  # type: ignore[index]
        mw, top = int(size.get("mw", w)), int(size.get("top", -1))  # type: ignore[union-attr]
    except (TypeError, KeyError, ValueError, AttributeError):
        return None
    return (w, h, min(w, max(mw, 320)), top if 0 < top < h else -1) if w >= 320 and h >= 240 else None


def fetch(load: Callable[[], Any], key: str = LAST_GOOD) -> tuple[Any, float | None, bool]:
    """(data, epoch of the last good read, whether this read failed). A failed read returns the last
    good data kept under ``key`` in the session (None before the first success)."""
    try:
        data = load()
    except Exception:  # noqa: BLE001 - the wall keeps showing the last good data through any outage
        st.session_state[LAST_FAILED] = time.time()
        last = st.session_state.get(key)
        if last:
            return last["data"], last["at"], True
        return None, None, True
    now = time.time()
    st.session_state[key] = {"data": data, "at": now}
    return data, now, False


def shown_view(s: WallSettings) -> str:
    """The view the last stage run chose (never advances): what every panel of the stage shows, so a
    panel refreshing on its own timer can never show another view than its neighbours."""
    state = st.session_state.get(VIEW_KEY)
    i = state["i"] if isinstance(state, dict) else 0
    return s.views[i % len(s.views)]


def current_view(s: WallSettings) -> str:
    """The view to show; advances once ``every`` seconds have passed since the last switch."""
    now = time.time()
    state = st.session_state.get(VIEW_KEY)
    if not isinstance(state, dict):
        state = {"i": 0, "at": now}
    elif s.rotating and now - state["at"] >= s.every * 0.95:
        state = {"i": (state["i"] + 1) % len(s.views), "at": now}
    st.session_state[VIEW_KEY] = state
    return s.views[state["i"] % len(s.views)]
