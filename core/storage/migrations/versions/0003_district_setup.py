"""district setup: compounds, posts, pairings, vulnerable residents, duty reasons

Existing rows: compounds get 0 gates, pairings 0 cadres pledged (server defaults).

Revision ID: 0003
Revises: 0002_audit_append_only
Create Date: 2026-12-01 12:32:20.947644
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002_audit_append_only"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vulnerable_resident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
        ),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grid.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("vulnerable_resident", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vulnerable_resident_category"), ["category"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_vulnerable_resident_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_vulnerable_resident_grid_id"), ["grid_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_vulnerable_resident_status"), ["status"], unique=False)

    with op.batch_alter_table("checkpoint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shifts_per_day", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("people_per_shift", sa.Integer(), nullable=True))

    with op.batch_alter_table("compound", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("gates", sa.Integer(), nullable=False, server_default="0"))

    with op.batch_alter_table("duty_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("expected_return", sa.Date(), nullable=True))

    with op.batch_alter_table("pairing", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cadres_pledged", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("pairing", schema=None) as batch_op:
        batch_op.drop_column("cadres_pledged")

    with op.batch_alter_table("duty_change", schema=None) as batch_op:
        batch_op.drop_column("expected_return")
        batch_op.drop_column("reason")

    with op.batch_alter_table("compound", schema=None) as batch_op:
        batch_op.drop_column("gates")
        batch_op.drop_column("kind")

    with op.batch_alter_table("checkpoint", schema=None) as batch_op:
        batch_op.drop_column("people_per_shift")
        batch_op.drop_column("shifts_per_day")

    with op.batch_alter_table("vulnerable_resident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vulnerable_resident_status"))
        batch_op.drop_index(batch_op.f("ix_vulnerable_resident_grid_id"))
        batch_op.drop_index(batch_op.f("ix_vulnerable_resident_community_id"))
        batch_op.drop_index(batch_op.f("ix_vulnerable_resident_category"))

    op.drop_table("vulnerable_resident")
