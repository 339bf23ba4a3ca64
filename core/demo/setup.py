"""First-run setup: migrate the database to head and, when it is empty, seed the demo district."""

from __future__ import annotations

import logging

from core.config import database_url
from core.storage.db import is_empty, migrate

log = logging.getLogger(__name__)


def ensure_ready(url: str | None = None, *, seed_demo: bool = True) -> bool:
    """Create and migrate the database; seed the demo district when it is empty.

    Returns True when the demo was seeded by this call.
    """
    url = database_url(url)
    migrate(url)
    if seed_demo and is_empty(url):
        from core.demo.seed import seed_demo_database

        log.info("empty database: seeding the demo district")
        seed_demo_database(url)
        return True
    return False
