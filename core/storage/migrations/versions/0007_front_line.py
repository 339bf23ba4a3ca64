"""the front line on the phone: account scope by community and grid (tied to a staff record), door
visits of a screening campaign, roster additions, and the device ids of accepted forms

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("communities", sa.Text(), nullable=True))
        batch.add_column(sa.Column("grids", sa.Text(), nullable=True))
        batch.add_column(sa.Column("staff_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_app_user_staff_id_staff", "staff", ["staff_id"], ["id"])
        batch.create_index("ix_app_user_staff_id", ["staff_id"], unique=False)
    op.create_table(
        "screening_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("screening_campaign.id"), nullable=False),
        sa.Column("grid_id", sa.Integer(), sa.ForeignKey("grid.id"), nullable=False),
        sa.Column("building", sa.String(length=60), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("room", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("temperature", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("progress_id", sa.Integer(), sa.ForeignKey("screening_progress.id"), nullable=False),
        sa.Column("entered_by", sa.String(length=60), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("followed_up_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "grid_id", "building", "unit", "room"),
    )
    op.create_index("ix_screening_visit_campaign_id", "screening_visit", ["campaign_id"], unique=False)
    op.create_index("ix_screening_visit_grid_id", "screening_visit", ["grid_id"], unique=False)
    op.create_table(
        "roster_addition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("screening_visit.id"), nullable=False),
        sa.Column("community_id", sa.Integer(), sa.ForeignKey("community.id"), nullable=False),
        sa.Column("grid_id", sa.Integer(), sa.ForeignKey("grid.id"), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("added_by", sa.String(length=60), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for col in ("visit_id", "community_id", "grid_id"):
        op.create_index(f"ix_roster_addition_{col}", "roster_addition", [col], unique=False)
    op.create_table(
        "client_submission",
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ref", sa.String(length=80), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("client_id"),
    )


def downgrade() -> None:
    op.drop_table("client_submission")
    for col in ("visit_id", "community_id", "grid_id"):
        op.drop_index(f"ix_roster_addition_{col}", table_name="roster_addition")
    op.drop_table("roster_addition")
    op.drop_index("ix_screening_visit_grid_id", table_name="screening_visit")
    op.drop_index("ix_screening_visit_campaign_id", table_name="screening_visit")
    op.drop_table("screening_visit")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_index("ix_app_user_staff_id")
        batch.drop_constraint("fk_app_user_staff_id_staff", type_="foreignkey")
        batch.drop_column("staff_id")
        batch.drop_column("grids")
        batch.drop_column("communities")
