"""data version (data_version): one counter moved by every committed audited write, in commit order
(caches key on it; the highest audit id, keyed on before, is not in commit order on PostgreSQL)

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.String(length=32), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "epoch": uuid.uuid4().hex, "n": 0}])


def downgrade() -> None:
    op.drop_table("data_version")
