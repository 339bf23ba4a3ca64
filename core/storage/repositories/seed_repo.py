"""Bulk writes of the demo seeding (``core.demo.seed``): whole tables inserted in chunks with the ids
the seeder assigns (so no round trips), and the PostgreSQL sequences moved past those ids afterwards.
Only the demo uses this, and only on an empty database."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from core.storage import rows as orm
from core.storage import schema
from core.storage.repositories.base import Repository, bound

CHUNK = 20_000

#: the tables the demo seeding fills directly (the others through their own repositories)
TABLES: dict[str, type[orm.Base]] = {
    "district": orm.District, "street": orm.Street, "community": orm.Community,
    "community_condition": orm.CommunityCondition, "grid": orm.Grid, "compound": orm.Compound,
    "checkpoint": orm.Checkpoint, "unit": orm.Unit, "pairing": orm.Pairing, "staff": orm.Staff,
    "assignment": orm.Assignment, "duty_change": orm.DutyChange, "incident": orm.Incident,
}


def insert_rows(session: Session, table: str, rows: Iterable[dict[str, Any]]) -> int:
    """Insert ``rows`` into ``table`` (one of ``TABLES``) in chunks of ``CHUNK``; returns how many."""
    model = TABLES[table]
    rows = list(rows)
    for i in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[i : i + CHUNK])
    return len(rows)


def add_audit_entry(session: Session, **fields: Any) -> None:
    """One audit entry written by the seeding itself (``demo.seed``)."""
    session.add(orm.AuditLog(**fields))


def reset_sequences(engine: Engine) -> None:
    """On PostgreSQL, move each id sequence past the explicit ids the seed wrote (nothing elsewhere)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in schema.metadata.sorted_tables:
            if "id" not in table.c or not table.c.id.autoincrement or table.c.id.type.python_type is not int:
                continue
            highest = select(func.coalesce(func.max(table.c.id), 0) + 1).scalar_subquery()
            seq = func.pg_get_serial_sequence(table.name, "id")
            conn.execute(select(func.setval(seq, highest, False)).where(seq.isnot(None)))


class SeedRepository(Repository):
    """The functions above that take a session, bound to a unit of work's session."""

    insert_rows = bound(insert_rows)
    add_audit_entry = bound(add_audit_entry)
