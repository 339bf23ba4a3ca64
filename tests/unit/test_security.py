from __future__ import annotations

import pytest

from core.model.actor import Actor, require, write_service
from core.model.errors import PermissionDenied


def _actor(*roles: str, streets: frozenset[str] | None = None) -> Actor:
    return Actor("u", "测试用户", frozenset(roles), streets)


def test_require_refuses_a_missing_role_with_a_chinese_message() -> None:
    with pytest.raises(PermissionDenied, match="调度员"):
        require(_actor("leader"), "coordinator")


def test_require_refuses_streets_outside_the_scope() -> None:
    a = _actor("coordinator", streets=frozenset({"420102001"}))
    require(a, "coordinator", streets=["420102001"])
    with pytest.raises(PermissionDenied, match="420102002"):
        require(a, "coordinator", streets=["420102001", "420102002"])


def test_a_wall_screen_can_never_write() -> None:
    with pytest.raises(PermissionDenied):
        require(_actor("wallscreen", "admin"), "admin")


def test_write_service_checks_the_role_before_running() -> None:
    ran: list[int] = []

    @write_service("clerk")
    def do(actor: Actor, x: int) -> int:
        ran.append(x)
        return x

    with pytest.raises(PermissionDenied):
        do(_actor("leader"), 1)
    assert ran == []
    assert do(_actor("clerk"), 2) == 2 and ran == [2]
    with pytest.raises(PermissionDenied):
        do(None, 3)
