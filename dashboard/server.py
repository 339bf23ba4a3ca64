"""The app as one ASGI application: Streamlit's own routes plus the two that keep a desk session.

``streamlit run dashboard/server.py`` (what ``fangxian serve`` and ``scripts/run`` start) serves it. A
script run cannot set an HttpOnly cookie, so a sign-in sends the browser here once:

- ``GET /session/begin?ticket=…`` redeems the one-time ticket the sign-in created for a random session
  token, sets it as a signed, HttpOnly, SameSite=Strict cookie and returns to the page asked for.
- ``GET /session/end`` deletes the cookie (the session row was already ended by the sign-out) and
  returns to the login page.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from core.model.identity_policy import SESSION_COOKIE, safe_next_path, session_max_age, sign_cookie
from core.services.identity import sessions
from core.services.uow import unit_of_work
from dashboard.context import db_url
from dashboard.session_cookie import BEGIN_PATH, END_PATH, cookie_secure

SCRIPT = Path(__file__).resolve().parent / "streamlit_app.py"


def _redeem(ticket: str) -> tuple[str, str] | None:
    with unit_of_work(db_url()) as uow:
        found = sessions.redeem_ticket(uow, ticket)
        return None if found is None else (sign_cookie(found[0], sessions.session_secret(uow)), found[1])


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


async def begin(request: Request) -> Response:
    ticket = request.query_params.get("ticket", "")
    try:
        found = await run_in_threadpool(_redeem, ticket)
    except Exception:  # the database did not answer: back to the login page, which says so
        found = None
    if found is None:
        return _no_store(RedirectResponse("/", status_code=303))
    value, next_path = found
    response = RedirectResponse("/" + safe_next_path(next_path), status_code=303)
    response.set_cookie(SESSION_COOKIE, value, max_age=int(session_max_age().total_seconds()), path="/",
                        httponly=True, samesite="strict", secure=cookie_secure(request.url.scheme))
    return _no_store(response)


async def end(request: Request) -> Response:
    response = RedirectResponse("/?signed_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                           secure=cookie_secure(request.url.scheme))
    return _no_store(response)


app = st.App(str(SCRIPT), routes=[Route(BEGIN_PATH, begin, methods=["GET"]), Route(END_PATH, end, methods=["GET"])])
