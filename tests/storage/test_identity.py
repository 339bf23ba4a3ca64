"""Accounts and kiosk tokens on SQLite and PostgreSQL: sign-in, lockout, disabling, roles, tokens."""

from __future__ import annotations

import datetime as dt

import pytest

from core.demo import accounts as demo_accounts
from core.model.actor import Actor
from core.model.errors import InvalidInput, NotFound, PermissionDenied
from core.model.identity_policy import utcnow
from core.services import identity
from core.storage.db import session_scope
from core.storage.repositories import audit_repo as audit_query

ADMIN = Actor("admin", "周管理员", frozenset({"admin"}))


def _audit(url: str, action: str) -> list[dict]:  # type: ignore[type-arg]
    with session_scope(url) as s:
        return audit_query.entries(s, actions=[action]).to_dict("records")


def test_the_demo_has_one_account_per_role_and_a_scoped_coordinator(demo_db: str) -> None:
    users = identity.list_users(ADMIN, demo_db).set_index("username")
    assert {r for rs in users["roles"] for r in rs.split(",")} == {"leader", "coordinator", "planner", "clerk", "admin"}
    scoped = identity.authenticate(demo_db, "coordinator2", demo_accounts.DEMO_PASSWORD)
    assert scoped.streets is not None and len(scoped.streets) == 2
    assert identity.authenticate(demo_db, "leader", demo_accounts.DEMO_PASSWORD).streets is None


def test_passwords_are_stored_as_salted_argon2_hashes(demo_db: str) -> None:
    identity.add_user(ADMIN, demo_db, "wang", "王五", "correct horse", ["planner"])
    with session_scope(demo_db) as s:
        from core.storage.repositories.identity_repo import get_user

        a, b = get_user(s, "wang")["password_hash"], get_user(s, "leader")["password_hash"]
    assert a.startswith("$argon2id$") and "correct horse" not in a
    assert a != b
    assert identity.authenticate(demo_db, "wang", "correct horse").roles == {"planner"}


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(demo_db: str) -> None:
    with pytest.raises(identity.AuthenticationFailed) as wrong:
        identity.authenticate(demo_db, "leader", "nope-nope")
    with pytest.raises(identity.AuthenticationFailed) as unknown:
        identity.authenticate(demo_db, "nobody", "nope-nope")
    assert wrong.value.message == unknown.value.message == "用户名或密码错误"


def test_five_failures_lock_the_account_for_fifteen_minutes(demo_db: str) -> None:
    now = utcnow()
    for _ in range(5):
        with pytest.raises(identity.AuthenticationFailed):
            identity.authenticate(demo_db, "clerk", "wrong-password", now=now)
    with pytest.raises(identity.AccountLocked, match="15 分钟"):
        identity.authenticate(demo_db, "clerk", demo_accounts.DEMO_PASSWORD, now=now + dt.timedelta(seconds=1))
    with pytest.raises(identity.AccountLocked):
        identity.authenticate(demo_db, "clerk", demo_accounts.DEMO_PASSWORD, now=now + dt.timedelta(minutes=14))
    actor = identity.authenticate(demo_db, "clerk", demo_accounts.DEMO_PASSWORD, now=now + dt.timedelta(minutes=16))
    assert actor.roles == {"clerk"}
    assert [e["actor"] for e in _audit(demo_db, "user.lockout")] == ["clerk"]


def test_four_failures_then_a_success_reset_the_count(demo_db: str) -> None:
    for _ in range(4):
        with pytest.raises(identity.AuthenticationFailed):
            identity.authenticate(demo_db, "planner", "wrong-password")
    identity.authenticate(demo_db, "planner", demo_accounts.DEMO_PASSWORD)
    for _ in range(4):
        with pytest.raises(identity.AuthenticationFailed):
            identity.authenticate(demo_db, "planner", "wrong-password")
    assert identity.authenticate(demo_db, "planner", demo_accounts.DEMO_PASSWORD).username == "planner"


def test_a_disabled_account_cannot_sign_in_and_its_session_ends(demo_db: str) -> None:
    assert identity.load_actor(demo_db, "planner") is not None
    identity.disable_user(ADMIN, demo_db, "planner", reason="离岗")
    with pytest.raises(identity.AccountDisabled):
        identity.authenticate(demo_db, "planner", demo_accounts.DEMO_PASSWORD)
    assert identity.load_actor(demo_db, "planner") is None
    identity.enable_user(ADMIN, demo_db, "planner")
    assert identity.load_actor(demo_db, "planner") is not None
    entries = _audit(demo_db, "user.disable")
    assert entries[0]["actor"] == "admin" and entries[0]["reason"] == "离岗"
    assert entries[0]["after"] == {"disabled": True}


def test_roles_and_scope_changes_apply_on_the_next_check_and_are_audited(demo_db: str) -> None:
    identity.set_roles(ADMIN, demo_db, "clerk", ["clerk", "planner"], ["420102001"])
    actor = identity.load_actor(demo_db, "clerk")
    assert actor is not None and actor.roles == {"clerk", "planner"} and actor.streets == {"420102001"}
    entry = _audit(demo_db, "user.set_roles")[0]
    assert entry["before"]["roles"] == "clerk" and entry["after"]["streets"] == "420102001"


def test_a_new_password_works_and_lifts_a_lockout(demo_db: str) -> None:
    for _ in range(5):
        with pytest.raises(identity.AuthenticationFailed):
            identity.authenticate(demo_db, "leader", "wrong-password")
    identity.set_password(ADMIN, demo_db, "leader", "new-password-1")
    assert identity.authenticate(demo_db, "leader", "new-password-1").username == "leader"
    with pytest.raises(identity.AuthenticationFailed):
        identity.authenticate(demo_db, "leader", demo_accounts.DEMO_PASSWORD)


def test_bad_account_input_is_refused_with_chinese_messages(demo_db: str) -> None:
    with pytest.raises(InvalidInput, match="已存在"):
        identity.add_user(ADMIN, demo_db, "leader", "重复", "long-enough", ["leader"])
    with pytest.raises(InvalidInput, match="至少 8"):
        identity.add_user(ADMIN, demo_db, "short", "短", "1234", ["leader"])
    with pytest.raises(InvalidInput, match="未知角色"):
        identity.add_user(ADMIN, demo_db, "rooty", "根", "long-enough", ["root"])
    with pytest.raises(NotFound):
        identity.disable_user(ADMIN, demo_db, "ghost")
    with pytest.raises(InvalidInput, match="自己"):
        identity.disable_user(ADMIN, demo_db, "admin")


def test_only_admins_list_accounts_and_tokens(demo_db: str) -> None:
    leader = Actor("leader", "王", frozenset({"leader"}))
    with pytest.raises(PermissionDenied):
        identity.list_users(leader, demo_db)
    with pytest.raises(PermissionDenied):
        identity.list_kiosk_tokens(leader, demo_db)
    assert "password_hash" not in identity.list_users(ADMIN, demo_db).columns


def test_a_kiosk_token_signs_in_a_read_only_wall_screen_until_revoked(demo_db: str) -> None:
    new = identity.create_kiosk_token(ADMIN, demo_db, "指挥中心一号屏")
    assert len(new.token) >= 40
    actor = identity.kiosk_actor(demo_db, new.token)
    assert actor is not None and actor.roles == {"wallscreen"} and not actor.sees_personal_data
    listed = identity.list_kiosk_tokens(ADMIN, demo_db)
    assert new.token not in listed.to_csv()
    assert identity.revoke_kiosk_token(ADMIN, demo_db, new.id, reason="屏幕报废") == 1
    assert identity.kiosk_actor(demo_db, new.token) is None
    assert identity.kiosk_actor_by_id(demo_db, new.id) is None
    assert identity.kiosk_actor(demo_db, new.token[:-1] + "x") is None
    assert [e["action"] for e in _audit(demo_db, "kiosk.revoke")] == ["kiosk.revoke"]


def test_only_a_hash_of_the_kiosk_token_is_stored(demo_db: str) -> None:
    new = identity.create_kiosk_token(ADMIN, demo_db, "二号屏")
    from sqlalchemy import text

    with session_scope(demo_db) as s:
        stored = [r[0] for r in s.execute(text("SELECT token_hash FROM kiosk_token"))]
    assert new.token not in stored and identity.kiosk.token_hash(new.token) in stored


def test_the_demo_kiosk_token_works_and_revoking_by_name_ends_it(demo_db: str) -> None:
    assert identity.kiosk_actor(demo_db, demo_accounts.DEMO_KIOSK_TOKEN) is not None
    assert identity.revoke_kiosk_token(ADMIN, demo_db, "演示大屏") == 1
    assert identity.kiosk_actor(demo_db, demo_accounts.DEMO_KIOSK_TOKEN) is None


def test_external_identities_get_roles_from_groups_and_a_local_accounts_scope(demo_db: str) -> None:
    mapping = identity.parse_group_mapping("cc-leaders=leader,cc-ops=coordinator,screens=wallscreen")
    a = identity.external_actor(demo_db, "sso-li", "李", ["cc-leaders"], mapping)
    assert a is not None and a.roles == {"leader"} and a.streets is None
    assert identity.external_actor(demo_db, "sso-li", "李", ["staff"], mapping) is None
    assert identity.external_actor(demo_db, "sso-li", "李", ["screens"], mapping) is None  # screens: token only
    merged = identity.external_actor(demo_db, "coordinator2", None, ["cc-leaders"], mapping)
    assert merged is not None and merged.roles == {"leader", "coordinator"} and len(merged.streets or ()) == 2
    identity.disable_user(ADMIN, demo_db, "coordinator2")
    assert identity.external_actor(demo_db, "coordinator2", None, ["cc-leaders"], mapping) is None


def test_demo_accounts_are_listed_only_for_a_demo_database(demo_db: str, empty_db: str) -> None:
    from core.storage.db import migrate

    assert [a.username for a in demo_accounts.demo_logins(demo_db)][0] == "leader"
    migrate(empty_db)
    assert demo_accounts.demo_logins(empty_db) == []
    assert identity.count_users(empty_db) == 0
