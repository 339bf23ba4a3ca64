"""Map builders of the what-if page (return ``pdk.Deck``; never call ``st.``).

Today and the scenario side by side on ONE colour scale and one view (the gap map of
``coverage_maps``, so a colour means the same number of people on both), the communities whose
shortage changes outlined on the scenario's map; and below them a third map of the change itself
(more short: orange, less short: purple, unchanged: pale), the changed communities named with
their change. The titles say which side is which and carry the totals.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pydeck as pdk

from dashboard.builders import coverage_maps, map_labels, maps
from dashboard.i18n import t

PAIR_METRICS = ("gap", "shortage")
#: each of the pair takes half the right-hand side of the page (1920 × 1080): about 530 px wide
PAIR_FRAME = maps.Frame(510, 560)
CHANGE_FRAME = maps.Frame(1040, 520)  # the change map spans the right-hand side
MAP_WIDTH_PX, MAP_HEIGHT_PX = PAIR_FRAME.width_px, PAIR_FRAME.height_px
STREET_LABEL_PX = 13  # half-width maps: the full map's 15 px street names crowd the old town
CHANGE_LIMIT = 20.0  # people: the change colour saturates here
WORSE = (179, 88, 6)  # orange-brown: more people short
BETTER = (84, 39, 136)  # purple: fewer people short
SAME = (241, 245, 249)
CHANGED_LINE = [15, 23, 42]
CHANGE_MARGIN_PX = 90  # around the changed communities: room for their neighbours and names


def pair_view(df: pd.DataFrame, geometry: Any = None) -> pdk.ViewState:
    """A view that fits the communities (their polygons when ``geometry`` is given) in a half-width map."""
    if geometry is not None:
        shaped = df[["community_id", "lon", "lat"]].merge(geometry.communities[["community_id", "geometry"]],
                                                          on="community_id", how="left")
        return maps.fit_view(maps.shapes_bounds(shaped), PAIR_FRAME)
    return maps.fit_view(maps.points_bounds(df["lon"], df["lat"]), PAIR_FRAME, margin_px=48)


def changed(today: pd.DataFrame, scenario: pd.DataFrame) -> pd.DataFrame:
    """Per community of ``today``: shortage before, after and the change (after − before)."""
    after = scenario.set_index("community_id")["shortage"]
    df = today[["community_id", "code", "name", "street_code", "lon", "lat", "shortage"]].rename(
        columns={"shortage": "before"})
    df["after"] = df["community_id"].map(after).fillna(df["before"]).astype(int)
    df["change"] = df["after"] - df["before"].astype(int)
    return df


def pair_decks(today: pd.DataFrame, scenario: pd.DataFrame, geometry: Any, metric: str = "gap") -> tuple[pdk.Deck, pdk.Deck]:
    """(today, scenario) decks: same communities, same metric spec (thresholds or ±limit), same view;
    on the scenario's map the communities whose shortage changes are outlined."""
    if metric not in PAIR_METRICS:
        raise ValueError(f"unknown metric {metric}")
    shown = scenario[scenario["community_id"].isin(today["community_id"])]
    left = coverage_maps.community_deck(today, geometry, metric, frame=PAIR_FRAME, label_size=STREET_LABEL_PX)
    right = coverage_maps.community_deck(shown, geometry, metric, frame=PAIR_FRAME, label_size=STREET_LABEL_PX)
    left.initial_view_state = right.initial_view_state = pair_view(today, geometry)  # identical framing
    diff = changed(today, shown)
    moved = diff[diff["change"] != 0].merge(geometry.communities[["community_id", "geometry"]], on="community_id")
    if len(moved):
        outline = pdk.Layer("GeoJsonLayer", data=maps.feature_collection(moved, ["code"]), id="changed",
                            stroked=True, filled=False, get_line_color=CHANGED_LINE, line_width_min_pixels=3,
                            pickable=False)
        at = next((i for i, layer in enumerate(right.layers) if layer.id == "street-boundaries"), len(right.layers))
        right.layers.insert(at, outline)
    return left, right


def totals(today: pd.DataFrame, scenario: pd.DataFrame) -> tuple[int, int]:
    """(today, scenario) people short over the communities of today."""
    diff = changed(today, scenario)
    return int(diff["before"].sum()), int(diff["after"].sum())


def titles(today: pd.DataFrame, scenario: pd.DataFrame, name: str) -> tuple[str, str, str]:
    """The three maps' titles: before and after with their totals, and the change map's."""
    before, after = totals(today, scenario)
    n_changed = int((changed(today, scenario)["change"] != 0).sum())
    delta = f"{after - before:+,}" if after != before else "±0"
    return (t("maps15.wi.before", n=f"{before:,}"),
            t("maps15.wi.after", name=name, n=f"{after:,}", delta=delta),
            t("maps15.wi.change", n=f"{n_changed:,}"))


def change_colors(change: pd.Series) -> list[list[int]]:
    out = []
    for v in change.astype(float).fillna(0):
        x = max(-1.0, min(1.0, v / CHANGE_LIMIT))
        end = WORSE if x > 0 else BETTER
        a = 0.25 + 0.75 * abs(x) if x else 0.0
        out.append([int(round(SAME[i] + (end[i] - SAME[i]) * a)) for i in range(3)])
    return out


def change_legend() -> list[tuple[list[int], str]]:
    steps = (CHANGE_LIMIT, CHANGE_LIMIT / 4, 0.0, -CHANGE_LIMIT / 4, -CHANGE_LIMIT)
    colours = change_colors(pd.Series(steps))
    texts = [t("maps15.wi.worse_at_least", n=f"{CHANGE_LIMIT:.0f}"), t("maps15.wi.worse"), t("maps15.wi.same"),
             t("maps15.wi.better"), t("maps15.wi.better_at_least", n=f"{CHANGE_LIMIT:.0f}")]
    return list(zip(colours, texts, strict=True))


def change_deck(today: pd.DataFrame, scenario: pd.DataFrame, geometry: Any, *,
                frame: maps.Frame = CHANGE_FRAME) -> pdk.Deck:
    """Communities coloured by the change of their shortage (scenario − today), the view closed up on
    the changed ones, named with their change ("北泰宁社区 +38"; the largest first when names would
    overlap)."""
    df = changed(today, scenario).merge(geometry.communities[["community_id", "geometry"]], on="community_id",
                                        how="inner")
    df["fill"] = change_colors(df["change"])
    p = t("unit.people")
    df["before_txt"] = [f"{v:,} {p}".strip() for v in df["before"]]
    df["after_txt"] = [f"{v:,} {p}".strip() for v in df["after"]]
    df["change_txt"] = [f"{v:+,} {p}".strip() if v else "±0" for v in df["change"]]
    props = ["code", "name", "before_txt", "after_txt", "change_txt", "fill"]
    moved = df[df["change"] != 0]
    # close up on what changes, with its surroundings; the whole district when nothing does
    view = (maps.fit_view(maps.shapes_bounds(moved), frame, margin_px=CHANGE_MARGIN_PX) if len(moved)
            else maps.fit_view(maps.shapes_bounds(df), frame))
    layers = maps.outline_layer(geometry.district.get("geometry"))
    layers.append(maps.choropleth_layer(maps.feature_collection(df, props), "change-communities",
                                        line=[203, 213, 225]))
    streets = geometry.streets[geometry.streets["code"].isin(df["street_code"])]
    named = map_labels.labels(moved.assign(name=[f"{n} {c:+d}" for n, c in zip(moved["name"], moved["change"],
                                                                                strict=True)]),
                              "community-labels", 13, np.abs(moved["change"].to_numpy(float)), tier=0.5)
    layers += maps.street_layers(streets, view, frame, label_size=13, priority=maps.street_sum(df, "before"),
                                 extra=named)
    tip = {"html": (f"<b>{{name}}</b><br/>{t('maps15.wi.tip.before')}：{{before_txt}}<br/>"
                    f"{t('maps15.wi.tip.after')}：{{after_txt}}<br/>{t('maps15.wi.tip.change')}：{{change_txt}}"),
           "style": coverage_maps.tooltip()["style"]}
    return maps.deck(layers, view, tip)


def legend_items(metric: str = "gap") -> list[tuple[list[int], str]]:
    return coverage_maps.legend_items(metric)
