"""Desk sessions on SQLite and PostgreSQL: one-time tickets, signed cookies, idle and absolute limits,
sign-out, disabling, password resets and revocation (audited)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.model.actor import Actor
from core.model.errors import PermissionDenied
from core.model.identity_policy import safe_next_path, sign_cookie, unsign_cookie
from core.services import clock, identity
from core.services.identity import sessions
from core.services.uow import unit_of_work
from core.storage.db import session_scope
from core.storage.rows import AuthSession
from tests.storage.test_identity import ADMIN, write

COORDINATOR = Actor("coordinator", "李调度", frozenset({"coordinator"}))


def _start(url: str, actor: Actor = COORDINATOR, lang: str = "zh", next_path: str = "") -> tuple[int, str]:
    with unit_of_work(url) as uow:
        return sessions.start_session(uow, actor, lang, next_path)


def _redeem(url: str, ticket: str) -> tuple[str, str] | None:
    with unit_of_work(url) as uow:
        return sessions.redeem_ticket(uow, ticket)


def _check(url: str, token: str | None) -> sessions.SessionCheck:
    with unit_of_work(url) as uow:
        return sessions.check_token(uow, token)


def _shift(url: str, session_id: int, **back: dt.timedelta) -> None:
    with session_scope(url) as s:
        row = s.get(AuthSession, session_id)
        for field, delta in back.items():
            setattr(row, field, getattr(row, field) - delta)


def test_a_ticket_is_redeemed_once_for_a_token_that_names_the_live_session(demo_db: str) -> None:
    sid, ticket = _start(demo_db, lang="en", next_path="reassign")
    token, next_path = _redeem(demo_db, ticket) or ("", "")
    assert token and next_path == "reassign"
    assert _redeem(demo_db, ticket) is None  # used
    check = _check(demo_db, token)
    assert check.actor is not None and check.actor.username == "coordinator"
    assert check.session_id == sid and check.lang == "en"
    with session_scope(demo_db) as s:  # only hashes are stored
        row = s.get(AuthSession, sid)
        assert token not in (row.token_hash, row.ticket_hash) and row.ticket_hash is None


def test_a_late_or_made_up_ticket_gets_nothing(demo_db: str) -> None:
    sid, ticket = _start(demo_db)
    _shift(demo_db, sid, ticket_expires=dt.timedelta(minutes=2))
    assert _redeem(demo_db, ticket) is None
    assert _redeem(demo_db, "made-up") is None
    assert _check(demo_db, "made-up").ended == "unknown"


def test_the_cookie_is_signed_and_a_forged_one_is_refused() -> None:
    value = sign_cookie("tok123", "secret-a")
    assert unsign_cookie(value, "secret-a") == "tok123"
    assert unsign_cookie(value, "secret-b") is None
    assert unsign_cookie("tok123.AAAA", "secret-a") is None
    assert unsign_cookie("tok124" + value[6:], "secret-a") is None
    assert unsign_cookie(None, "secret-a") is None and unsign_cookie("x" * 500, "secret-a") is None


def test_the_secret_is_made_once_and_kept_in_the_database(demo_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FANGXIAN_SESSION_SECRET", raising=False)
    with unit_of_work(demo_db) as uow:
        first = sessions.session_secret(uow)
    with unit_of_work(demo_db) as uow:
        assert sessions.session_secret(uow) == first and len(first) >= 40
    monkeypatch.setenv("FANGXIAN_SESSION_SECRET", "from-settings")
    with unit_of_work(demo_db) as uow:
        assert sessions.session_secret(uow) == "from-settings"


def test_only_a_plain_page_path_is_returned_to() -> None:
    assert safe_next_path("/reassign") == "reassign"
    for hostile in ("//evil.example", "https://evil.example", "a/b", "../x", "x?y=1", "plan\\n"):
        assert safe_next_path(hostile) == ""


def test_idle_and_absolute_limits_end_a_session(demo_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FANGXIAN_SESSION_TIMEOUT_MIN", "30")
    monkeypatch.setenv("FANGXIAN_SESSION_MAX_HOURS", "12")
    sid, ticket = _start(demo_db)
    token = (_redeem(demo_db, ticket) or ("", ""))[0]
    _shift(demo_db, sid, last_seen=dt.timedelta(minutes=29))
    assert _check(demo_db, token).actor is not None  # and the run noted it
    with session_scope(demo_db) as s:
        assert clock.exact_now() - s.get(AuthSession, sid).last_seen < dt.timedelta(minutes=1)
    _shift(demo_db, sid, created_at=dt.timedelta(hours=13))
    assert _check(demo_db, token).ended == "max_age"
    assert _check(demo_db, token).actor is None  # stays ended
    sid2, ticket2 = _start(demo_db)
    token2 = (_redeem(demo_db, ticket2) or ("", ""))[0]
    _shift(demo_db, sid2, last_seen=dt.timedelta(minutes=31))
    assert _check(demo_db, token2).ended == "timeout"


def test_signing_out_disabling_and_a_password_reset_end_sessions(demo_db: str) -> None:
    sid, ticket = _start(demo_db)
    token = (_redeem(demo_db, ticket) or ("", ""))[0]
    with unit_of_work(demo_db) as uow:
        sessions.end_session(uow, sid)
    assert _check(demo_db, token).ended == "signed_out"

    _, ticket = _start(demo_db)
    token = (_redeem(demo_db, ticket) or ("", ""))[0]
    write(demo_db, identity.set_password, "coordinator", "another-long-password")
    assert _check(demo_db, token).ended == "revoked"

    _, ticket = _start(demo_db)
    token = (_redeem(demo_db, ticket) or ("", ""))[0]
    write(demo_db, identity.disable_user, "coordinator")
    assert _check(demo_db, token).ended == "disabled"


def test_an_admin_revokes_every_session_of_an_account_and_it_is_audited(demo_db: str) -> None:
    tokens = []
    for _ in range(2):
        _, ticket = _start(demo_db)
        tokens.append((_redeem(demo_db, ticket) or ("", ""))[0])
    other = _start(demo_db, actor=Actor("planner", "陈研判", frozenset({"planner"})))
    with pytest.raises(PermissionDenied):
        write(demo_db, sessions.revoke_sessions, "coordinator", actor=COORDINATOR)
    assert write(demo_db, sessions.revoke_sessions, "coordinator", reason="电脑遗失") == 2
    assert [_check(demo_db, tok).ended for tok in tokens] == ["revoked", "revoked"]
    with unit_of_work(demo_db) as uow:
        assert sessions.check_session(uow, other[0]).actor is not None  # others untouched
        entry = uow.audit.entries(actions=["session.revoke"]).to_dict("records")[0]
        listed = sessions.list_sessions(uow, ADMIN)
    assert entry["entity_id"] == "coordinator" and entry["reason"] == "电脑遗失"
    assert "coordinator" not in set(listed["username"]) and "planner" in set(listed["username"])


def test_the_language_is_kept_with_the_session(demo_db: str) -> None:
    sid, ticket = _start(demo_db, lang="zh")
    token = (_redeem(demo_db, ticket) or ("", ""))[0]
    with unit_of_work(demo_db) as uow:
        sessions.set_language(uow, sid, "en")
        sessions.set_language(uow, sid, "fr")  # not a language of the app: ignored
    assert _check(demo_db, token).lang == "en"
