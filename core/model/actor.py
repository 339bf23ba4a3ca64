"""Who is acting, and may they? Roles and scopes, checked in core by every service that writes.

Roles (a person may hold several): leader (views everything except personal data), coordinator
(moves cadres, applies plans), planner (what-if scenarios, which a leader may keep too), clerk (imports data), admin (users,
norms, settings) and wallscreen (read-only kiosk). A scope is the whole district (``streets=None``)
or a set of street codes.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from core.model.errors import FangxianError, PermissionDenied

ROLES = ("leader", "coordinator", "planner", "clerk", "admin", "wallscreen")
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
SYSTEM = Actor("system", "system", frozenset({"admin"}))


def role_names(roles: Iterable[str]) -> FangxianError:
    """The names of ``roles`` as one phrase in the reader's language (``role.<code>`` joined by
    ``role.and``), for an error parameter: the front end translates each role."""
    names = [FangxianError(f"role.{r}") for r in roles]
    if not names:
        return FangxianError("role.none")
    out = names[-1]
    for name in reversed(names[:-1]):
        out = FangxianError("role.and", first=name, rest=out)
    return out


def require(actor: Actor | None, *roles: str, streets: Iterable[str | None] = ()) -> Actor:
    """Raise PermissionDenied unless ``actor`` holds one of ``roles`` and every street is in scope."""
    if actor is None:
        raise PermissionDenied("auth.denied.signed_out")
    if "wallscreen" in actor.roles and not (set(roles) & {"wallscreen"}):
        raise PermissionDenied("auth.denied.wallscreen")
    if roles and not actor.has(*roles):
        raise PermissionDenied("auth.denied.roles", user=actor.username, roles=list(roles),
                               wanted=role_names(roles))
    out = [s for s in streets if not actor.in_scope(s)]
    if out:
        raise PermissionDenied("auth.denied.streets", user=actor.username, streets=[str(s) for s in out])
    return actor


# --- the registry of write services -------------------------------------------------------------

#: "module.function" -> the roles allowed to call it; the role tests walk this table
WRITE_SERVICES: dict[str, frozenset[str]] = {}

_F = TypeVar("_F", bound=Callable[..., Any])


def write_service(*roles: str) -> Callable[[_F], _F]:
    """Mark a service that writes, ``f(uow, actor, ...)``: the role is checked before anything else
    runs (street scope is checked by the service, which knows the streets)."""

    def wrap(fn: _F) -> _F:
        names = list(inspect.signature(fn).parameters)
        if names[:2] != ["uow", "actor"]:  # the guard finds the actor by position
            raise TypeError(f"{fn.__qualname__}: a write service takes (uow, actor, ...), not {names[:2]}")
        WRITE_SERVICES[f"{fn.__module__}.{fn.__qualname__}"] = frozenset(roles)

        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            actor = args[1] if len(args) > 1 else kwargs.get("actor")
            require(actor, *roles)
            return fn(*args, **kwargs)

        guarded.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return wrap
