"""All caching lives here. Reads are keyed on the database URL and a data version that changes
with every audited write, so a write anywhere is seen on the next rerun of any page."""

from __future__ import annotations

import streamlit as st

from core.overview import OverviewData, load_overview
from core.storage import repo
from core.storage.db import ensure_ready, unit_of_work


@st.cache_resource(show_spinner=False)
def ready(url: str) -> bool:
    """Migrate the database (and seed the demo when empty) once per process."""
    ensure_ready(url)
    return True


@st.cache_data(ttl=3, max_entries=16, show_spinner=False)
def data_version(url: str) -> str:
    with unit_of_work(url) as s:
        return repo.data_version(s)


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def overview(url: str, version: str) -> OverviewData:
    del version  # part of the cache key only
    return load_overview(url)


def clear() -> None:
    """After a write: drop every cached read."""
    st.cache_data.clear()
