from __future__ import annotations

import numpy as np
import pytest

from core.model.geo import bd09_to_wgs84, gcj02_to_wgs84, haversine_km, wgs84_to_gcj02


def test_gcj02_round_trip_is_below_a_centimetre_in_wuhan() -> None:
    lon, lat = 114.3055, 30.5928
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert (glon, glat) != (lon, lat)  # the offset is real (hundreds of metres)
    assert haversine_km(lon, lat, glon, glat) == pytest.approx(0.5, abs=0.4)
    back = gcj02_to_wgs84(glon, glat)
    assert haversine_km(lon, lat, *back) < 1e-5


def test_transforms_accept_arrays() -> None:
    lon = np.array([114.2, 114.3, 114.4])
    lat = np.array([30.5, 30.6, 30.7])
    glon, glat = wgs84_to_gcj02(lon, lat)
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    assert np.allclose(wlon, lon, atol=1e-7) and np.allclose(wlat, lat, atol=1e-7)


def test_bd09_is_further_offset_than_gcj02() -> None:
    # Baidu's published example point near Tiananmen: BD-09 (116.404, 39.915)
    wlon, wlat = bd09_to_wgs84(116.404, 39.915)
    assert 0.5 < haversine_km(116.404, 39.915, wlon, wlat) < 1.5


def test_haversine_knows_a_degree_of_latitude() -> None:
    assert haversine_km(114.0, 30.0, 114.0, 31.0) == pytest.approx(111.19, abs=0.05)
