"""Who is acting, and may they? Roles and scopes, checked in core by every service that writes.

Roles (a person may hold several): leader (views everything except personal data), coordinator
(moves cadres, applies plans), planner (what-if scenarios), clerk (imports data), admin (users,
norms, settings) and wallscreen (read-only kiosk). A scope is the whole district (``streets=None``)
or a set of street codes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from core.model.errors import PermissionDenied

ROLES = ("leader", "coordinator", "planner", "clerk", "admin", "wallscreen")
ROLE_ZH = {
    "leader": "指挥长",
    "coordinator": "调度员",
    "planner": "研判员",
    "clerk": "数据录入员",
    "admin": "系统管理员",
    "wallscreen": "大屏",
}
#: roles that may see personal data (names and phones of key persons and residents) in full
PERSONAL_DATA_ROLES = frozenset({"coordinator", "admin"})


@dataclass(frozen=True, slots=True)
class Actor:
    """The person (or screen, or system job) behind an action."""

    username: str
    display_name: str
    roles: frozenset[str]
    streets: frozenset[str] | None = None  # None: the whole district

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def in_scope(self, street_code: str | None) -> bool:
        return self.streets is None or (street_code is not None and street_code in self.streets)

    @property
    def sees_personal_data(self) -> bool:
        return bool(self.roles & PERSONAL_DATA_ROLES) and "wallscreen" not in self.roles


#: the system itself (first-run seeding, scheduled jobs); never a person's identity
SYSTEM = Actor("system", "系统", frozenset({"admin"}))


def require(actor: Actor | None, *roles: str, streets: Iterable[str | None] = ()) -> Actor:
    """Raise PermissionDenied unless ``actor`` holds one of ``roles`` and every street is in scope."""
    if actor is None:
        raise PermissionDenied("未登录")
    if "wallscreen" in actor.roles and not (set(roles) & {"wallscreen"}):
        raise PermissionDenied("大屏账号只能查看")
    if roles and not actor.has(*roles):
        wanted = "、".join(ROLE_ZH.get(r, r) for r in roles)
        raise PermissionDenied(f"{actor.display_name} 没有 {wanted} 权限", roles=roles)
    out = [s for s in streets if not actor.in_scope(s)]
    if out:
        raise PermissionDenied(f"{actor.display_name} 无权操作辖区外的街道：{'、'.join(str(s) for s in out)}",
                               streets=out)
    return actor


# --- the registry of write services -------------------------------------------------------------

#: "module.function" -> the roles allowed to call it; the role tests walk this table
WRITE_SERVICES: dict[str, frozenset[str]] = {}

_F = TypeVar("_F", bound=Callable[..., Any])


def write_service(*roles: str) -> Callable[[_F], _F]:
    """Mark a service that writes, ``f(uow, actor, ...)``: the role is checked before anything else
    runs (street scope is checked by the service, which knows the streets).

    TRANSITIONAL: services not yet on units of work take the actor first, ``f(actor, url, ...)``;
    both are recognised by where the ``Actor`` is."""

    def wrap(fn: _F) -> _F:
        WRITE_SERVICES[f"{fn.__module__}.{fn.__qualname__}"] = frozenset(roles)

        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            first_is_actor = bool(args) and (args[0] is None or isinstance(args[0], Actor))
            actor = args[0] if first_is_actor else (args[1] if len(args) > 1 else kwargs.get("actor"))
            require(actor, *roles)
            return fn(*args, **kwargs)

        guarded.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return wrap
