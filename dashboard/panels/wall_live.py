"""The wall screen's live side: settings from the URL, and reads that survive a database outage
(keep showing the last good data, say how old it is, and recover on the next tick by themselves).

URL parameters (all optional), e.g. ``/wallscreen?kiosk=TOKEN&embed=true&refresh=30&rotate=overview,
coverage,volunteers,incidents&every=60&scale=2``:

* ``refresh``: seconds between panel refreshes (3..3600, default 30);
* ``rotate``: views to cycle through (overview, coverage, volunteers, incidents); ``every``: seconds
  per view (10..3600, default 60); without ``rotate`` the screen stays on the overview;
* ``scale``: multiplies map and chart pixel sizes (1 for 1920×1080 or a 4K screen at 200 % zoom,
  2 for 3840×2160 at 100 %); text and tiles scale with the viewport by themselves;
* ``stale``: seconds after which a panel whose reads fail turns red (default max(5 min, 4 × refresh));
* ``embed=true`` (Streamlit's own) removes the header and toolbar.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from dashboard import state_keys
from dashboard.builders.wall_view import VIEWS

LAST_GOOD = "wall_last_good"  # session-state key: {"data": WallData, "at": epoch s}
LAST_FAILED = "wall_last_failed"  # epoch s of the last failed read, or None
VIEW_KEY = state_keys.WALL_VIEW  # {"i": index, "at": epoch s of the last switch}


@dataclass(frozen=True)
class WallSettings:
    refresh: float
    views: tuple[str, ...]
    every: float
    scale: float
    stale_after: float

    @property
    def rotating(self) -> bool:
        return len(self.views) > 1


def _number(raw: Any, default: float, lo: float, hi: float) -> float:
    try:
        x = float(str(raw))
    except (TypeError, ValueError):
        return default
    return min(hi, max(lo, x)) if x == x else default


def settings(params: Any) -> WallSettings:
    """Settings from the query parameters; anything unreadable falls back to the default."""
    refresh = _number(params.get("refresh"), 30.0, 3.0, 3600.0)
    wanted = [v.strip() for v in str(params.get("rotate") or "").split(",") if v.strip()]
    views = tuple(v for v in wanted if v in VIEWS) or ("overview",)
    every = _number(params.get("every"), 60.0, 10.0, 3600.0)
    scale = _number(params.get("scale"), 1.0, 0.5, 4.0)
    stale = _number(params.get("stale"), max(300.0, 4 * refresh), 10.0, 86400.0)
    return WallSettings(refresh, views, every, scale, stale)


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
