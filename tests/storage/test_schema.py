"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from core.storage.db import alembic_config, get_engine, migrate
from core.storage.schema import metadata


def _revision_and_diff(url: str) -> tuple[tuple[str, ...], list[object]]:
    with get_engine(url).connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return context.get_current_heads(), compare_metadata(context, metadata)


def test_upgrade_from_base_to_head_matches_the_models(empty_db: str) -> None:
    migrate(empty_db)
    _, diff = _revision_and_diff(empty_db)
    assert diff == []


def test_migrating_twice_is_harmless(empty_db: str) -> None:
    head = ScriptDirectory.from_config(alembic_config(empty_db)).get_heads()
    migrate(empty_db)
    migrate(empty_db)
    current, diff = _revision_and_diff(empty_db)
    assert len(head) == 1 and current == tuple(head)  # still exactly at the one head revision
    assert diff == []  # and the schema still matches the models
