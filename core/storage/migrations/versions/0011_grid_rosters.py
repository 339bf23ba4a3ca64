"""grid duty rosters: a grid's shift pattern, shifts and exceptions beside a checkpoint's (a post is one or
the other: ``checkpoint_id`` or ``grid_id``); a pattern may require a skill of its people

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TABLES = ("shift_pattern", "roster_entry", "shift_exception")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("grid_id", sa.Integer(), nullable=True))
            batch.alter_column("checkpoint_id", existing_type=sa.Integer(), nullable=True)
            batch.create_foreign_key(f"fk_{table}_grid_id", "grid", ["grid_id"], ["id"])
            batch.create_check_constraint(f"ck_{table}_one_post", "(checkpoint_id IS NULL) <> (grid_id IS NULL)")
    with op.batch_alter_table("shift_pattern") as batch:
        batch.create_unique_constraint("uq_shift_pattern_grid_id", ["grid_id"])
        batch.add_column(sa.Column("skill", sa.String(length=40), nullable=False, server_default=""))
    with op.batch_alter_table("shift_exception") as batch:
        batch.create_unique_constraint("uq_shift_exception_grid_day", ["grid_id", "day"])
    op.create_index("ix_roster_entry_grid_id", "roster_entry", ["grid_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_roster_entry_grid_id", table_name="roster_entry")
    with op.batch_alter_table("shift_exception") as batch:
        batch.drop_constraint("uq_shift_exception_grid_day", type_="unique")
    with op.batch_alter_table("shift_pattern") as batch:
        batch.drop_column("skill")
        batch.drop_constraint("uq_shift_pattern_grid_id", type_="unique")
    for table in TABLES:
        rows = sa.table(table, sa.column("grid_id"))
        op.execute(rows.delete().where(rows.c.grid_id.is_not(None)))
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"ck_{table}_one_post", type_="check")
            batch.drop_constraint(f"fk_{table}_grid_id", type_="foreignkey")
            batch.drop_column("grid_id")
            batch.alter_column("checkpoint_id", existing_type=sa.Integer(), nullable=False)
