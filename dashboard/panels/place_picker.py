"""Where am I: a small map of the account's grids to tap a place on, and a button for the device's own
location (the browser asks the person first; it works without). Drawn as SVG from the stored geometry in
the page itself: no tiles, no request leaves the machine. Labels are set as text in the browser (never
as HTML), so a grid's name cannot inject markup.

``place_picker(key, grids, checkpoints)`` returns ``{"lon", "lat", "source": "map"|"device",
"accuracy_m"}`` once a place is picked, else None; ``locate_button(key)`` is the button alone (a
checkpoint's sign-in).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.i18n import t

#: metres per degree of latitude (the SVG's unit is about a metre)
_K = 111_320.0

_CSS = """
.fx-wrap {font-size: 16px; color: #0f172a;}
.fx-map {width: 100%; height: 300px; border: 1px solid #cbd5e1; border-radius: 10px; background: #f1f5f9;
  touch-action: manipulation; display: block;}
.fx-map path {fill: #dbeafe; stroke: #1d4ed8; stroke-width: 2; vector-effect: non-scaling-stroke;}
.fx-map text {fill: #1e3a8a; font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 3px;}
.fx-map rect.cp {fill: #f97316; stroke: #fff;}
.fx-map circle.pin {fill: #dc2626; stroke: #fff; stroke-width: 2; vector-effect: non-scaling-stroke;}
.fx-row {display: flex; gap: 8px; margin-top: 8px; align-items: center; flex-wrap: wrap;}
.fx-btn {min-height: 48px; padding: 0 16px; font-size: 17px; border-radius: 10px; border: 1px solid #94a3b8;
  background: #fff; color: #0f172a;}
.fx-msg {font-size: 16px; color: #334155;}
"""

_HTML = """<div class="fx-wrap"><div class="fx-slot"></div><div class="fx-row">
<button class="fx-btn fx-locate" type="button"></button><span class="fx-msg" role="status"></span></div></div>"""

_JS = """
export default function(component) {
  const { data, setStateValue, parentElement } = component;
  const root = parentElement.querySelector('.fx-wrap');
  const slot = root.querySelector('.fx-slot');
  const msg = root.querySelector('.fx-msg');
  const btn = root.querySelector('.fx-locate');
  const NS = 'http://www.w3.org/2000/svg';
  btn.textContent = data.labels.locate;
  msg.textContent = data.labels.status || '';
  slot.replaceChildren();
  let svg = null, pin = null;
  const toXY = (lon, lat) => [(lon - data.lon0) * data.kx, (data.lat0 - lat) * data.ky];
  const fromXY = (x, y) => [data.lon0 + x / data.kx, data.lat0 - y / data.ky];
  const place = (lon, lat) => {
    if (!svg) return;
    const [x, y] = toXY(lon, lat);
    if (!pin) { pin = document.createElementNS(NS, 'circle'); pin.setAttribute('class', 'pin');
      pin.setAttribute('r', String(data.pin_r)); svg.appendChild(pin); }
    pin.setAttribute('cx', String(x)); pin.setAttribute('cy', String(y));
  };
  if (data.view) {
    svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('class', 'fx-map'); svg.setAttribute('viewBox', data.view);
    svg.setAttribute('preserveAspectRatio', 'xMidYMid meet'); svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', data.labels.map);
    for (const d of data.paths) { const p = document.createElementNS(NS, 'path'); p.setAttribute('d', d);
      svg.appendChild(p); }
    for (const c of data.posts) { const r = document.createElementNS(NS, 'rect'); r.setAttribute('class', 'cp');
      const [x, y] = toXY(c[0], c[1]); const s = data.pin_r * 1.4;
      r.setAttribute('x', String(x - s / 2)); r.setAttribute('y', String(y - s / 2));
      r.setAttribute('width', String(s)); r.setAttribute('height', String(s)); svg.appendChild(r); }
    for (const l of data.names) { const tx = document.createElementNS(NS, 'text'); const [x, y] = toXY(l[0], l[1]);
      tx.setAttribute('x', String(x)); tx.setAttribute('y', String(y)); tx.setAttribute('text-anchor', 'middle');
      tx.setAttribute('font-size', String(data.font)); tx.textContent = l[2]; svg.appendChild(tx); }
    svg.addEventListener('click', (ev) => {
      const pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
      const local = pt.matrixTransform(svg.getScreenCTM().inverse());
      const [lon, lat] = fromXY(local.x, local.y);
      place(lon, lat);
      msg.textContent = data.labels.picked;
      setStateValue('point', {lon: lon, lat: lat, source: 'map', accuracy_m: null});
    });
    slot.appendChild(svg);
  }
  if (data.point) place(data.point.lon, data.point.lat);
  btn.onclick = () => {
    if (!navigator.geolocation) { msg.textContent = data.labels.unsupported; return; }
    msg.textContent = data.labels.asking;
    navigator.geolocation.getCurrentPosition((pos) => {
      const lon = pos.coords.longitude, lat = pos.coords.latitude;
      place(lon, lat);
      msg.textContent = data.labels.located;
      setStateValue('point', {lon: lon, lat: lat, source: 'device', accuracy_m: Math.round(pos.coords.accuracy)});
    }, (err) => {
      msg.textContent = err.code === 1 ? data.labels.denied : data.labels.failed;
    }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  };
}
"""

_COMPONENT = st.components.v2.component("fangxian.place_picker", html=_HTML, css=_CSS, js=_JS)


def _rings(geometry: str | None) -> list[list[list[float]]]:
    if not geometry:
        return []
    try:
        g = json.loads(geometry)
    except ValueError:
        return []
    if g.get("type") == "Polygon":
        return [g["coordinates"][0]]
    if g.get("type") == "MultiPolygon":
        return [poly[0] for poly in g["coordinates"]]
    return []


def _view(grids: pd.DataFrame, checkpoints: pd.DataFrame) -> dict[str, Any] | None:
    """The drawing of the grids (paths in about-metre units around their centre), or None without places."""
    rings = [r for geo in grids.get("geometry", pd.Series(dtype=object)) for r in _rings(geo)]
    pts = [(float(x), float(y)) for ring in rings for x, y in ring]
    pts += [(float(a), float(b)) for a, b in zip(grids.get("lon", []), grids.get("lat", []), strict=False)
            if pd.notna(a) and pd.notna(b)]
    if not pts:
        return None
    pts += [(float(a), float(b)) for a, b in zip(checkpoints.get("lon", []), checkpoints.get("lat", []), strict=False)
            if pd.notna(a) and pd.notna(b)]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    lon0, lat0 = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    kx, ky = _K * math.cos(math.radians(lat0)), _K
    w = max((max(xs) - min(xs)) * kx, 200.0)
    h = max((max(ys) - min(ys)) * ky, 200.0)
    pad = 0.12 * max(w, h)
    view = f"{-w / 2 - pad:.0f} {-h / 2 - pad:.0f} {w + 2 * pad:.0f} {h + 2 * pad:.0f}"
    paths = ["M" + " L".join(f"{(x - lon0) * kx:.1f},{(lat0 - y) * ky:.1f}" for x, y in ring) + " Z" for ring in rings]
    names = [[float(a), float(b), str(n)] for a, b, n in zip(grids["lon"], grids["lat"], grids["name"], strict=True)
             if pd.notna(a) and pd.notna(b)] if len(grids) <= 12 else []
    posts = [[float(a), float(b)] for a, b in zip(checkpoints.get("lon", []), checkpoints.get("lat", []), strict=False)
             if pd.notna(a) and pd.notna(b)]
    size = max(w, h) + 2 * pad
    return {"view": view, "paths": paths, "names": names, "posts": posts, "lon0": lon0, "lat0": lat0, "kx": kx,
            "ky": ky, "pin_r": round(size / 45, 1), "font": round(size / 22, 1)}


def _labels(status: str = "") -> dict[str, str]:
    return {k: t(f"front.pick.{k}") for k in ("locate", "map", "picked", "located", "asking", "denied", "failed",
                                             "unsupported")} | {"status": status}


def place_picker(key: str, grids: pd.DataFrame, checkpoints: pd.DataFrame | None = None) -> dict[str, Any] | None:
    """The map of ``grids`` (geometry, lon, lat, name) to tap on, and the device-location button."""
    drawing = _view(grids, checkpoints if checkpoints is not None else pd.DataFrame())
    point = _point(st.session_state.get(key))
    status = "" if drawing is not None else t("front.pick.no_map")
    data = (drawing or {"view": None, "paths": [], "names": [], "posts": [], "lon0": 0, "lat0": 0, "kx": 1, "ky": 1,
                        "pin_r": 1, "font": 1}) | {"labels": _labels(status), "point": point}
    res = _COMPONENT(key=key, data=data, on_point_change=lambda: None, default={"point": None})
    return _point(getattr(res, "point", None)) or point


def locate_button(key: str) -> dict[str, Any] | None:
    """Only the device-location button (no map): a checkpoint's sign-in and sign-out."""
    data = {"view": None, "paths": [], "names": [], "posts": [], "lon0": 0, "lat0": 0, "kx": 1, "ky": 1, "pin_r": 1,
            "font": 1, "labels": _labels(), "point": None}
    res = _COMPONENT(key=key, data=data, on_point_change=lambda: None, default={"point": None})
    return _point(getattr(res, "point", None)) or _point(st.session_state.get(key))


def _point(value: Any) -> dict[str, Any] | None:
    """A picked point from the component's state (a dict, or an object with ``point``), checked for numbers."""
    if value is None:
        return None
    if not isinstance(value, dict):
        value = getattr(value, "point", None)
    elif "point" in value and "lon" not in value:
        value = value.get("point")
    if not isinstance(value, dict):
        return None
    try:
        lon, lat = float(value["lon"]), float(value["lat"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return None
    acc = value.get("accuracy_m")
    return {"lon": lon, "lat": lat, "source": "device" if value.get("source") == "device" else "map",
            "accuracy_m": int(acc) if isinstance(acc, int | float) and math.isfinite(acc) else None}


def clear(key: str) -> None:
    """Forget the picked place (after a form that used it was saved)."""
    st.session_state.pop(key, None)
