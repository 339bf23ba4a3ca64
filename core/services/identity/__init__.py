"""Who may sign in, and how: local accounts, OIDC or proxy identities, and kiosk tokens.

The guard on every write is core.model.actor (roles and street scope); this package answers "who is
this?" and manages the accounts.
"""

from core.model.identity_policy import (
    AccountDisabled,
    AccountLocked,
    AuthenticationFailed,
    parse_group_mapping,
    session_expired,
    session_timeout,
    split_groups,
)
from core.services.identity import sessions
from core.services.identity.accounts import (
    SignIn,
    add_user,
    authenticate,
    count_users,
    disable_user,
    enable_user,
    hash_password,
    list_users,
    load_actor,
    set_password,
    set_roles,
    verify_password,
)
from core.services.identity.external import external_actor
from core.services.identity.kiosk import (
    NewToken,
    create_kiosk_token,
    kiosk_actor,
    kiosk_actor_by_id,
    list_kiosk_tokens,
    revoke_kiosk_token,
)

__all__ = [
    "AccountDisabled", "AccountLocked",
    "AuthenticationFailed", "NewToken", "SignIn", "add_user", "authenticate", "count_users", "create_kiosk_token", "disable_user", "enable_user", "external_actor", "hash_password",
    "kiosk_actor", "kiosk_actor_by_id", "list_kiosk_tokens", "list_users", "load_actor",
    "parse_group_mapping", "revoke_kiosk_token", "session_expired", "session_timeout", "set_password",
    "sessions", "set_roles", "split_groups", "verify_password",
]
