"""Demo accounts: one per role, created only when the demo district is seeded (never otherwise)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.services.identity.accounts import hash_password
from core.services.identity.kiosk import token_hash
from core.storage.db import is_demo
from core.storage.repositories import identity_repo as repo

DEMO_PASSWORD = "demo1234"
#: the demo wall screen's token; public on purpose (demo only): /?kiosk=demo-wallscreen
DEMO_KIOSK_TOKEN = "demo-wallscreen"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    roles: tuple[str, ...]
    two_streets: bool = False  # scoped to the first two streets of the demo district
    front_line: bool = False  # tied to a grid member of the roster whose grid has isolated households


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("leader", "王指挥长", ("leader",)),
    DemoAccount("coordinator", "李调度", ("coordinator",)),
    DemoAccount("coordinator2", "赵调度（两街道）", ("coordinator",), two_streets=True),
    DemoAccount("planner", "陈研判", ("planner",)),
    DemoAccount("clerk", "刘录入", ("clerk",)),
    DemoAccount("admin", "周管理员", ("admin",)),
    DemoAccount("wangge", "张网格员", ("grid_member",), front_line=True),
)


def create_demo_accounts(session: Any) -> None:
    """Called by the demo seeding, in its transaction: the demo accounts and the demo kiosk token."""
    streets = repo.street_codes(session)[:2]
    for a in DEMO_ACCOUNTS:
        repo.add_user(session, username=a.username, display_name=a.display_name,
                      password_hash=hash_password(DEMO_PASSWORD),
                      roles=",".join(a.roles), streets=",".join(streets) if a.two_streets else None,
                      staff_id=repo.grid_member_with_households(session) if a.front_line else None,
                      disabled=False, failed_attempts=0)
    repo.add_kiosk_token(session, name="演示大屏", token_hash=token_hash(DEMO_KIOSK_TOKEN), created_by="system")


def demo_logins(url: str | None) -> list[DemoAccount]:
    """The demo accounts to list on the login page: only when this database is the demo."""
    return list(DEMO_ACCOUNTS) if is_demo(url) else []
