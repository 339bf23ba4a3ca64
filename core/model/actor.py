"""Who is acting, and may they? Roles and scopes, checked in core by every service that writes.

Roles (a person may hold several): leader (views everything except personal data), coordinator
(moves cadres, applies plans), planner (what-if scenarios, which a leader may keep too), clerk (imports data), admin (users,
norms, settings), wallscreen (read-only kiosk), and the front line on the phone: grid_member (网格员,
enters what they see in their grids) and community_staff (社区工作人员 / 社区书记, the same for a whole
community). A scope is the whole district (``streets=None``) or a set of street codes; a front-line account
is narrowed further to communities (codes) or grids (codes), and its streets are the streets of those
places, so a check by street alone never lets it out of its street.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from core.model.errors import FangxianError, PermissionDenied

ROLES = ("leader", "coordinator", "planner", "clerk", "admin", "wallscreen", "grid_member", "community_staff")
#: the front line: accounts scoped to grids or a community, who work on the phone pages
FRONT_LINE_ROLES = frozenset({"grid_member", "community_staff"})
#: roles that may see personal data (names and phones of key persons and residents) in full
PERSONAL_DATA_ROLES = frozenset({"coordinator", "admin"})


@dataclass(frozen=True, slots=True)
class Actor:
    """The person (or screen, or system job) behind an action."""

    username: str
    display_name: str
    roles: frozenset[str]
    streets: frozenset[str] | None = None  # None: the whole district
    communities: frozenset[str] | None = None  # None: every community of its streets
    grids: frozenset[str] | None = None  # None: every grid of its communities

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def in_scope(self, street_code: str | None) -> bool:
        return self.streets is None or (street_code is not None and street_code in self.streets)

    def in_place(self, street_code: str | None, community_code: str | None = None,
                 grid_code: str | None = None) -> bool:
        """True when the place (a street, a community of it, a grid of that) is inside the scope: a
        grid-scoped account reaches only its grids, a community-scoped one only its communities."""
        if not self.in_scope(street_code):
            return False
        if self.communities is not None and (community_code is None or community_code not in self.communities):
            return False
        return self.grids is None or (grid_code is not None and grid_code in self.grids)

    @property
    def front_line(self) -> bool:
        """An account of the phone pages only (no desk role besides)."""
        return bool(self.roles) and self.roles <= FRONT_LINE_ROLES

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


Place = tuple[str | None, str | None, str | None]  # (street code, community code, grid code)


def require(actor: Actor | None, *roles: str, streets: Iterable[str | None] = (),
            places: Iterable[Place] = ()) -> Actor:
    """Raise PermissionDenied unless ``actor`` holds one of ``roles``, every street is in scope and
    every place (street, community, grid) is inside the account's communities and grids."""
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
    outside = [p for p in places if not actor.in_place(*p)]
    if outside:
        raise PermissionDenied("auth.denied.places", user=actor.username,
                               places=[str(p[2] or p[1] or p[0]) for p in outside])
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
