"""All caching lives here: one ``cached`` decorator turns a service read ``f(uow, *args)`` into a
page read ``f(*args)``, keyed on the service, the database, the data version and the arguments.

The data version changes with every audited write, so a write anywhere is seen on the next rerun of
any page; ``ttl`` bounds how late a change without a write (a deadline passing) is noticed. Reads
are listed below, one line each; what a read computes lives in the service, never here.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

import pandas as pd
import streamlit as st

from core.demo.setup import ensure_ready
from core.services import alerts as alert_service
from core.services import audit_report, clock, scenario_store
from core.services import checkpoint_duty as checkpoint_duty_service
from core.services import desk as desk_service
from core.services import errands as errand_service
from core.services import field_reports as field_report_service
from core.services import front_line as front_line_service
from core.services import incidents as incident_service
from core.services import isolation as isolation_service
from core.services import norms as norm_service
from core.services import reassign as reassign_service
from core.services import roster_import as roster_import_service
from core.services import rosters as roster_service
from core.services import screening as screening_service
from core.services import screening_helpers as screening_helper_service
from core.services import volunteer_tasks as volunteer_task_service
from core.services import volunteers as volunteer_service
from core.services import whatif as whatif_service
from core.services.gaps import gap_history, load_gaps
from core.services.identity import accounts as account_service
from core.services.identity import kiosk as kiosk_service
from core.services.identity import sessions as session_service
from core.services.read_models import coverage
from core.services.read_models import overview as overview_service
from core.services.read_models import setup as setup_service
from core.services.read_models import wall as wall_service
from core.services.reports import archive as report_service
from core.services.reports import content as report_content
from core.services.uow import UnitOfWork, unit_of_work
from dashboard.context import db_url

P = ParamSpec("P")
R = TypeVar("R")


@st.cache_resource(show_spinner=False)
def ready(url: str) -> bool:
    """Migrate the database (and seed the demo when empty, unless ``FANGXIAN_DEMO=0``: a district's own
    deployment, ``fangxian serve --no-demo``, starts empty and lands on 数据准备) once per process."""
    ensure_ready(url, seed_demo=os.environ.get("FANGXIAN_DEMO", "1") != "0")
    return True


@st.cache_data(ttl=3, max_entries=16, show_spinner=False)
def data_version(url: str) -> str:
    return current_version(url)


def current_version(url: str) -> str:
    """The data version read now (one tiny query), for a read that must see a write on its next tick."""
    with unit_of_work(url) as uow:
        return wall_service.data_version(uow)


def version() -> str:
    """The data version of the app's database (changes with every audited write)."""
    return data_version(db_url())


@contextmanager
def write() -> Iterator[UnitOfWork]:
    """The unit of work of one user action on a page (commits when the block ends); the caller then
    calls ``dashboard.feedback.finish_write`` (or ``clear``) so that every page sees the change."""
    with unit_of_work(db_url()) as uow:
        yield uow


def clear() -> None:
    """After a write: drop every cached read."""
    st.cache_data.clear()


def cached(ttl: float, max_entries: int, *, shared: bool = False,
           versioned: bool = True, fresh: bool = False) -> Callable[[Callable[Concatenate[UnitOfWork, P], R]], Callable[P, R]]:
    """Cache a service read ``f(uow, *args)``. ``shared`` keeps one object for every session
    (``cache_resource``: for large read-only results that pickling would cost more than computing);
    ``versioned=False`` keeps a result across writes until its ttl (for what a write today cannot
    change, such as the days before today); ``fresh`` reads the version uncached on every call (the wall:
    a write made anywhere shows on its next refresh, not up to the version cache's 3 s later)."""

    def wrap(service: Callable[Concatenate[Any, P], R]) -> Callable[P, R]:
        name = f"{service.__module__}.{service.__qualname__}"

        def run(service_name: str, url: str, version: str, *args: Any, **kwargs: Any) -> R:
            del service_name, version  # parts of the cache key only
            with unit_of_work(url) as uow:
                return service(uow, *args, **kwargs)

        # Streamlit keys a cache on the function's module, qualified name and source: every ``run``
        # has the same source, so each gets the service's name (two reads never share a cache)
        run.__qualname__ = run.__name__ = f"cached[{name}]"
        store = st.cache_resource if shared else st.cache_data
        made: list[Callable[..., R]] = []  # built on first use: at import there is no runtime yet

        @functools.wraps(service)
        def read(*args: P.args, **kwargs: P.kwargs) -> R:
            if not made:
                made.append(store(ttl=ttl, max_entries=max_entries, show_spinner=False)(run))  # type: ignore[operator]
            url = db_url()
            version = (current_version(url) if fresh else data_version(url)) if versioned else ""
            return made[0](name, url, version, *args, **kwargs)

        return read

    return wrap


# --- reads, one line each (ttl seconds, entries) ----------------------------------------------------

overview = cached(60, 8)(overview_service.load_overview)
gaps = cached(60, 16)(load_gaps)
gap_trend = cached(300, 8)(gap_history)
map_geometry = cached(600, 4, shared=True)(coverage.load_geometry)  # shared: pages only read it (tests/app/test_shared_reads.py)
community_detail = cached(60, 32)(coverage.load_community_detail)
norm_versions = cached(60, 8)(norm_service.norm_history)
#: the wall's days before today (dated history): a write today does not change them, so a write costs
#: the wall only today's figures; a backdated correction shows within the ttl
wall_past = cached(600, 4, versioned=False)(wall_service.past_totals)
move_batches = cached(30, 8)(reassign_service.recent_batches)
alert_rules = cached(30, 8)(alert_service.rules_in_force)
users = cached(10, 8)(account_service.list_users)
user_count = cached(10, 4)(account_service.count_users)
kiosk_tokens = cached(10, 8)(kiosk_service.list_kiosk_tokens)
sessions = cached(5, 4, versioned=False)(session_service.list_sessions)
audit_entries = cached(10, 16)(audit_report.entries)
audit_choices = cached(30, 8)(audit_report.choices)
incidents = cached(30, 16)(incident_service.recent_incidents)
incident_history = cached(30, 32)(incident_service.incident_history)
dispatch_options = cached(60, 32)(incident_service.dispatch_options)
deadline_rules = cached(300, 4)(incident_service.deadline_rules)
isolation_view = cached(30, 8)(isolation_service.load_view)
screening_campaigns = cached(60, 4)(screening_service.campaigns)
screening_campaign = cached(60, 8)(screening_service.load_campaign)
volunteer_view = cached(30, 8)(volunteer_service.load_view)
volunteer_candidates = cached(30, 16)(volunteer_task_service.candidates)
active_checkpoints = cached(600, 4)(volunteer_service.checkpoints)
errand_queue = cached(30, 8)(errand_service.list_errands)
#: the reference time (the demo's own day on the demo) the errand queue is read at
reference_now = cached(30, 4)(clock.reference_now)
saved_scenarios = cached(30, 8)(scenario_store.list_scenarios)
saved_scenario = cached(30, 16)(scenario_store.get_scenario)
#: what the district has loaded (数据准备, the landing, every page's empty state)
setup_status = cached(30, 4)(setup_service.setup_status)
#: the desk edits (日常维护) and the scope of a new screening campaign; ``streets``: a tuple or None
desk_counts = cached(30, 4)(desk_service.desk_counts)
desk_communities = cached(30, 8)(desk_service.risk_communities)
desk_scheduled = cached(30, 8)(desk_service.scheduled_risk_changes)
desk_off_duty = cached(30, 8)(desk_service.off_duty_list)
desk_people = cached(30, 32)(desk_service.find_people)
desk_grids = cached(60, 8)(desk_service.grid_desk)
desk_grid_members = cached(60, 8)(desk_service.grid_member_choices)
campaign_scope = cached(60, 4)(desk_service.campaign_scope)
#: what the front line entered from their phones: door visits of a campaign, checkpoint duty
campaign_feed = cached(30, 8)(front_line_service.campaign_feed)
duty_board = cached(30, 8)(checkpoint_duty_service.duty_board)
incident_photo = cached(300, 16)(field_report_service.photo_of)
#: checkpoint rosters (排班)
roster_posts = cached(60, 4)(roster_service.posts)
roster_empty = cached(30, 8)(roster_service.empty_shifts)
roster_week = cached(30, 16)(roster_service.week)
roster_entries = cached(30, 16)(roster_service.entries_of)
roster_pattern = cached(60, 16)(roster_service.pattern_of)
roster_call_out = cached(30, 16)(roster_service.call_out_on)
roster_held = cached(30, 8)(roster_service.shifts_held_by)
roster_long_haul = cached(60, 8)(roster_service.long_haul)
roster_limits = cached(60, 2)(roster_service.limits)
roster_crew = cached(60, 8)(roster_service.crew)
roster_workbook = cached(30, 8)(roster_import_service.post_workbook)
report_archive = cached(30, 8)(report_service.archive)
report_stored = cached(600, 16)(report_service.content_of)
report_file = cached(600, 16)(report_service.report_file)
#: the figures now (the preview before a draft): charts are drawn only when asked
report_live = cached(60, 8)(report_content.build_content)
report_live_file = cached(60, 8)(report_service.render_live)
report_schedule = cached(60, 2)(report_service.schedule)
report_streets = cached(300, 2)(report_service.streets)


# --- reads built on other cached reads ------------------------------------------------------------


@cached(60, 32)
def reassign_candidates(uow: UnitOfWork, community_id: int, include_party: bool,
                        streets: tuple[str, ...] | None) -> pd.DataFrame:
    """Candidates for one short community (donors limited to ``streets`` when given)."""
    return reassign_service.candidates(uow, community_id, include_party=include_party, streets=streets, gaps=gaps())


@cached(30, 16)
def move_preview(uow: UnitOfWork, staff_ids: tuple[int, ...], to_community_id: int) -> pd.DataFrame:
    """Before/after of every community touched by moving ``staff_ids`` to ``to_community_id``."""
    return reassign_service.preview_moves(uow, list(staff_ids), to_community_id, gaps=gaps())


@cached(60, 16)
def suggested_plan(uow: UnitOfWork, options: tuple[tuple[str, object], ...], streets: tuple[str, ...] | None) -> object:
    """The suggested plan for ``options`` (PlanOptions fields as sorted pairs) over ``streets``."""
    from core.model.optimizer.network import PlanOptions

    return reassign_service.suggest_plan(uow, PlanOptions(**dict(options)), streets=streets, gaps=gaps())


@cached(60, 8, fresh=True, shared=True)
def wall(uow: UnitOfWork) -> object:
    """The wall screen's payload (core.services.read_models.wall.WallData): one object for every screen
    (shared, not copied: 30 screens would unpickle it on every tick; nothing changes it)."""
    return wall_service.load_wall(uow, past=wall_past(clock.reference_day(uow)))


@cached(120, 8)
def screening_helpers(uow: UnitOfWork, campaign_id: int | None, streets: tuple[str, ...] | None) -> pd.DataFrame:
    """Who could be sent to the grids behind schedule (reassignment candidates, nearest first)."""
    view = screening_campaign(campaign_id)
    if view is None:
        return pd.DataFrame()
    return screening_helper_service.helpers_for_behind(uow, view.grids,  # type: ignore[attr-defined]
                                                       streets=list(streets) if streets is not None else None)


# --- what-if: kept with cache_resource (shared, not copied). Nothing mutates them (the evaluation
# works copy-on-write, tests/unit/test_scenarios.py checks the live frames stay equal), and pickling
# ~15,000 staff rows on every rerun would cost more than the evaluation itself.

whatif_baseline = cached(120, 4, shared=True)(whatif_service.load_baseline)


@cached(120, 24, shared=True)
def whatif_result(uow: UnitOfWork, scenario_json: str) -> object:
    """The evaluated scenario (ScenarioResult) for a scenario file's text (its bases read in ``uow``)."""
    from core.model.scenarios.evaluation import evaluate_live
    from core.model.scenarios.file_format import loads

    return evaluate_live(whatif_baseline(), loads(scenario_json), scenario_store.lookup(uow))


@cached(30, 16)
def scenario_file(uow: UnitOfWork, scenario_json: str) -> str:
    """The export of a scenario: its file with every change of its bases first, on base "live"."""
    from core.model.scenarios.file_format import dumps, loads

    scenario = loads(scenario_json)
    return dumps(scenario, scenario_store.flattened(uow, scenario))


# --- the server's own background jobs ---------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def job_keeper(url: str, every_s: float | None = None) -> object:
    """One job keeper per process and database: every few seconds it asks core to run the background
    jobs that are due (``core.services.jobs``: alert sync, isolation scan, errand escalation), as the
    SYSTEM actor. However many app processes run, each job runs once per period (a lock and the last
    run in the database); ``FANGXIAN_JOBS=none`` leaves them to cron (``fangxian jobs run-due``).
    Screens never write; this is the server's own work. Backs off while the database does not
    answer and stops after a long run of failures (e.g. the database was removed)."""
    import logging
    import threading
    import time

    from core.services import jobs as job_service

    log = logging.getLogger("fangxian.jobs")
    try:
        chosen = job_service.select_jobs(os.environ.get("FANGXIAN_JOBS"))
    except Exception:  # noqa: BLE001 - a bad setting must not take the page down: run every job
        log.warning("FANGXIAN_JOBS is not valid: running every background job")
        chosen = job_service.JOBS
    tick = every_s or job_service.tick_seconds(chosen)

    def loop() -> None:
        failures = 0
        while chosen and failures < 20:
            try:
                for outcome in job_service.run_due(lambda: unit_of_work(url), chosen):
                    if outcome.status in ("ok", "failed"):
                        log.info("job %s %s %s", outcome.job, outcome.status, outcome.summary)
                failures = 0
            except Exception:  # noqa: BLE001 - a job must survive a database outage
                failures += 1
            time.sleep(tick if not failures else min(60.0, tick * 2 ** failures))

    th = threading.Thread(target=loop, name=f"fangxian-job-keeper-{abs(hash(url)) % 10000}", daemon=True)
    th.start()
    return th

