"""AppTest fixtures: a fresh demo database per test and clean Streamlit caches."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.apptest_cache import share_compiled_scripts

share_compiled_scripts()  # compile each script once per process, as a server does (not once a run)

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
    """Factory: an AppTest of the router on a copy of the demo database.

    ``user`` signs in a demo account (leader, coordinator, coordinator2, planner, clerk, admin; see
    core/demo/accounts.py) by storing the same verified session record the login page stores, so
    the router re-validates it against the database like any session; ``user=None`` stays signed
    out (the login page). ``kiosk`` puts a kiosk token in the URL (demo: "demo-wallscreen").
    """
    from dashboard.auth import SESSION_KEY

    monkeypatch.setenv("FANGXIAN_DATABASE_URL", demo_sqlite)
    monkeypatch.delenv("FANGXIAN_AUTH_MODE", raising=False)
    monkeypatch.delenv("FANGXIAN_KIOSK_TOKEN", raising=False)

    def make(*, user: str | None = "leader", kiosk: str | None = None, **session_state: object) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        if user is not None:
            at.session_state[SESSION_KEY] = signed_in(user, demo_sqlite)
        if kiosk is not None:
            at.query_params["kiosk"] = kiosk
        for k, v in session_state.items():
            at.session_state[k] = v
        return at

    return make


def signed_in(username: str, url: str | None = None, lang: str = "zh") -> dict[str, object]:
    """The record the login page stores after a sign-in: a real server-side session row for ``username``
    (re-checked by the router on every run, like any session; the ticket for the cookie is not needed)."""
    from core.services.identity import load_actor, sessions
    from core.services.uow import unit_of_work
    from dashboard.auth import new_session

    with unit_of_work(url or os.environ["FANGXIAN_DATABASE_URL"]) as uow:
        actor = load_actor(uow, username)
        if actor is None:  # an unknown or disabled account: a session row it could never have got
            return new_session("local", username=username, session_id=-1)
        session_id, _ticket = sessions.start_session(uow, actor, lang)
    return new_session("local", username=username, session_id=session_id)


def open_page(app: Callable[..., AppTest], page: str, user: str = "leader", **state: object) -> AppTest:
    """Sign in as ``user``, switch to ``page`` and check that it ran without an exception."""
    at = app(user=user, **state)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
