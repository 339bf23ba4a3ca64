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


# --- reassignment and the suggested plan (issue 5) ----------------------------------------------


@st.cache_data(ttl=60, max_entries=32, show_spinner=False)
def reassign_candidates(url: str, version: str, community_id: int, include_party: bool,
                        streets: tuple[str, ...] | None) -> pd.DataFrame:
    """Candidates for one short community (donors limited to ``streets`` when given)."""
    from core.reassign import candidates

    return candidates(url, community_id, include_party=include_party, streets=streets,
                      gaps=gaps(url, version))


@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def suggested_plan(url: str, version: str, options: tuple[tuple[str, object], ...],
                   streets: tuple[str, ...] | None) -> object:
    """The suggested plan for ``options`` (PlanOptions fields as sorted pairs) over ``streets``."""
    from core.optimizer import PlanOptions
    from core.reassign import suggest_plan

    return suggest_plan(url, PlanOptions(**dict(options)), streets=streets, gaps=gaps(url, version))


@st.cache_data(ttl=30, max_entries=8, show_spinner=False)
def move_batches(url: str, version: str) -> pd.DataFrame:
    from core.reassign import recent_batches

    del version
    return recent_batches(url, 20)


# --- wall screen and alerts (issue 7) ---------------------------------------------------------


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def wall(url: str, version: str) -> object:
    """The wall screen's payload (core.wallscreen.WallData); ttl bounds how late a deadline passing
    (no write) is noticed."""
    from core.wallscreen import data_day, load_wall

    del version
    return load_wall(url, past=wall_past(url, data_day(url).isoformat()))


@st.cache_data(ttl=600, max_entries=4, show_spinner=False)
def wall_past(url: str, day_iso: str) -> pd.DataFrame:
    """The wall's days before today (dated history): a write today does not change them, so a write
    costs the wall only today's figures; a backdated correction shows within the ttl."""
    from core.wallscreen import past_totals

    return past_totals(url, dt.date.fromisoformat(day_iso))


@st.cache_data(ttl=30, max_entries=8, show_spinner=False)
def alert_rules(url: str, version: str) -> pd.DataFrame:
    from core.alerts import rules_in_force

    del version
    return rules_in_force(url)


@st.cache_resource(show_spinner=False)
def alert_keeper(url: str, every_s: float = 60.0) -> object:
    """One background job per process and database: persists alert instances (first seen, resolved)
    as the SYSTEM actor. Screens never write; this is the server's own job, like a cron entry
    (``fangxian alerts sync``). Stops after repeated failures (e.g. the database was removed)."""
    import threading
    import time

    from core.wallscreen import sync_now

    def loop() -> None:
        failures = 0
        while failures < 10:
            try:
                sync_now(url)
                failures = 0
            except Exception:  # noqa: BLE001 - a job must survive a database outage
                failures += 1
            time.sleep(every_s)

    th = threading.Thread(target=loop, name=f"fangxian-alert-keeper-{abs(hash(url)) % 10000}", daemon=True)
    th.start()
    return th


# --- incidents, home isolation, screening (issue 9) -------------------------------------------


@st.cache_data(ttl=30, max_entries=16, show_spinner=False)
def incidents(url: str, version: str, days: int = 14) -> pd.DataFrame:
    """Incidents reported in the last ``days`` days plus every older one still open (age and overdue as of now)."""
    from core.incidents import list_incidents

    del version
    df = list_incidents(url)
    cutoff = pd.Timestamp(dt.datetime.now() - dt.timedelta(days=days))
    return df[(pd.to_datetime(df["reported_at"]) >= cutoff) | df["open"]].reset_index(drop=True)


@st.cache_data(ttl=30, max_entries=32, show_spinner=False)
def incident_history(url: str, version: str, incident_id: int) -> pd.DataFrame:
    from core.incidents import incident_history as history

    del version
    return history(url, incident_id)


@st.cache_data(ttl=60, max_entries=32, show_spinner=False)
def dispatch_options(url: str, version: str, community_id: int) -> pd.DataFrame:
    from core.incidents import dispatch_options as options

    del version
    return options(url, community_id)


@st.cache_data(ttl=300, max_entries=4, show_spinner=False)
def deadline_rules(url: str, version: str) -> pd.DataFrame:
    from core.incidents import deadline_rules as rules

    del version
    return rules(url)


@st.cache_data(ttl=30, max_entries=8, show_spinner=False)
def isolation_view(url: str, version: str, personal: bool) -> object:
    """Home isolation as the page shows it; ``personal`` False masks names, phones and addresses."""
    from core.isolation import load_view

    del version
    return load_view(url, personal=personal)


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def screening_campaign(url: str, version: str, campaign_id: int | None = None) -> object:
    from core.screening import load_campaign

    del version
    return load_campaign(url, campaign_id)


@st.cache_data(ttl=120, max_entries=8, show_spinner=False)
def screening_helpers(url: str, version: str, campaign_id: int | None, streets: tuple[str, ...] | None) -> pd.DataFrame:
    """Who could be sent to the grids behind schedule (reassignment candidates, nearest first)."""
    from core.screening import helpers_for_behind, load_campaign

    del version
    view = load_campaign(url, campaign_id)
    if view is None:
        return pd.DataFrame()
    return helpers_for_behind(url, view.grids, streets=list(streets) if streets is not None else None)


# --- volunteers and the errands queue (issue 8) -----------------------------------------------


@st.cache_data(ttl=30, max_entries=8, show_spinner=False)
def volunteer_view(url: str, version: str, personal: bool) -> object:
    """Deployments of the day (core.volunteers.DeploymentView); names masked unless ``personal``."""
    from core.volunteers import load_view

    del version
    return load_view(url, personal=personal)


@st.cache_data(ttl=30, max_entries=16, show_spinner=False)
def volunteer_candidates(url: str, version: str, task_id: int, personal: bool) -> pd.DataFrame:
    from core.volunteers import candidates

    del version
    return candidates(url, task_id, personal=personal)


@st.cache_data(ttl=600, max_entries=4, show_spinner=False)
def active_checkpoints(url: str, version: str) -> pd.DataFrame:
    from core.volunteers import checkpoints

    del version
    return checkpoints(url)


@st.cache_data(ttl=30, max_entries=8, show_spinner=False)
def errand_queue(url: str, version: str, personal: bool) -> pd.DataFrame:
    """The errands queue with ages and overdue flags as of now; personal data masked unless ``personal``."""
    from core.errands import list_errands

    del version
    return list_errands(url, personal=personal)


# --- what-if scenarios (issue 6) --------------------------------------------------------------
# The baseline and the results are kept with cache_resource (shared, not copied): nothing mutates
# them (core.scenarios works copy-on-write, tests/unit/test_scenarios.py checks the live frames stay
# equal), and pickling ~15,000 staff rows on every rerun would cost more than the evaluation itself.


@st.cache_resource(ttl=120, max_entries=4, show_spinner=False)
def whatif_baseline(url: str, version: str) -> object:
    """Today's live state, norms in force, units, people (no names) and baseline gaps (core.scenarios.Baseline)."""
    from core.scenarios import load_baseline

    del version
    return load_baseline(url)


@st.cache_resource(ttl=120, max_entries=24, show_spinner=False)
def whatif_result(url: str, version: str, scenario_json: str) -> object:
    """The evaluated scenario (core.scenarios.ScenarioResult) for a scenario file's text."""
    from core.scenario_file import loads
    from core.scenario_store import lookup
    from core.scenarios import evaluate_live

    return evaluate_live(whatif_baseline(url, version), loads(scenario_json), lookup(url))  # type: ignore[arg-type]


@st.cache_data(ttl=30, max_entries=8, show_spinner=False)
def saved_scenarios(url: str, version: str) -> pd.DataFrame:
    from core.scenario_store import list_scenarios

    del version
    return list_scenarios(url)
