"""Map builders of the what-if page: today and the scenario side by side, on ONE colour scale and one
view (return ``pdk.Deck``; never call ``st.``). Both maps are the gap map of ``coverage_maps`` with
the same metric spec, so a colour means the same number of people on both."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pydeck as pdk

from dashboard import coverage_maps

PAIR_METRICS = ("gap", "shortage")


def pair_decks(today: pd.DataFrame, scenario: pd.DataFrame, geometry: Any, metric: str = "gap") -> tuple[pdk.Deck, pdk.Deck]:
    """(today, scenario) decks: same communities, same metric spec (thresholds or ±limit), same view."""
    if metric not in PAIR_METRICS:
        raise ValueError(f"unknown metric {metric}")
    shown = scenario[scenario["community_id"].isin(today["community_id"])]
    left = coverage_maps.community_deck(today, geometry, metric)
    right = coverage_maps.community_deck(shown, geometry, metric)
    right.initial_view_state = left.initial_view_state  # identical framing, whatever the data
    return left, right


def legend_items(metric: str = "gap") -> list[tuple[list[int], str]]:
    return coverage_maps.legend_items(metric)
