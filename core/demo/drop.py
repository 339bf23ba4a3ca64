"""Turn the demo database into a district's own: drop every generated row (and the demo's audit
trail, which records only made-up events), keep the accounts a real admin created, and remove the
demo accounts, whose password is public. ``fangxian demo --drop`` and the 数据准备 page's confirmed
button call this; afterwards imports are accepted."""

from __future__ import annotations

from dataclasses import dataclass

from core.demo.accounts import DEMO_ACCOUNTS
from core.demo.setup import OWN_DISTRICT_KEY
from core.model.actor import Actor, require
from core.model.errors import InvalidInput
from core.model.identity_policy import check_password, check_username
from core.services.audit import new_batch_id, record
from core.services.identity import add_user
from core.services.uow import unit_of_work
from core.storage.db import drop_everything, is_demo, migrate

DEMO_USERNAMES = frozenset(a.username for a in DEMO_ACCOUNTS)
DEMO_KIOSK_CREATOR = "system"


@dataclass(frozen=True)
class FirstAdmin:
    """The account to create when the demo is dropped from the page (its admin is a demo account)."""

    username: str
    display_name: str
    password: str


def drop_demo(url: str, actor: Actor, first_admin: FirstAdmin | None = None) -> dict[str, int]:
    """Drop the demo district; returns the counts kept. Refused on a database that is not the demo
    (a district's own data is never dropped this way) and for anyone but an admin."""
    require(actor, "admin")
    if not is_demo(url):
        raise InvalidInput("demo.not_demo")
    if first_admin is not None and first_admin.username in DEMO_USERNAMES:
        raise InvalidInput("demo.first_admin_is_demo", username=first_admin.username)
    if first_admin is not None:  # checked before anything is dropped
        check_username(first_admin.username)
        check_password(first_admin.password)
    with unit_of_work(url) as uow:
        users, tokens = uow.identity.accounts_except(DEMO_USERNAMES, DEMO_KIOSK_CREATOR)
    drop_everything(url)
    migrate(url)
    with unit_of_work(url) as uow:
        uow.identity.restore_accounts(users, tokens)
        uow.meta.set(OWN_DISTRICT_KEY, "1")  # never reseeded by a later start-up
        if first_admin is not None:
            add_user(uow, actor, first_admin.username, first_admin.display_name, first_admin.password, ["admin"],
                     reason="demo.dropped")
        counts = {"accounts_kept": len(users), "kiosk_tokens_kept": len(tokens),
                  "admin_created": int(first_admin is not None)}
        record(uow, actor, "demo.dropped", "database", None, after=counts, batch_id=new_batch_id())
    return counts
