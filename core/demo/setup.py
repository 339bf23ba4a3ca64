"""First-run setup: migrate the database to head and, when it is brand new, seed the demo district.

A database a district has started to make its own is never seeded: once ``fangxian init`` (without
``--with-demo``), ``fangxian serve --no-demo`` or ``fangxian demo --drop`` has run on it, or it holds
an account, it is marked ``own_district`` and stays empty until the district imports its files.
"""

from __future__ import annotations

import logging

from core.config import database_url
from core.model.actor import Actor
from core.services.uow import unit_of_work
from core.storage.audit_guard import app_role_can_tamper, repair_audit_guard, verify_audit_guard
from core.storage.db import is_empty, migrate

log = logging.getLogger(__name__)

OWN_DISTRICT_KEY = "own_district"


def mark_own_district(url: str | None = None) -> None:
    """Remember that this database is the district's own: the demo is never seeded into it."""
    with unit_of_work(database_url(url)) as uow:
        uow.meta.set(OWN_DISTRICT_KEY, "1")


def is_own_district(url: str | None = None) -> bool:
    with unit_of_work(database_url(url)) as uow:
        return uow.meta.get(OWN_DISTRICT_KEY) == "1" or uow.identity.count_users() > 0


def ensure_ready(url: str | None = None, *, seed_demo: bool = True) -> bool:
    """Create and migrate the database; seed the demo district when it is brand new (empty, no
    accounts, not marked as the district's own) and ``seed_demo``; otherwise, with ``seed_demo``
    False, mark it as the district's own. Returns True when the demo was seeded by this call."""
    url = database_url(url)
    migrate(url)
    verify_audit_guard(url)  # an audit trail that can be rewritten: refuse to run (fangxian init --repair-audit)
    if app_role_can_tamper(url):
        log.info("the app's database role could disable the audit triggers: use two roles (README, FANGXIAN_MIGRATE_URL)")
    if not is_empty(url):
        return False
    if not seed_demo:
        mark_own_district(url)
        return False
    if is_own_district(url):
        return False
    from core.demo.seed import seed_demo_database

    log.info("empty database: seeding the demo district")
    seed_demo_database(url)
    return True


def repair_audit(url: str | None, actor: Actor, *, explicit_owner: str | None = None) -> list[str]:
    """``fangxian init --repair-audit``: recreate the audit trail's guard as the database owner and
    record the repair (``audit.repaired``, what was wrong) in the trail itself. Returns what was wrong
    (empty: the guard was intact, nothing recorded)."""
    from core.services.audit import new_batch_id, record

    url = database_url(url)
    problems = repair_audit_guard(url, explicit_owner=explicit_owner)
    if problems:
        with unit_of_work(url) as uow:
            record(uow, actor, "audit.repaired", "audit_log", None, after={"parts": problems},
                   reason="fangxian init --repair-audit", batch_id=new_batch_id())
    return problems
