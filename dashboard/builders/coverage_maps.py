"""Map builders for the coverage map and the staffing-gap map (return ``pdk.Deck``; never call ``st.``).

Metrics, their thresholds, colours and units are data (``METRICS``); the legend and the map colour
from the same table, so they cannot disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pydeck as pdk

from dashboard.builders import map_labels, maps
from dashboard.i18n import label, t

Color = list[int]
NO_DATA: Color = [203, 213, 225]


@dataclass(frozen=True)
class MetricSpec:
    column: str
    unit_key: str
    thresholds: tuple[float, ...]  # class k holds values in [thresholds[k-1], thresholds[k])
    colors: tuple[tuple[int, int, int], ...]  # len(thresholds) + 1
    diverging_limit: float | None = None  # diverging scale (gap) instead of classes
    decimals: int = 0


REDS = ((254, 240, 217), (253, 204, 138), (252, 141, 89), (227, 74, 51), (179, 0, 0))
RED_TO_GREEN_4 = ((215, 48, 39), (252, 141, 89), (217, 239, 139), (26, 152, 80))
PURPLES = ((242, 240, 247), (203, 201, 226), (158, 154, 200), (106, 81, 163))

METRICS: dict[str, MetricSpec] = {
    "gap": MetricSpec("gap", "unit.people", (), (), diverging_limit=30.0),
    "shortage": MetricSpec("shortage", "unit.people", (1, 10, 20, 40), REDS),
    "staff_per_10k": MetricSpec("staff_per_10k", "unit.per_10k", maps.STAFF_PER_10K_THRESHOLDS,
                                tuple(tuple(c) for c in maps.STAFF_PER_10K_COLORS), decimals=1),  # type: ignore[misc]
    "grid_coverage": MetricSpec("grid_coverage", "unit.percent", (80, 90, 100), RED_TO_GREEN_4, decimals=1),
    "checkpoint_shift_coverage": MetricSpec("checkpoint_shift_coverage", "unit.percent", (50, 75, 100),
                                            RED_TO_GREEN_4, decimals=1),
    "volunteers_per_1k": MetricSpec("volunteers_per_1k", "unit.per_1k", (2, 4, 6), PURPLES, decimals=1),
}
GAP_LEGEND_STEPS = (30, 15, 0, -15, -30)


def metric_colors(df: pd.DataFrame, metric: str) -> list[Color]:
    spec = METRICS[metric]
    values = df[spec.column].astype(float)
    if spec.diverging_limit is not None:
        return maps.diverging(values, spec.diverging_limit)
    out: list[Color] = []
    for v in values:
        if math.isnan(v):
            out.append(NO_DATA)
        else:
            out.append(list(spec.colors[sum(v >= x for x in spec.thresholds)]))
    return out


def _num(x: float, decimals: int) -> str:
    return f"{x:,.{decimals}f}" if decimals else f"{x:,.0f}"


def legend_items(metric: str) -> list[tuple[Color, str]]:
    """(colour, label with unit) for each class of ``metric``, lowest first; a no-data swatch last."""
    spec = METRICS[metric]
    unit = t(spec.unit_key)
    if spec.diverging_limit is not None:
        colors = maps.diverging(pd.Series([float(v) for v in GAP_LEGEND_STEPS]), spec.diverging_limit)
        texts = [t("gaps.legend.short_at_least", n=GAP_LEGEND_STEPS[0]), t("gaps.legend.short", n=GAP_LEGEND_STEPS[1]),
                 t("gaps.legend.balanced"), t("gaps.legend.surplus", n=-GAP_LEGEND_STEPS[3]),
                 t("gaps.legend.surplus_at_least", n=-GAP_LEGEND_STEPS[4])]
        return list(zip(colors, texts, strict=True))
    th = spec.thresholds
    items: list[tuple[Color, str]] = []
    for k, color in enumerate(spec.colors):
        if k == 0:
            text = f"< {_num(th[0], 0)}"
        elif k == len(th):
            text = f"≥ {_num(th[-1], 0)}"
        else:
            text = f"{_num(th[k - 1], 0)}–{_num(th[k], 0)}"
        items.append((list(color), f"{text} {unit}".strip()))
    if metric == "shortage":
        items[0] = (items[0][0], f"0 {unit}")
    items.append((NO_DATA, t("coverage.legend.no_data")))
    return items


def _fmt_col(df: pd.DataFrame, col: str, decimals: int) -> list[str]:
    return [("—" if pd.isna(v) else _num(float(v), decimals)) for v in df[col]]


def community_frame(gaps: pd.DataFrame, geometry: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Gap rows joined to their polygons with a fill colour and display strings for the tooltip."""
    df = gaps.merge(geometry[["community_id", "geometry"]], on="community_id", how="inner")
    df["fill"] = metric_colors(df, metric)
    df["risk"] = [label("risk", r) for r in df["risk_level"]]
    for col in ("grid_coverage", "checkpoint_shift_coverage", "staff_per_10k", "volunteers_per_1k"):
        df[f"{col}_txt"] = _fmt_col(df, col, 1)
    df["gap_txt"] = [(t("gaps.short_n", n=int(g)) if g > 0 else t("gaps.surplus_n", n=int(-g)) if g < 0
                      else t("gaps.legend.balanced")) for g in df["gap"]]
    return df


TOOLTIP_PROPS = ["code", "name", "street", "risk", "population", "required", "available", "gap_txt",
                 "movable_surplus", "grid_coverage_txt", "checkpoint_shift_coverage_txt", "staff_per_10k_txt",
                 "volunteers_per_1k_txt", "isolated_households", "fill"]


def tooltip() -> dict[str, Any]:
    p, pct = t("unit.people"), t("unit.percent")
    return {
        "html": (
            "<b>{name}</b>（{street}）· {risk}<br/>"
            f"{t('col.population')}：{{population}} {p}<br/>"
            f"{t('gaps.col.required')}：{{required}} {p} · {t('gaps.col.available')}：{{available}} {p}<br/>"
            f"{t('gaps.col.gap')}：{{gap_txt}} · {t('gaps.col.movable_surplus')}：{{movable_surplus}} {p}<br/>"
            f"{t('coverage.metric.grid_coverage')}：{{grid_coverage_txt}} {pct}<br/>"
            f"{t('coverage.metric.checkpoint_shift_coverage')}：{{checkpoint_shift_coverage_txt}} {pct}<br/>"
            f"{t('coverage.metric.staff_per_10k')}：{{staff_per_10k_txt}} {t('unit.per_10k')}<br/>"
            f"{t('coverage.metric.volunteers_per_1k')}：{{volunteers_per_1k_txt}} {t('unit.per_1k')}<br/>"
            f"{t('col.isolated_households')}：{{isolated_households}} {t('unit.households')}"
        ),
        "style": {"fontSize": "14px", "backgroundColor": "#0f172a", "color": "#f8fafc"},
    }


COVERAGE_FRAME = maps.Frame(960, 640)  # the coverage page's map at 1920 × 1080
GAPS_FRAME = maps.Frame(625, 600)  # the gaps page's map, beside the ranking


def community_deck(gaps: pd.DataFrame, geometry: Any, metric: str, *, labels: bool = True,
                   frame: maps.Frame = COVERAGE_FRAME, label_size: int = 15) -> pdk.Deck:
    """Community polygons coloured by ``metric``, street boundaries and names, community names when few;
    the first view fits the communities shown in a map of ``frame``'s size."""
    df = community_frame(gaps, geometry.communities, metric)
    fc = maps.feature_collection(df, TOOLTIP_PROPS)
    view = maps.fit_view(maps.shapes_bounds(df), frame)
    layers = maps.outline_layer(geometry.district.get("geometry"))
    layers.append(maps.choropleth_layer(fc, "communities"))
    dots = maps.point_layer(df, TOOLTIP_PROPS, "community-points")  # located by coordinates only
    if dots is not None:
        layers.append(dots)
    streets = geometry.streets[geometry.streets["code"].isin(df["street_code"])]
    extra = None
    if labels and len(df) <= 40:  # community names only when a street or two is shown, else clutter
        named = df[maps.has_polygon(df)]
        parts = [map_labels.labels(named, "community-labels", 12, named["shortage"].to_numpy(float)),
                 maps.dot_label_frame(df, size=12)]  # a dot's name goes under it, not over it
        extra = pd.concat([p for p in parts if p is not None and len(p)] or [parts[0]], ignore_index=True)
    layers += maps.street_layers(streets, view, frame, label_size=label_size, priority=maps.street_sum(df, "shortage"),
                                 extra=extra)
    return maps.deck(layers, view, tooltip())


GRID_FRAME = maps.Frame(440, 340)  # the coverage page's community panel, right of the map


def grid_deck(grid_gaps: pd.DataFrame, detail: Any) -> pdk.Deck:
    """One community's grids coloured by gap (diverging), with grid names and checkpoint dots."""
    df = grid_gaps.merge(detail.grids[["grid_id", "lon", "lat", "geometry"]], on="grid_id", how="inner")
    df["fill"] = maps.diverging(df["gap"].astype(float), 15.0)
    df["gap_txt"] = [(t("gaps.short_n", n=int(g)) if g > 0 else t("gaps.surplus_n", n=int(-g)) if g < 0
                      else t("gaps.legend.balanced")) for g in df["gap"]]
    df["covered_txt"] = [t("coverage.grid.covered") if c else t("coverage.grid.uncovered") for c in df["covered"]]
    fc = maps.feature_collection(df, ["code", "name", "required", "available", "gap_txt", "covered_txt",
                                      "checkpoints", "isolated_households", "fill"])
    view = maps.fit_view(maps.shapes_bounds(df), GRID_FRAME)
    layers = [maps.choropleth_layer(fc, "grids", line=[30, 41, 59])]
    cps = detail.checkpoints.dropna(subset=["lon", "lat"])
    if len(cps):
        layers.append(pdk.Layer("ScatterplotLayer", data=cps[["name", "lon", "lat"]].to_dict("records"),
                                id="checkpoints", get_position="[lon, lat]", get_radius=18, radius_min_pixels=4,
                                get_fill_color=[15, 23, 42], get_line_color=[255, 255, 255], stroked=True,
                                line_width_min_pixels=1, pickable=False))
    # "中山第3网格" -> "第3网格": the community's name is in the panel title already
    short = df[["lon", "lat"]].assign(name=[n[n.find("第"):] if "第" in n else n for n in df["name"]])
    names = map_labels.labels(short, "grid-labels", 13, df["shortage"].to_numpy(float) if "shortage" in df else 0.0)
    layers += map_labels.layers(names, view, GRID_FRAME, always=("grid-labels",))
    p = t("unit.people")
    tip = {"html": (f"<b>{{name}}</b><br/>{t('gaps.col.required')}：{{required}} {p} · "
                    f"{t('gaps.col.available')}：{{available}} {p}<br/>{t('gaps.col.gap')}：{{gap_txt}}<br/>"
                    f"{{covered_txt}} · {t('col.checkpoints')}：{{checkpoints}} {t('unit.communities')}<br/>"
                    f"{t('col.isolated_households')}：{{isolated_households}} {t('unit.households')}"),
           "style": {"fontSize": "14px", "backgroundColor": "#0f172a", "color": "#f8fafc"}}
    return maps.deck(layers, view, tip)


def selected_code(event: Any, layer_id: str) -> str | None:
    """The ``code`` of the object clicked on ``layer_id`` in a pydeck selection event, if any."""
    try:
        objects = event["selection"]["objects"].get(layer_id) or []
    except (KeyError, TypeError, AttributeError):
        return None
    if not objects:
        return None
    obj = objects[0]
    props = obj.get("properties", obj) if isinstance(obj, dict) else {}
    code = props.get("code") if isinstance(props, dict) else None
    return str(code) if code else None


def gap_deck(gaps: pd.DataFrame, geometry: Any) -> pdk.Deck:
    """The diverging gap map: shortage red, surplus blue, balanced pale (clipped at ±30 people)."""
    return community_deck(gaps, geometry, "gap", frame=GAPS_FRAME)


def location_counts(gaps: pd.DataFrame, geometry: Any) -> tuple[int, int]:
    """(located, unlocated) among the communities of ``gaps`` (boundary from ``geometry``, or coordinates)."""
    df = gaps.merge(geometry.communities[["community_id", "geometry"]], on="community_id", how="left")
    return maps.location_counts(df)
