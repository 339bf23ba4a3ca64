"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.storage.db import get_engine, migrate
from core.storage.schema import metadata


def test_upgrade_from_base_to_head_matches_the_models(empty_db: str) -> None:
    migrate(empty_db)
    with get_engine(empty_db).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []


def test_migrating_twice_is_harmless(empty_db: str) -> None:
    migrate(empty_db)
    migrate(empty_db)
