"""The account, kiosk, audit and alert services on an in-memory unit of work (tests/fakes.py): the
rules of sign-in and lockout, what is audited, with no database. Storage itself is tested on SQLite
and PostgreSQL in tests/storage."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from core.model.actor import Actor
from core.model.alert_rules import DEFAULT_RULES
from core.model.errors import InvalidInput, NotFound
from core.model.identity_policy import LOCKOUT, MAX_FAILED_ATTEMPTS
from core.services import alerts as alert_service
from core.services import identity
from core.services.audit import record_many
from core.services.identity.accounts import hash_password
from core.services.identity.kiosk import token_hash
from tests.fakes import FakeUnitOfWork

NOW = dt.datetime(2026, 11, 30, 9, 0)
ADMIN = Actor("admin", "周管理员", frozenset({"admin"}))
PASSWORD = "the-right-password"
HASHED = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once for every test


class FakeIdentity:
    """Accounts and kiosk tokens as plain objects with the attributes of the stored rows."""

    def __init__(self) -> None:
        self.users: dict[str, SimpleNamespace] = {}
        self.tokens: list[SimpleNamespace] = []

    def with_user(self, username: str, roles: str = "clerk", **fields: Any) -> FakeIdentity:
        defaults = {"display_name": username, "streets": None, "communities": None, "grids": None, "staff_id": None,
                    "disabled": False, "failed_attempts": 0,
                    "locked_until": None, "last_login": None, "password_hash": HASHED}
        self.users[username] = SimpleNamespace(username=username, roles=roles, **{**defaults, **fields})
        return self

    def user_row(self, username: str) -> SimpleNamespace | None:
        return self.users.get(username)

    def get_user(self, username: str) -> dict[str, Any] | None:
        row = self.users.get(username)
        return None if row is None else dict(vars(row))

    def add_user(self, **fields: Any) -> None:
        self.users[fields["username"]] = SimpleNamespace(locked_until=None, last_login=None, **fields)

    def add_kiosk_token(self, *, name: str, token_hash: str, created_by: str) -> int:
        self.tokens.append(SimpleNamespace(id=len(self.tokens) + 1, name=name, token_hash=token_hash,
                                           created_by=created_by, revoked_at=None, last_used_at=None))
        return len(self.tokens)

    def kiosk_by_hash(self, digest: str) -> SimpleNamespace | None:
        return next((t for t in self.tokens if t.token_hash == digest), None)

    def kiosk_by_id(self, token_id: int) -> SimpleNamespace | None:
        return next((t for t in self.tokens if t.id == token_id), None)

    def kiosk_by_name(self, name: str) -> list[SimpleNamespace]:
        return [t for t in self.tokens if t.name == name]


def _uow(repo: FakeIdentity) -> FakeUnitOfWork:
    return FakeUnitOfWork(identity=repo)


def test_a_right_password_signs_in_and_clears_the_failure_count() -> None:
    repo = FakeIdentity().with_user("clerk", failed_attempts=3)
    attempt = identity.authenticate(_uow(repo), "clerk", PASSWORD, now=NOW)
    assert attempt.accepted().roles == {"clerk"}
    assert (repo.users["clerk"].failed_attempts, repo.users["clerk"].last_login) == (0, NOW)


def test_a_wrong_password_is_counted_and_returned_not_raised() -> None:
    repo = FakeIdentity().with_user("clerk")
    attempt = identity.authenticate(_uow(repo), "clerk", "wrong", now=NOW)
    assert attempt.actor is None and isinstance(attempt.refusal, identity.AuthenticationFailed)
    assert repo.users["clerk"].failed_attempts == 1
    with pytest.raises(identity.AuthenticationFailed):
        attempt.accepted()


def test_the_fifth_failure_locks_the_account_and_is_audited() -> None:
    repo = FakeIdentity().with_user("clerk")
    uows = [_uow(repo) for _ in range(MAX_FAILED_ATTEMPTS)]
    for uow in uows:  # one unit of work per attempt, as the login page makes them
        identity.authenticate(uow, "clerk", "wrong", now=NOW)
    assert repo.users["clerk"].locked_until == NOW + LOCKOUT and repo.users["clerk"].failed_attempts == 0
    assert [u.audit.actions() for u in uows] == [[], [], [], [], ["user.lockout"]]
    assert uows[-1].audit.entries[0]["reason"] == f"连续 {MAX_FAILED_ATTEMPTS} 次密码错误"
    locked = identity.authenticate(_uow(repo), "clerk", PASSWORD, now=NOW + dt.timedelta(minutes=1))
    assert isinstance(locked.refusal, identity.AccountLocked) and locked.refusal.params == {"minutes": 15}
    later = identity.authenticate(_uow(repo), "clerk", PASSWORD, now=NOW + LOCKOUT + dt.timedelta(seconds=1))
    assert later.accepted().username == "clerk"


def test_an_unknown_user_and_a_disabled_account_are_refused_without_a_write() -> None:
    repo = FakeIdentity().with_user("gone", disabled=True)
    unknown = _uow(repo)
    assert isinstance(identity.authenticate(unknown, "nobody", PASSWORD).refusal, identity.AuthenticationFailed)
    disabled = identity.authenticate(_uow(repo), "gone", PASSWORD)
    assert isinstance(disabled.refusal, identity.AccountDisabled)
    assert unknown.audit.entries == [] and repo.users["gone"].last_login is None


def test_adding_a_user_hashes_the_password_and_audits_without_it() -> None:
    repo = FakeIdentity()
    uow = _uow(repo)
    identity.add_user(uow, ADMIN, "wang", "王五", "long-enough", ["planner", "clerk"], ["420102001"])
    stored = repo.users["wang"]
    assert stored.roles == "clerk,planner" and stored.password_hash.startswith("$argon2id$")
    assert uow.audit.entries[0]["after"] == {"roles": "clerk,planner", "streets": "420102001", "disabled": False}
    with pytest.raises(InvalidInput) as twice:
        identity.add_user(_uow(repo), ADMIN, "wang", "王五", "long-enough", ["planner"])
    assert twice.value.key == "identity.user_exists"


def test_an_admin_cannot_disable_their_own_account_nor_a_missing_one() -> None:
    repo = FakeIdentity().with_user("admin", roles="admin")
    with pytest.raises(InvalidInput) as own:
        identity.disable_user(_uow(repo), ADMIN, "admin")
    with pytest.raises(NotFound) as missing:
        identity.disable_user(_uow(repo), ADMIN, "ghost")
    assert (own.value.key, missing.value.key) == ("identity.cannot_disable_self", "identity.user_missing")


def test_a_kiosk_token_is_stored_as_a_hash_and_revoked_by_name() -> None:
    repo = FakeIdentity()
    new = identity.create_kiosk_token(_uow(repo), ADMIN, "一号屏")
    assert repo.tokens[0].token_hash == token_hash(new.token) != new.token
    screen = identity.kiosk_actor(_uow(repo), new.token)
    assert screen is not None and screen.roles == {"wallscreen"} and repo.tokens[0].last_used_at is not None
    revoking = _uow(repo)
    assert identity.revoke_kiosk_token(revoking, ADMIN, "一号屏", reason="报废") == 1
    assert revoking.audit.actions() == ["kiosk.revoke"]
    assert identity.kiosk_actor(_uow(repo), new.token) is None
    assert identity.revoke_kiosk_token(_uow(repo), ADMIN, "一号屏") == 0


def test_record_many_appends_one_entry_per_item_under_one_batch() -> None:
    uow = FakeUnitOfWork()
    record_many(uow, ADMIN, "import.staff", "staff",
                [{"entity_id": 1, "community_code": "C1", "after": {"x": 1}}, {"entity_id": None}],
                reason="a.csv", batch_id="b1")
    assert [(e["entity_id"], e["community_code"], e["batch_id"], e["actor"]) for e in uow.audit.entries] == [
        ("1", "C1", "b1", "admin"), (None, None, "b1", "admin")]


class FakeAlerts:
    def __init__(self) -> None:
        self.stored: dict[str, dict[str, Any]] = {}

    def rules(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.stored.values()))

    def upsert_rule(self, values: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        before = self.stored.get(values["code"])
        after = {**(before or {}), **values}
        self.stored[values["code"]] = after
        return (None if before is None else dict(before)), dict(after)


def test_the_first_saved_rule_also_stores_the_defaults_and_only_changes_are_audited() -> None:
    alerts = FakeAlerts()
    uow = FakeUnitOfWork(alerts=alerts)
    changed = alert_service.save_rules(uow, ADMIN, [
        {"code": "community_short.warning", "kind": "community_short", "threshold": 40, "level": "warning"},
        {"code": "grid_uncovered.warning", "kind": "grid_uncovered", "threshold": 0, "level": "warning",
         "note": "网格没有在岗网格员"},
    ])
    assert changed == 1 and uow.audit.actions() == ["alert_rule.save"]
    assert set(alerts.stored) == set(DEFAULT_RULES["code"])
    assert alerts.stored["community_short.critical"]["note"] == "社区缺员超过 60 人"
    with pytest.raises(InvalidInput) as bad:
        alert_service.save_rules(FakeUnitOfWork(alerts=alerts), ADMIN, [{"code": "", "kind": "community_short"}])
    assert bad.value.key == "alerts.rule_code_invalid"


def test_the_rules_in_force_are_the_defaults_with_their_notes_until_one_is_saved() -> None:
    rules = alert_service.rules_in_force(FakeUnitOfWork(alerts=FakeAlerts()))
    assert list(rules["code"]) == list(DEFAULT_RULES["code"])
    assert rules.set_index("code").at["incident_overdue.critical", "note"] == "事件超过办结时限 24 小时"
