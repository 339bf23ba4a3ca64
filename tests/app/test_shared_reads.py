"""Reads cached with ``shared=True`` hand every session the same object (not a copy): the wall's payload
and the map geometry. No page may change them — after every page has run in both languages and the
wall has ticked, each shared object still equals the deep copy taken before the pages ran."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import cache
from dashboard.context import db_url
from dashboard.navigation import FRONT, PAGES


def _same(a: object, b: object, where: str) -> None:
    if isinstance(a, pd.DataFrame):
        assert isinstance(b, pd.DataFrame), where
        pd.testing.assert_frame_equal(a, b, obj=where)
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    else:
        assert a == b, where


def test_no_page_changes_what_the_sessions_share(app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FANGXIAN_JOBS", "none")  # no background write: the data version stays put
    wall = app(user=None, kiosk="demo-wallscreen")
    # every session signed in first (a sign-in is a write), then the shared objects read once
    desks = [(app(user="wangge" if spec.roles == FRONT else "admin", lang=lang), spec)
             for lang in ("zh", "en") for spec in PAGES]
    version = cache.current_version(db_url())
    shared = {"wall": cache.wall(), "map_geometry": cache.map_geometry()}
    before = copy.deepcopy(shared)
    for _ in range(2):
        wall.run()
        assert not wall.exception
    for at, spec in desks:
        at.run()
        at.switch_page(f"app_pages/{spec.file}")
        at.run()
        assert not at.exception, (spec.url_path, [e.value for e in at.exception])
    wall.run()
    assert cache.current_version(db_url()) == version  # no write: every run was handed the objects above
    after = {"wall": cache.wall(), "map_geometry": cache.map_geometry()}
    again = {"wall": cache.wall(), "map_geometry": cache.map_geometry()}
    for name, obj in shared.items():
        _same(obj, before[name], name)  # what the pages were handed is as it was read
        # after a cache's ttl (a slow machine walking every page) a new object is read: it holds times of its
        # own reading (the wall's computed_at, hours overdue), so it is not compared; it must be shared too
        if after[name] is obj:
            _same(after[name], before[name], name)
        assert again[name] is after[name], f"{name}: a new object for the same data (not shared)"
