"""Every map's JSON is compact (no indentation, Chinese as UTF-8, not ``\\uXXXX``) and says exactly what
pydeck's own indented JSON says."""

from __future__ import annotations

import json

import pydeck as pdk

from dashboard.builders import maps


def test_the_deck_json_is_compact_and_means_the_same() -> None:
    rows = [{"name": "仁和社区", "lon": 114.29, "lat": 30.60}, {"name": "<b>x</b>", "lon": 114.3, "lat": 30.61}]
    layer = maps.text_layer(rows, "labels")
    view = maps.view_for((114.28, 30.59, 114.31, 30.62))
    compact = maps.deck([layer], view)
    text = compact.to_json()
    plain = pdk.Deck(layers=[layer], initial_view_state=view, map_provider=None).to_json()
    assert "\n" not in text and "仁和社区" in text and "\\u4ec1" not in text
    assert json.loads(text) == json.loads(plain)
    assert len(text.encode("utf-8")) < 0.7 * len(plain.encode("utf-8"))  # a real map: a third (bench pages)
