"""Identities vouched for by someone else: an OIDC provider (st.login) or a trusted reverse proxy.

Roles come from the provider's groups through a configured mapping (group -> roles); a local account
with the same user name adds its roles and street scope, and a disabled local account refuses entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from core.model.actor import Actor
from core.model.identity_policy import actor_of, roles_from_groups
from core.services.identity.accounts import scoped
from core.services.uow import UnitOfWork


def external_actor(uow: UnitOfWork, username: str, display_name: str | None, groups: Iterable[str],
                   mapping: Mapping[str, frozenset[str]]) -> Actor | None:
    """The Actor for an externally authenticated user, or None when they hold no role here."""
    username = (username or "").strip()
    if not username:
        return None
    roles = set(roles_from_groups(groups, mapping)) - {"wallscreen"}  # screens only sign in by token
    streets = communities = grids = None
    staff_id = None
    local = uow.identity.get_user(username)
    if local is not None:
        if local["disabled"]:
            return None
        own = actor_of(local)
        roles |= own.roles
        streets, communities, grids, staff_id = own.streets, own.communities, own.grids, local["staff_id"]
        display_name = display_name or own.display_name
    if not roles:
        return None
    return scoped(uow, Actor(username=username, display_name=display_name or username, roles=frozenset(roles),
                             streets=streets, communities=communities, grids=grids), staff_id)
