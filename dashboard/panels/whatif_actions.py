"""The what-if page's draft (kept in session state as plain JSON-able data) and its actions: save, load,
copy, delete, compare two saved scenarios, export/import the JSON file, hand the moves to the
reassignment path. Every write goes through a core service (roles checked there) and clears caches."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from core.model.actor import Actor
from core.model.errors import FangxianError
from core.model.scenarios.evaluation import LIVE, Scenario, real_moves
from core.model.scenarios.file_format import change_from_dict, change_to_dict, dumps, loads
from core.services import clock
from core.services.scenario_store import ROLES as SCENARIO_ROLES
from core.services.scenario_store import copy_scenario, delete_scenario, save_scenario
from core.services.uow import UnitOfWork
from core.services.whatif import handover_records, to_batch
from dashboard import cache, feedback, state_keys
from dashboard.i18n import t
from dashboard.panels.components import (
    choose,
    choose_many,
    file_uploader,
    fmt_count,
    fmt_int,
    with_paren,
)

DRAFT_KEY, NAME_KEY = state_keys.WHATIF_DRAFT, state_keys.WHATIF_NAME
FLASH_KEY, ERROR_KEY = state_keys.WHATIF_FLASH, state_keys.WHATIF_ERROR
PICK_KEY, IMPORTED_KEY, PENDING_KEY = state_keys.WHATIF_PICK, state_keys.WHATIF_IMPORTED, state_keys.WHATIF_PENDING
#: the moves the batch tab showed on the previous run (with each person's version then): a click hands
#: over exactly what the user saw, even if this run's result was computed again on newer data
SEEN_KEY = "wi_batch_seen"
KPI_KEYS = ("shortage", "uncovered_grids", "unstaffed_shifts", "short_communities")
KPI_UNITS = ("unit.people", "unit.communities", "wi.unit.shifts", "unit.communities")


def new_draft() -> dict[str, Any]:
    st.session_state[NAME_KEY] = t("wi.default_name")
    return {"id": None, "base": LIVE, "changes": [], "description": ""}


def prepare() -> dict[str, Any]:
    """Top of the page, before any widget: the draft, its name, and an imported file waiting to be used."""
    if DRAFT_KEY not in st.session_state:
        st.session_state[DRAFT_KEY] = new_draft()
    pending = st.session_state.pop(PENDING_KEY, None)
    if pending is not None:
        _use(pending)
    if NAME_KEY not in st.session_state:  # the widget's state is dropped while another page is shown
        st.session_state[NAME_KEY] = st.session_state[DRAFT_KEY].get("name") or t("wi.default_name")
    return st.session_state[DRAFT_KEY]  # type: ignore[no-any-return]


def draft_scenario(draft: dict[str, Any], actor: Actor) -> Scenario:
    name = (st.session_state.get(NAME_KEY) or "").strip() or t("wi.default_name")
    draft["name"] = name
    return Scenario(name=name, author=actor.username, base=draft["base"], id=draft["id"],
                    description=draft.get("description", ""),
                    changes=tuple(change_from_dict(c, "changes") for c in draft["changes"]))


def remove_change(index: int) -> None:
    changes = st.session_state[DRAFT_KEY]["changes"]
    if changes:
        changes.pop(index)


def start_new() -> None:
    st.session_state[DRAFT_KEY] = new_draft()


def _use(sc: Scenario) -> None:
    st.session_state[DRAFT_KEY] = {"id": sc.id, "base": sc.base, "description": sc.description, "name": sc.name,
                                   "changes": [change_to_dict(c) for c in sc.changes]}
    st.session_state[NAME_KEY] = sc.name


def _load() -> None:
    sid = st.session_state.get(PICK_KEY)
    if sid:
        try:
            _use(cache.saved_scenario(sid))  # type: ignore[arg-type]
            st.session_state[FLASH_KEY] = t("wi.loaded", name=st.session_state[NAME_KEY])
        except FangxianError as exc:
            feedback.error_later(ERROR_KEY, exc)


def _write(fn: Callable[[UnitOfWork], Any], done_key: str, **fmt: Any) -> Any:
    """One write in its own unit of work; the message (or the error) is left for the next run."""
    try:
        with cache.write() as uow:
            out = fn(uow)
        st.session_state[FLASH_KEY] = t(done_key, **fmt)
        return out
    except FangxianError as exc:
        feedback.error_later(ERROR_KEY, exc)
    finally:
        cache.clear()
    return None


def render(actor: Actor, scenario: Scenario, res: Any) -> None:
    saved = cache.saved_scenarios()
    tabs = st.tabs([t("wi.tab.saved"), t("wi.tab.compare"), t("wi.tab.file"), t("wi.tab.batch")])
    with tabs[0]:
        _saved_tab(actor, scenario, saved)
    with tabs[1]:
        _compare_tab(res, saved)
    with tabs[2]:
        _file_tab(scenario)
    with tabs[3]:
        _batch_tab(actor, res)


def _saved_tab(actor: Actor, scenario: Scenario, saved: pd.DataFrame) -> None:
    # who keeps scenarios is core's rule (planners and leaders, DESIGN.md's 研判 users, and admins): the
    # others are not offered the buttons at all, they load, compare and export
    can_write = actor.has(*SCENARIO_ROLES)
    if can_write:
        c = st.columns([1, 1, 3], vertical_alignment="bottom")
        if c[0].button(t("wi.save"), key="wi_save", type="primary", icon="💾"):
            sid = _write(lambda uow: save_scenario(uow, actor, scenario), "wi.saved", name=scenario.name)
            if sid:
                st.session_state[DRAFT_KEY]["id"] = sid
            st.rerun()
        if c[1].button(t("wi.save_new"), key="wi_save_new", icon="🆕"):
            sid = _write(lambda uow: save_scenario(uow, actor, dataclasses.replace(scenario, id=None)), "wi.saved",
                         name=scenario.name)
            if sid:
                st.session_state[DRAFT_KEY]["id"] = sid
            st.rerun()
    else:
        st.caption(t("wi.read_only"))
    if saved.empty:
        st.info(t("wi.none_saved"))
        return
    ids = saved["id"].tolist()
    row = saved.set_index("id")
    st.selectbox(t("wi.pick_saved"), ids, key=PICK_KEY, placeholder=choose(), format_func=lambda i: t(
        "wi.saved_fmt", name=row.loc[i, "name"], author=row.loc[i, "author"], n=int(row.loc[i, "n_changes"]),
        when=pd.Timestamp(row.loc[i, "updated_at"]).strftime("%m-%d %H:%M")))
    b = st.columns(3)
    b[0].button(t("wi.load"), key="wi_load", icon="📂", on_click=_load)
    if can_write and b[1].button(t("wi.copy"), key="wi_copy", icon="📋"):
        _write(lambda uow: copy_scenario(uow, actor, st.session_state[PICK_KEY]), "wi.copied")
        st.rerun()
    if can_write and b[2].button(t("wi.delete"), key="wi_delete", icon="🗑️"):
        _write(lambda uow: delete_scenario(uow, actor, st.session_state[PICK_KEY]), "wi.deleted")
        st.rerun()


def _compare_tab(res: Any, saved: pd.DataFrame) -> None:
    if len(saved) < 1:
        st.info(t("wi.compare.need"))
        return
    ids = saved["id"].tolist()
    names = dict(zip(saved["id"], saved["name"], strict=True))
    picked = st.multiselect(t("wi.compare.pick"), ids, max_selections=2, key="wi_compare",
                            format_func=names.__getitem__, default=ids[:2], placeholder=choose_many(), select_all=False)
    cols: dict[str, list[str]] = {t("wi.compare.kpi"): [t(f"wi.kpi.{k}") for k in KPI_KEYS],
                                  t("wi.map.today"): [fmt_count(res.kpi(k)["before"], u)
                                                      for k, u in zip(KPI_KEYS, KPI_UNITS, strict=True)]}
    for sid in picked:
        try:
            other = cache.whatif_result(dumps(cache.saved_scenario(sid)))  # type: ignore[arg-type]
        except FangxianError as exc:
            feedback.show_error(exc)
            continue
        cols[names[sid]] = [with_paren(fmt_count(other.kpi(k)["after"], u), f"{other.kpi(k)['delta']:+,}")  # type: ignore[attr-defined]
                            for k, u in zip(KPI_KEYS, KPI_UNITS, strict=True)]
    st.dataframe(pd.DataFrame(cols), hide_index=True, width="stretch")


def _file_tab(scenario: Scenario) -> None:
    try:
        text = cache.scenario_file(dumps(scenario))
    except FangxianError as exc:
        feedback.show_error(exc)
        return
    st.download_button(t("wi.export"), text.encode("utf-8"), file_name=f"{scenario.name}.json",
                       mime="application/json", key="wi_export", icon="⬇️")
    up = file_uploader(t("wi.import"), ["json"], key="wi_import", help=t("wi.import_help"))
    if up is not None and st.session_state.get(IMPORTED_KEY) != up.file_id:
        st.session_state[IMPORTED_KEY] = up.file_id
        try:
            sc = loads(up.getvalue(), source=up.name)
            st.session_state[PENDING_KEY] = dataclasses.replace(sc, id=None, base=LIVE)
            st.session_state[FLASH_KEY] = t("wi.imported", name=sc.name, n=len(sc.changes))
        except FangxianError as exc:
            feedback.error_later(ERROR_KEY, exc)
        st.rerun()


def _batch_tab(actor: Actor, res: Any) -> None:
    moves = real_moves(res)
    seen = st.session_state.pop(SEEN_KEY, None)  # what the user was shown before this run
    if moves.empty:
        st.info(t("wi.batch.none"))
        return
    try:
        shown = handover_records(res)
    except FangxianError as exc:
        feedback.show_error(exc)
        return
    st.session_state[SEEN_KEY] = shown
    st.markdown(t("wi.batch.count", n=fmt_int(len(moves)), added=fmt_int(len(res.added))))
    if not actor.has("coordinator", "admin"):
        st.warning(t("wi.batch.needs_coordinator"))
        return
    reason = st.text_input(t("wi.batch.reason"), key="wi_batch_reason")
    override = st.text_input(t("wi.batch.override"), key="wi_batch_override")
    if st.button(t("wi.batch.go", n=fmt_int(len(moves))), key="wi_batch_go", type="primary", disabled=not reason.strip()):
        try:
            with cache.write() as uow:
                # the versions and origins of the moves the user saw when they clicked
                done = to_batch(uow, actor, res, reason, override or None, expected=seen or shown)
        except FangxianError as exc:
            feedback.error_later(ERROR_KEY, exc)
            cache.clear()
            st.rerun()
        else:
            st.session_state.pop(SEEN_KEY, None)
            feedback.finish_write(FLASH_KEY, t("wi.batch.done", n=fmt_int(done.moved), when=f"{clock.wall_now():%H:%M}"))
