"""All caching lives here. Reads are keyed on the database URL and a data version that changes
with every audited write, so a write anywhere is seen on the next rerun of any page."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core.coverage import CommunityDetail, MapGeometry, load_community_detail, load_geometry
from core.gaps import GapResult, gap_history, load_gaps
from core.norms import norm_history
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


# --- staffing gaps, coverage and norms (issue 4) ----------------------------------------------


@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def gaps(url: str, version: str, day_iso: str | None = None) -> GapResult:
    """Gaps of today (``day_iso=None``) or of a past day (ISO date), with that day's norms."""
    del version
    return load_gaps(url, dt.date.fromisoformat(day_iso) if day_iso else None)


@st.cache_data(ttl=300, max_entries=8, show_spinner=False)
def gap_trend(url: str, version: str, days: int = 14) -> tuple[pd.DataFrame, pd.DataFrame]:
    del version
    return gap_history(url, days)


@st.cache_data(ttl=600, max_entries=4, show_spinner=False)
def map_geometry(url: str, version: str) -> MapGeometry:
    del version
    return load_geometry(url)


@st.cache_data(ttl=60, max_entries=32, show_spinner=False)
def community_detail(url: str, version: str, community_id: int) -> CommunityDetail:
    del version
    return load_community_detail(url, community_id)


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def norm_versions(url: str, version: str) -> pd.DataFrame:
    del version
    return norm_history(url)
