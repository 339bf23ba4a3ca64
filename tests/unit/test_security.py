from __future__ import annotations

import pytest

from core.i18n import error_text
from core.model.actor import Actor, require, write_service
from core.model.errors import PermissionDenied


def _actor(*roles: str, streets: frozenset[str] | None = None) -> Actor:
    return Actor("u", "测试用户", frozenset(roles), streets)


def test_require_refuses_a_missing_role_with_a_key_naming_the_roles() -> None:
    with pytest.raises(PermissionDenied) as denied:
        require(_actor("leader"), "coordinator", "admin")
    assert denied.value.key == "auth.denied.roles" and denied.value.params["roles"] == ["coordinator", "admin"]


def test_the_missing_roles_are_named_in_the_reader_s_language() -> None:
    with pytest.raises(PermissionDenied) as denied:
        require(_actor("leader"), "coordinator", "admin")
    assert error_text(denied.value, "zh") == "u 没有 调度员、系统管理员 权限"
    assert error_text(denied.value, "en") == "u does not hold the role Coordinator, Administrator"


def test_require_refuses_streets_outside_the_scope() -> None:
    a = _actor("coordinator", streets=frozenset({"420102001"}))
    require(a, "coordinator", streets=["420102001"])
    with pytest.raises(PermissionDenied) as denied:
        require(a, "coordinator", streets=["420102001", "420102002"])
    assert denied.value.key == "auth.denied.streets" and denied.value.params["streets"] == ["420102002"]
    assert "420102002" in error_text(denied.value)


def test_a_signed_out_caller_and_a_screen_get_their_own_keys() -> None:
    with pytest.raises(PermissionDenied) as signed_out:
        require(None, "admin")
    with pytest.raises(PermissionDenied) as screen:
        require(_actor("wallscreen", "admin"), "admin")
    assert (signed_out.value.key, screen.value.key) == ("auth.denied.signed_out", "auth.denied.wallscreen")


def test_a_wall_screen_can_never_write() -> None:
    with pytest.raises(PermissionDenied):
        require(_actor("wallscreen", "admin"), "admin")


def test_write_service_checks_the_role_before_running() -> None:
    ran: list[int] = []

    @write_service("clerk")
    def do(uow: object, actor: Actor, x: int) -> int:
        ran.append(x)
        return x

    with pytest.raises(PermissionDenied):
        do(None, _actor("leader"), 1)
    assert ran == []
    assert do(None, _actor("clerk"), 2) == 2 and ran == [2]
    assert do(None, actor=_actor("clerk"), x=4) == 4
    with pytest.raises(PermissionDenied):
        do(None, None, 3)


def test_a_write_service_must_take_the_unit_of_work_then_the_actor() -> None:
    import pytest

    from core.model.actor import write_service

    with pytest.raises(TypeError):
        @write_service("admin")
        def wrong(actor, uow) -> None:  # type: ignore[no-untyped-def]
            pass
