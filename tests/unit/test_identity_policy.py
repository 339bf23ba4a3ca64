"""Identity rules on plain data: session timeout, role parsing, group-to-role mapping."""

from __future__ import annotations

import datetime as dt

import pytest

from core.i18n import error_text
from core.model.errors import InvalidInput
from core.model.identity_policy import (
    actor_of,
    parse_group_mapping,
    parse_roles,
    roles_from_groups,
    session_expired,
    session_timeout,
    split_groups,
)

T0 = dt.datetime(2026, 11, 29, 9, 0)


def test_the_session_timeout_defaults_to_thirty_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FANGXIAN_SESSION_TIMEOUT_MIN", raising=False)
    assert session_timeout() == dt.timedelta(minutes=30)
    assert not session_expired(T0, T0 + dt.timedelta(minutes=29))
    assert session_expired(T0, T0 + dt.timedelta(minutes=31))


def test_the_session_timeout_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FANGXIAN_SESSION_TIMEOUT_MIN", "5")
    assert session_expired(T0, T0 + dt.timedelta(minutes=6))
    monkeypatch.setenv("FANGXIAN_SESSION_TIMEOUT_MIN", "not a number")
    assert session_timeout() == dt.timedelta(minutes=30)


def test_unknown_roles_are_refused_with_the_unknown_codes() -> None:
    assert parse_roles("leader, admin") == {"leader", "admin"}
    with pytest.raises(InvalidInput) as refused:
        parse_roles(["leader", "root"])
    assert refused.value.key == "identity.unknown_roles" and refused.value.params["roles"] == ["root"]
    assert error_text(refused.value).startswith("未知角色：root（可用：leader、")


def test_group_mappings_read_from_text_json_or_a_table() -> None:
    expected = {"cc-leaders": frozenset({"leader"}), "cc-ops": frozenset({"coordinator", "planner"})}
    assert parse_group_mapping("cc-leaders=leader, cc-ops=coordinator+planner") == expected
    assert parse_group_mapping('{"cc-leaders": "leader", "cc-ops": ["coordinator", "planner"]}') == expected
    assert parse_group_mapping({"cc-leaders": "leader", "cc-ops": "coordinator planner", "x": "root"}) == expected
    assert parse_group_mapping(None) == {}


def test_roles_come_only_from_mapped_groups() -> None:
    mapping = parse_group_mapping("cc-leaders=leader,cc-admins=admin")
    assert roles_from_groups(split_groups("cc-leaders; staff"), mapping) == {"leader"}
    assert roles_from_groups(split_groups(["cc-admins", "cc-leaders"]), mapping) == {"leader", "admin"}
    assert roles_from_groups(split_groups("leader admin"), mapping) == frozenset()  # a role name is not a group


def test_an_account_row_becomes_an_actor_with_its_scope() -> None:
    a = actor_of({"username": "zhao", "display_name": "赵", "roles": "coordinator", "streets": "S1,S2"})
    assert a.roles == {"coordinator"} and a.streets == {"S1", "S2"}
    assert actor_of({"username": "li", "display_name": "", "roles": "leader", "streets": None}).streets is None
