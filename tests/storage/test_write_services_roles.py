"""Every write service against every role: the role is checked in core before anything runs.

The table is built from core.model.actor.WRITE_SERVICES after importing every module under core/, so a
service added anywhere is covered without editing this file.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest

import core
from core.model.actor import ROLES, WRITE_SERVICES, Actor
from core.model.errors import PermissionDenied


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


@pytest.mark.parametrize(("name", "role", "allowed"), CASES)
def test_each_role_is_refused_or_admitted_by_each_write_service(name: str, role: str, allowed: bool) -> None:
    fn = _service(name)
    actor = Actor(f"test-{role}", "测试", frozenset({role}))
    # called with the actor only: the service body would fail on its missing arguments, so a
    # PermissionDenied proves the guard answered before the body ran
    if not allowed:
        with pytest.raises(PermissionDenied):
            fn(actor)
        return
    try:
        fn(actor)
    except PermissionDenied as exc:  # pragma: no cover - the failure message is the point
        pytest.fail(f"{name} refused its own role {role}: {exc.message}")
    except Exception:  # noqa: BLE001 - missing arguments etc.: the guard let the call through
        pass


@pytest.mark.parametrize("name", [n for n, _ in SERVICES])
def test_a_wall_screen_and_a_signed_out_caller_are_refused_everywhere(name: str) -> None:
    fn = _service(name)
    for role in WRITE_SERVICES[name]:
        with pytest.raises(PermissionDenied):
            fn(Actor("kiosk:1", "大屏", frozenset({role, "wallscreen"})))
    with pytest.raises(PermissionDenied):
        fn(None)
