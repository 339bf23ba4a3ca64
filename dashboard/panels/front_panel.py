"""What the phone pages share: a layout for a 390 px screen in sunlight (16 px and up, 48 px touch targets,
one column, nothing behind hover), the id each form carries, and the account's places."""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from core.model.actor import Actor
from core.model.errors import FangxianError
from core.services.availability import UNAVAILABLE_ERRORS
from core.services.uow import UnitOfWork, unit_of_work
from dashboard import cache
from dashboard.context import db_url
from dashboard.feedback import show_error
from dashboard.i18n import t

log = logging.getLogger("fangxian.front")

#: larger type and touch targets on the phone pages only (the desk keeps Streamlit's sizes)
CSS = """<style>
[data-testid="stMain"] p, [data-testid="stMain"] label, [data-testid="stMain"] input,
[data-testid="stMain"] textarea, [data-testid="stMain"] li, [data-testid="stMain"] span {font-size: 17px !important;}
[data-testid="stMain"] h1 {font-size: 26px !important;}
[data-testid="stMain"] h3 {font-size: 20px !important;}
[data-testid="stMain"] button, [data-testid="stMain"] [data-testid="stPageLink"] a {min-height: 48px;}
[data-testid="stMain"] [data-testid="stPageLink"] a {border: 1px solid #cbd5e1; border-radius: 10px; padding: 6px 12px;
  background: #f8fafc;}
[data-testid="stMain"] [role="radiogroup"] label {min-height: 40px; align-items: center;}
[data-testid="stMain"] input[type="number"], [data-testid="stMain"] input[type="text"] {min-height: 44px;}
[data-testid="stMain"] [data-testid="stMetricValue"], [data-testid="stMain"] [data-testid="stMetricValue"] * {
  font-size: 30px !important; font-weight: 600;}
[data-testid="stMainBlockContainer"] {padding-top: 3.5rem !important;}
</style>"""


def phone_page() -> None:
    st.markdown(CSS, unsafe_allow_html=True)


def form_id(name: str) -> str:
    """The device id of the form ``name`` as filled now: the same until it is saved (a resubmission after a
    dropped connection sends the same id, and core writes once), a new one after."""
    key = f"front.cid.{name}"
    if key not in st.session_state:
        st.session_state[key] = uuid.uuid4().hex
    return str(st.session_state[key])


def form_saved(name: str) -> None:
    st.session_state.pop(f"front.cid.{name}", None)


@contextmanager
def reading() -> Iterator[UnitOfWork]:
    """A unit of work for this run's reads (the phone pages read only their own grids: small and uncached).
    The database not answering: one calm line and the page stops (no framework box on a phone)."""
    try:
        with unit_of_work(db_url()) as uow:
            yield uow
    except UNAVAILABLE_ERRORS:
        st.warning(t("app.db_unreachable"))
        st.stop()


def save(name: str, write: Callable[[UnitOfWork], Any], done: Callable[[Any], str], flash_key: str) -> bool:
    """Run one form's write in its own transaction; on success keep ``done(result)`` for the next run, start a
    new form id and rerun; on failure say in one line why nothing was saved (the values stay in the form)."""
    try:
        with cache.write() as uow:
            result = write(uow)
    except UNAVAILABLE_ERRORS:
        st.error(t("front.not_saved_offline"))
        return False
    except FangxianError as exc:
        show_error(exc)
        return False
    except Exception as exc:  # noqa: BLE001 - a fault: one line for the user, where it happened for the log
        frames = "; ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in traceback.extract_tb(exc.__traceback__))
        log.error("front-line form %s not saved: %s at %s", name.split(".", 1)[0], type(exc).__name__, frames)
        st.error(t("front.not_saved_fault"))
        return False
    form_saved(name)
    cache.clear()
    st.session_state[flash_key] = done(result)
    st.rerun()
    return True


def flash(key: str) -> None:
    msg = st.session_state.pop(key, None)
    if msg:
        st.success(msg, icon="✅")


def grid_label(row: Any) -> str:
    return f"{row['community']} · {row['name']}"


def require_places(actor: Actor, grids: Any) -> bool:
    """Say what is missing when the account has no grid to work in (and stop the page)."""
    if len(grids):
        return True
    st.warning(t("front.no_grids"), icon="🧭")
    return False
