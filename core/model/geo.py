"""Coordinates: China's GCJ-02 / BD-09 datums to WGS-84, and distances.

The transforms are the standard public formulae (Krasovsky 1940 ellipsoid offset); the inverse
of GCJ-02 is found by fixed-point iteration, accurate to well under a metre inside China.
All functions accept numpy arrays as well as floats.
"""

from __future__ import annotations

import math
from typing import Any, overload

import numpy as np
import numpy.typing as npt

_A = 6378245.0
_EE = 0.00669342162296594323
_EARTH_RADIUS_KM = 6371.0088

Array = npt.NDArray[np.float64]


def _transform_lat(x: Array, y: Array) -> Array:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * math.pi) + 320 * np.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: Array, y: Array) -> Array:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _gcj_offset(lon: Array, lat: Array) -> tuple[Array, Array]:
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * math.pi)
    return dlon, dlat


@overload
def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def wgs84_to_gcj02(lon: Array, lat: Array) -> tuple[Array, Array]: ...
def wgs84_to_gcj02(lon, lat):  # type: ignore[no-untyped-def]
    """WGS-84 to GCJ-02 (what AMap and Tencent maps use)."""
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _gcj_offset(x, y)
    out = (x + dlon, y + dlat)
    return _unwrap(out, lon)


@overload
def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def gcj02_to_wgs84(lon: Array, lat: Array) -> tuple[Array, Array]: ...
def gcj02_to_wgs84(lon, lat):  # type: ignore[no-untyped-def]
    """GCJ-02 to WGS-84 by iterating the forward transform (error < 1e-7 degrees)."""
    gx, gy = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    wx, wy = gx.copy(), gy.copy()
    for _ in range(6):
        fx, fy = wgs84_to_gcj02(wx, wy)
        wx = wx - (fx - gx)
        wy = wy - (fy - gy)
    return _unwrap((wx, wy), lon)


@overload
def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def bd09_to_wgs84(lon: Array, lat: Array) -> tuple[Array, Array]: ...
def bd09_to_wgs84(lon, lat):  # type: ignore[no-untyped-def]
    """BD-09 (Baidu) to WGS-84, through GCJ-02."""
    x = np.asarray(lon, dtype=float) - 0.0065
    y = np.asarray(lat, dtype=float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * math.pi * 3000.0 / 180.0)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * math.pi * 3000.0 / 180.0)
    gx, gy = z * np.cos(theta), z * np.sin(theta)
    return _unwrap(gcj02_to_wgs84(gx, gy), lon)


def _unwrap(pair: tuple[Array, Array], like: Any) -> tuple[Any, Any]:
    if np.ndim(like) == 0:
        return float(pair[0]), float(pair[1])
    return pair


DATUM_TO_WGS84 = {"wgs84": None, "gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84}


def haversine_km(lon1: Array | float, lat1: Array | float, lon2: Array | float, lat2: Array | float) -> Array:
    """Great-circle distance in kilometres; broadcasts over numpy arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def local_xy_km(lon: Array, lat: Array, lon0: float, lat0: float) -> tuple[Array, Array]:
    """Equirectangular projection around (lon0, lat0) in km: good to 0.1 % over a province."""
    kx = 111.320 * math.cos(math.radians(lat0))
    return (np.asarray(lon) - lon0) * kx, (np.asarray(lat) - lat0) * 110.574
