"""First-run setup: migrate the database to head and, when it is brand new, seed the demo district.

A database a district has started to make its own is never seeded: once ``fangxian init`` (without
``--with-demo``), ``fangxian serve --no-demo`` or ``fangxian demo --drop`` has run on it, or it holds
an account, it is marked ``own_district`` and stays empty until the district imports its files.
"""

from __future__ import annotations

import logging

from core.config import database_url
from core.services.uow import unit_of_work
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
