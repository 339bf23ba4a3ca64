"""The briefing's two pictures, drawn offline: the shortage of every community on the stored
boundaries (points when a district has no boundaries yet) and the 14-day trend, as Vega-Lite specs
rendered to PNG by ``vl-convert`` with the bundled Chinese font. No tile, no network."""

from __future__ import annotations

import functools
import json
from typing import Any

import pandas as pd

from core.config import DATA_DIR
from core.i18n import translate

FONT_DIR = DATA_DIR / "fonts"
FONT_FAMILY = "Noto Sans CJK SC"
SCALE = 2
#: shortage colours, light to dark (a community with no shortage is grey-green)
NONE_SHORT = "#dfe9dd"
RANGE = ["#fde0c5", "#facba6", "#f59e72", "#e4572e", "#a50f15"]


@functools.cache
def _converter() -> Any:
    import vl_convert

    vl_convert.register_font_directory(str(FONT_DIR))
    return vl_convert


def _png(spec: dict[str, Any]) -> bytes:
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "background": "white",
            "config": {"font": FONT_FAMILY, "view": {"stroke": None}, "axis": {"labelFontSize": 11, "titleFontSize": 12},
                       "legend": {"labelFontSize": 11, "titleFontSize": 12}, "title": {"fontSize": 14}},
            **spec}
    return bytes(_converter().vegalite_to_png(json.dumps(spec, ensure_ascii=False), scale=SCALE))


def gap_map(communities: pd.DataFrame, geometry: pd.DataFrame, lang: str = "zh") -> bytes | None:
    """``communities``: code, name, lon, lat, shortage; ``geometry``: code, geometry (GeoJSON text).
    Polygons where a community has a boundary, else a point at its centre; None when it has neither."""
    if communities.empty:
        return None
    title = translate("report.chart.map", lang)
    legend = {"field": "shortage", "type": "quantitative", "title": translate("report.chart.shortage", lang),
              "scale": {"range": RANGE}}
    shapes = communities.merge(geometry[["code", "geometry"]], on="code", how="inner") if len(geometry) else None
    if shapes is not None and len(shapes):
        features = [{"type": "Feature", "geometry": json.loads(g),
                     "properties": {"name": str(n), "shortage": int(s)}}
                    for n, s, g in zip(shapes["name"], shapes["shortage"], shapes["geometry"], strict=True) if g]
        return _png({"title": title, "width": 520, "height": 420, "projection": {"type": "mercator"},
                     "data": {"values": features}, "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.6},
                     "encoding": {"color": {"condition": {"test": "datum.properties.shortage == 0", "value": NONE_SHORT},
                                            **legend, "field": "properties.shortage"}}})
    located = communities.dropna(subset=["lon", "lat"])
    if located.empty:
        return None
    values = [{"lon": float(a), "lat": float(b), "shortage": int(s)}
              for a, b, s in zip(located["lon"], located["lat"], located["shortage"], strict=True)]
    return _png({"title": title, "width": 520, "height": 420, "projection": {"type": "mercator"},
                 "data": {"values": values},
                 "mark": {"type": "circle", "opacity": 0.85},
                 "encoding": {"longitude": {"field": "lon", "type": "quantitative"},
                              "latitude": {"field": "lat", "type": "quantitative"},
                              "size": {"field": "shortage", "type": "quantitative", "legend": None},
                              "color": legend}})


def trend_chart(trend: list[dict[str, Any]], lang: str = "zh") -> bytes | None:
    """Shortage (people, left) over the days of ``trend``."""
    if len(trend) < 2:
        return None
    values = [{"day": r["day"][5:], "shortage": r["shortage"]} for r in trend]
    return _png({"title": translate("report.chart.trend", lang), "width": 520, "height": 220,
                 "data": {"values": values},
                 "mark": {"type": "line", "point": {"color": "#c0392b"}, "color": "#c0392b", "strokeWidth": 2},
                 "encoding": {"x": {"field": "day", "type": "ordinal", "title": translate("report.chart.day", lang),
                                    "axis": {"labelAngle": 0}},
                              "y": {"field": "shortage", "type": "quantitative",
                                    "title": translate("report.chart.shortage", lang)}}})
