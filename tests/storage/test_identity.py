"""Accounts and kiosk tokens on SQLite and PostgreSQL: sign-in, lockout, disabling, roles, tokens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from core.demo import accounts as demo_accounts
from core.i18n import error_text
from core.model.actor import Actor
from core.model.errors import InvalidInput, NotFound, PermissionDenied
from core.model.identity_policy import utcnow
from core.services import identity
from core.services.uow import unit_of_work
from core.storage.db import session_scope

ADMIN = Actor("admin", "周管理员", frozenset({"admin"}))


def sign_in(url: str, username: str, password: str, *, now: dt.datetime | None = None) -> Actor:
    """One sign-in attempt as the login page makes it: one unit of work, the refusal raised after it."""
    with unit_of_work(url) as uow:
        attempt = identity.authenticate(uow, username, password, now=now)
    return attempt.accepted()


def read(url: str, service: Callable[..., Any], *args: Any) -> Any:
    with unit_of_work(url) as uow:
        return service(uow, *args)


def write(url: str, service: Callable[..., Any], *args: Any, actor: Actor = ADMIN, **kwargs: Any) -> Any:
    with unit_of_work(url) as uow:
        return service(uow, actor, *args, **kwargs)


def _audit(url: str, action: str) -> list[dict]:  # type: ignore[type-arg]
    with unit_of_work(url) as uow:
        return uow.audit.entries(actions=[action]).to_dict("records")


def test_the_demo_has_one_account_per_role_and_a_scoped_coordinator(demo_db: str) -> None:
    users = read(demo_db, identity.list_users, ADMIN).set_index("username")
    assert {r for rs in users["roles"] for r in rs.split(",")} == {"leader", "coordinator", "planner", "clerk", "admin",
                                                                  "grid_member"}
    grid = sign_in(demo_db, "wangge", demo_accounts.DEMO_PASSWORD)  # tied to a grid member of the roster
    assert grid.grids is not None and len(grid.grids) == 1 and grid.streets is not None and len(grid.streets) == 1
    scoped = sign_in(demo_db, "coordinator2", demo_accounts.DEMO_PASSWORD)
    assert scoped.streets is not None and len(scoped.streets) == 2
    assert sign_in(demo_db, "leader", demo_accounts.DEMO_PASSWORD).streets is None


def test_passwords_are_stored_as_salted_argon2_hashes(demo_db: str) -> None:
    write(demo_db, identity.add_user, "wang", "王五", "correct horse", ["planner"])
    with session_scope(demo_db) as s:
        from core.storage.repositories.identity_repo import get_user

        a, b = get_user(s, "wang")["password_hash"], get_user(s, "leader")["password_hash"]
    assert a.startswith("$argon2id$") and "correct horse" not in a
    assert a != b
    assert sign_in(demo_db, "wang", "correct horse").roles == {"planner"}


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(demo_db: str) -> None:
    with pytest.raises(identity.AuthenticationFailed) as wrong:
        sign_in(demo_db, "leader", "nope-nope")
    with pytest.raises(identity.AuthenticationFailed) as unknown:
        sign_in(demo_db, "nobody", "nope-nope")
    assert wrong.value.key == unknown.value.key == "auth.error.bad_credentials"
    assert error_text(wrong.value) == error_text(unknown.value) == "用户名或密码错误"


def test_five_failures_lock_the_account_for_fifteen_minutes(demo_db: str) -> None:
    now = utcnow()
    for _ in range(5):
        with pytest.raises(identity.AuthenticationFailed):
            sign_in(demo_db, "clerk", "wrong-password", now=now)
    with pytest.raises(identity.AccountLocked) as locked:
        sign_in(demo_db, "clerk", demo_accounts.DEMO_PASSWORD, now=now + dt.timedelta(seconds=1))
    assert locked.value.params == {"minutes": 15} and "15 分钟" in error_text(locked.value)
    with pytest.raises(identity.AccountLocked):
        sign_in(demo_db, "clerk", demo_accounts.DEMO_PASSWORD, now=now + dt.timedelta(minutes=14))
    actor = sign_in(demo_db, "clerk", demo_accounts.DEMO_PASSWORD, now=now + dt.timedelta(minutes=16))
    assert actor.roles == {"clerk"}
    assert [e["actor"] for e in _audit(demo_db, "user.lockout")] == ["clerk"]


def test_four_failures_then_a_success_reset_the_count(demo_db: str) -> None:
    for _ in range(4):
        with pytest.raises(identity.AuthenticationFailed):
            sign_in(demo_db, "planner", "wrong-password")
    sign_in(demo_db, "planner", demo_accounts.DEMO_PASSWORD)
    for _ in range(4):
        with pytest.raises(identity.AuthenticationFailed):
            sign_in(demo_db, "planner", "wrong-password")
    assert sign_in(demo_db, "planner", demo_accounts.DEMO_PASSWORD).username == "planner"


def test_a_disabled_account_cannot_sign_in_and_its_session_ends(demo_db: str) -> None:
    assert read(demo_db, identity.load_actor, "planner") is not None
    write(demo_db, identity.disable_user, "planner", reason="离岗")
    with pytest.raises(identity.AccountDisabled):
        sign_in(demo_db, "planner", demo_accounts.DEMO_PASSWORD)
    assert read(demo_db, identity.load_actor, "planner") is None
    write(demo_db, identity.enable_user, "planner")
    assert read(demo_db, identity.load_actor, "planner") is not None
    entries = _audit(demo_db, "user.disable")
    assert entries[0]["actor"] == "admin" and entries[0]["reason"] == "离岗"
    assert entries[0]["after"] == {"disabled": True}


def test_roles_and_scope_changes_apply_on_the_next_check_and_are_audited(demo_db: str) -> None:
    write(demo_db, identity.set_roles, "clerk", ["clerk", "planner"], ["420102001"])
    actor = read(demo_db, identity.load_actor, "clerk")
    assert actor is not None and actor.roles == {"clerk", "planner"} and actor.streets == {"420102001"}
    entry = _audit(demo_db, "user.set_roles")[0]
    assert entry["before"]["roles"] == "clerk" and entry["after"]["streets"] == "420102001"


def test_a_new_password_works_and_lifts_a_lockout(demo_db: str) -> None:
    for _ in range(5):
        with pytest.raises(identity.AuthenticationFailed):
            sign_in(demo_db, "leader", "wrong-password")
    write(demo_db, identity.set_password, "leader", "new-password-1")
    assert sign_in(demo_db, "leader", "new-password-1").username == "leader"
    with pytest.raises(identity.AuthenticationFailed):
        sign_in(demo_db, "leader", demo_accounts.DEMO_PASSWORD)


def test_bad_account_input_is_refused_with_a_key_for_each_reason(demo_db: str) -> None:
    with pytest.raises(InvalidInput) as exists:
        write(demo_db, identity.add_user, "leader", "重复", "long-enough", ["leader"])
    assert exists.value.key == "identity.user_exists"
    with pytest.raises(InvalidInput) as short:
        write(demo_db, identity.add_user, "short", "短", "1234", ["leader"])
    assert short.value.key == "identity.password_too_short" and "至少 8" in error_text(short.value)
    with pytest.raises(InvalidInput) as unknown:
        write(demo_db, identity.add_user, "rooty", "根", "long-enough", ["root"])
    assert unknown.value.key == "identity.unknown_roles" and unknown.value.params["roles"] == ["root"]
    with pytest.raises(NotFound) as ghost:
        write(demo_db, identity.disable_user, "ghost")
    assert ghost.value.key == "identity.user_missing"
    with pytest.raises(InvalidInput) as own:
        write(demo_db, identity.disable_user, "admin")
    assert own.value.key == "identity.cannot_disable_self"


def test_only_admins_list_accounts_and_tokens(demo_db: str) -> None:
    leader = Actor("leader", "王", frozenset({"leader"}))
    with pytest.raises(PermissionDenied):
        read(demo_db, identity.list_users, leader)
    with pytest.raises(PermissionDenied):
        read(demo_db, identity.list_kiosk_tokens, leader)
    assert "password_hash" not in read(demo_db, identity.list_users, ADMIN).columns


def test_a_kiosk_token_signs_in_a_read_only_wall_screen_until_revoked(demo_db: str) -> None:
    new = write(demo_db, identity.create_kiosk_token, "指挥中心一号屏")
    assert len(new.token) >= 40
    actor = read(demo_db, identity.kiosk_actor, new.token)
    assert actor is not None and actor.roles == {"wallscreen"} and not actor.sees_personal_data
    listed = read(demo_db, identity.list_kiosk_tokens, ADMIN)
    assert new.token not in listed.to_csv()
    assert write(demo_db, identity.revoke_kiosk_token, new.id, reason="屏幕报废") == 1
    assert read(demo_db, identity.kiosk_actor, new.token) is None
    assert read(demo_db, identity.kiosk_actor_by_id, new.id) is None
    assert read(demo_db, identity.kiosk_actor, new.token[:-1] + "x") is None
    assert [e["action"] for e in _audit(demo_db, "kiosk.revoke")] == ["kiosk.revoke"]


def test_only_a_hash_of_the_kiosk_token_is_stored(demo_db: str) -> None:
    new = write(demo_db, identity.create_kiosk_token, "二号屏")
    from sqlalchemy import text

    with session_scope(demo_db) as s:
        stored = [r[0] for r in s.execute(text("SELECT token_hash FROM kiosk_token"))]
    assert new.token not in stored and identity.kiosk.token_hash(new.token) in stored


def test_the_demo_kiosk_token_works_and_revoking_by_name_ends_it(demo_db: str) -> None:
    assert read(demo_db, identity.kiosk_actor, demo_accounts.DEMO_KIOSK_TOKEN) is not None
    assert write(demo_db, identity.revoke_kiosk_token, "演示大屏") == 1
    assert read(demo_db, identity.kiosk_actor, demo_accounts.DEMO_KIOSK_TOKEN) is None


def test_external_identities_get_roles_from_groups_and_a_local_accounts_scope(demo_db: str) -> None:
    mapping = identity.parse_group_mapping("cc-leaders=leader,cc-ops=coordinator,screens=wallscreen")
    a = read(demo_db, identity.external_actor, "sso-li", "李", ["cc-leaders"], mapping)
    assert a is not None and a.roles == {"leader"} and a.streets is None
    assert read(demo_db, identity.external_actor, "sso-li", "李", ["staff"], mapping) is None
    assert read(demo_db, identity.external_actor, "sso-li", "李", ["screens"], mapping) is None  # screens: token only
    merged = read(demo_db, identity.external_actor, "coordinator2", None, ["cc-leaders"], mapping)
    assert merged is not None and merged.roles == {"leader", "coordinator"} and len(merged.streets or ()) == 2
    write(demo_db, identity.disable_user, "coordinator2")
    assert read(demo_db, identity.external_actor, "coordinator2", None, ["cc-leaders"], mapping) is None


def test_demo_accounts_are_listed_only_for_a_demo_database(demo_db: str, empty_db: str) -> None:
    from core.storage.db import migrate

    assert [a.username for a in demo_accounts.demo_logins(demo_db)][0] == "leader"
    migrate(empty_db)
    assert demo_accounts.demo_logins(empty_db) == []
    assert read(empty_db, identity.count_users) == 0
