"""Map builders of the what-if page: today and the scenario side by side, on ONE colour scale and one
view (return ``pdk.Deck``; never call ``st.``). Both maps are the gap map of ``coverage_maps`` with
the same metric spec, so a colour means the same number of people on both."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pydeck as pdk

from dashboard.builders import coverage_maps, maps

PAIR_METRICS = ("gap", "shortage")
#: each map takes half the right-hand side of the page: about 540 × 470 px at 1920 × 1080
MAP_WIDTH_PX, MAP_HEIGHT_PX = 540, 470
STREET_LABEL_PX = 12  # half-width maps: the full map's 15 px street names overlap in the old town


def pair_view(df: pd.DataFrame) -> pdk.ViewState:
    """A view that fits the communities (polygons reach beyond their centres: pad by a twentieth) in a half-width map."""
    if not len(df):
        return maps.view_for((114.25, 30.55, 114.35, 30.65), MAP_WIDTH_PX, MAP_HEIGHT_PX)
    w, s, e, n = maps.bounds_of(df["lon"], df["lat"])
    px, py = (e - w) * 0.05 + 0.002, (n - s) * 0.05 + 0.002
    return maps.view_for((w - px, s - py, e + px, n + py), MAP_WIDTH_PX, MAP_HEIGHT_PX)


def pair_decks(today: pd.DataFrame, scenario: pd.DataFrame, geometry: Any, metric: str = "gap") -> tuple[pdk.Deck, pdk.Deck]:
    """(today, scenario) decks: same communities, same metric spec (thresholds or ±limit), same view."""
    if metric not in PAIR_METRICS:
        raise ValueError(f"unknown metric {metric}")
    shown = scenario[scenario["community_id"].isin(today["community_id"])]
    left = coverage_maps.community_deck(today, geometry, metric)
    right = coverage_maps.community_deck(shown, geometry, metric)
    left.initial_view_state = right.initial_view_state = pair_view(today)  # identical framing, whatever the data
    for deck in (left, right):
        for layer in deck.layers:
            if layer.id == "street-labels":
                layer.get_size = STREET_LABEL_PX
    return left, right


def legend_items(metric: str = "gap") -> list[tuple[list[int], str]]:
    return coverage_maps.legend_items(metric)
