"""AppTest fixtures: a fresh demo database per test and clean Streamlit caches."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app(demo_sqlite: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Factory: an AppTest of the router on a copy of the demo database."""
    monkeypatch.setenv("FANGXIAN_DATABASE_URL", demo_sqlite)

    def make(**session_state: object) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        for k, v in session_state.items():
            at.session_state[k] = v
        return at

    return make
