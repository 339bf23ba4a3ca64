"""Every write service against every role: the role is checked in core before anything runs.

The table is built from core.model.actor.WRITE_SERVICES after importing every module under core/, so a
service added anywhere is covered without editing this file.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest

import core
from core.model.actor import ROLES, WRITE_SERVICES, Actor
from core.model.errors import InvalidInput, PermissionDenied


def _import_all_core_modules() -> list[str]:
    # Alembic's scripts (env.py, versions/) run only inside Alembic; they hold no services
    names = [i.name for i in pkgutil.walk_packages(core.__path__, "core.")
             if not i.name.startswith("core.storage.migrations")]
    for name in names:
        importlib.import_module(name)
    return names


MODULES = _import_all_core_modules()
SERVICES = sorted(WRITE_SERVICES.items())
CASES = [pytest.param(name, role, role in allowed, id=f"{name}-{role}") for name, allowed in SERVICES for role in ROLES]


def _service(name: str) -> Callable[..., Any]:
    module, _, attr = name.rpartition(".")
    return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]


@pytest.fixture(autouse=True)
def _throwaway_database(empty_sqlite: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever an allowed call reaches for by default is an empty scratch database."""
    monkeypatch.setenv("FANGXIAN_DATABASE_URL", empty_sqlite)


def test_every_core_module_imports_and_the_registry_holds_the_account_services() -> None:
    assert "core.services.identity.accounts" in MODULES
    assert {"core.services.identity.accounts.add_user", "core.services.identity.accounts.set_password",
            "core.services.identity.accounts.disable_user", "core.services.identity.accounts.enable_user",
            "core.services.identity.accounts.set_roles", "core.services.identity.kiosk.create_kiosk_token",
            "core.services.identity.kiosk.revoke_kiosk_token"} <= set(WRITE_SERVICES)
    assert all(allowed and allowed <= set(ROLES) for allowed in WRITE_SERVICES.values())


class Reached(Exception):  # noqa: N818 - a signal, not an error
    """The service body touched one of its arguments: the role check had let the call through."""


class Sentinel:
    """Stands for every argument but the actor (the unit of work, a URL, ids, texts): any use of it
    (an attribute, a truth test, a comparison, iteration, formatting) raises ``Reached``."""

    def __getattr__(self, name: str) -> Any:
        raise Reached(name)

    def _reached(self, *args: Any, **kwargs: Any) -> Any:
        raise Reached("operator")

    __bool__ = __len__ = __iter__ = __str__ = __format__ = __int__ = __float__ = __index__ = _reached
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = __contains__ = _reached  # type: ignore[assignment]
    __getitem__ = __call__ = __add__ = __radd__ = __fspath__ = __enter__ = _reached  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "Sentinel()"


def _call(fn: Callable[..., Any], actor: Actor | None) -> Any:
    """Call a write service with ``actor`` and a Sentinel for every other required argument (the unit
    of work first, ``f(uow, actor, ...)``)."""
    inner = inspect.unwrap(fn)
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for param in inspect.signature(inner).parameters.values():
        value = actor if param.name == "actor" else Sentinel()
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            if param.default is param.empty or param.name == "actor":
                args.append(value)
        elif param.kind == param.KEYWORD_ONLY and param.default is param.empty:
            kwargs[param.name] = value
    return fn(*args, **kwargs)


@pytest.mark.parametrize(("name", "role", "allowed"), CASES)
def test_each_role_is_refused_or_admitted_by_each_write_service(name: str, role: str, allowed: bool) -> None:
    fn = _service(name)
    actor = Actor(f"test-{role}", "测试", frozenset({role}))
    # every argument but the actor is a Sentinel: PermissionDenied proves the guard answered before the
    # body ran, and Reached (or the service's own check of its arguments) that it let the call through
    if not allowed:
        with pytest.raises(PermissionDenied):
            _call(fn, actor)
        return
    with pytest.raises((Reached, InvalidInput)) as passed:
        _call(fn, actor)
    assert not isinstance(passed.value, PermissionDenied), f"{name} refused its own role {role}"


def test_the_sentinel_tells_a_passed_check_from_a_refused_one() -> None:
    from core.model.actor import write_service

    @write_service("admin")
    def touch(uow: Any, actor: Actor, name: str) -> None:
        uow.audit.append(name=name)

    with pytest.raises(Reached):
        _call(touch, Actor("a", "a", frozenset({"admin"})))
    with pytest.raises(PermissionDenied):
        _call(touch, Actor("c", "c", frozenset({"clerk"})))


@pytest.mark.parametrize("name", [n for n, _ in SERVICES])
def test_a_wall_screen_and_a_signed_out_caller_are_refused_everywhere(name: str) -> None:
    fn = _service(name)
    for role in WRITE_SERVICES[name]:
        with pytest.raises(PermissionDenied):
            _call(fn, Actor("kiosk:1", "大屏", frozenset({role, "wallscreen"})))
    with pytest.raises(PermissionDenied):
        _call(fn, None)
