"""Who may sign in, and how: local accounts, OIDC or proxy identities, and kiosk tokens.

The guard on every write is core.security (roles and street scope); this package answers "who is
this?" and manages the accounts.
"""

from core.identity.accounts import (
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
from core.identity.demo import (
    DEMO_ACCOUNTS,
    DEMO_KIOSK_TOKEN,
    DEMO_PASSWORD,
    create_demo_accounts,
    demo_logins,
)
from core.identity.external import external_actor
from core.identity.kiosk import (
    NewToken,
    create_kiosk_token,
    kiosk_actor,
    kiosk_actor_by_id,
    list_kiosk_tokens,
    revoke_kiosk_token,
)
from core.identity.policy import (
    AccountDisabled,
    AccountLocked,
    AuthenticationFailed,
    parse_group_mapping,
    session_expired,
    session_timeout,
    split_groups,
)

__all__ = [
    "DEMO_ACCOUNTS", "DEMO_KIOSK_TOKEN", "DEMO_PASSWORD", "AccountDisabled", "AccountLocked",
    "AuthenticationFailed", "NewToken", "add_user", "authenticate", "count_users", "create_demo_accounts",
    "create_kiosk_token", "demo_logins", "disable_user", "enable_user", "external_actor", "hash_password",
    "kiosk_actor", "kiosk_actor_by_id", "list_kiosk_tokens", "list_users", "load_actor",
    "parse_group_mapping", "revoke_kiosk_token", "session_expired", "session_timeout", "set_password",
    "set_roles", "split_groups", "verify_password",
]
