"""the front line's own reports: an incident's photo, checkpoint shifts (sign-in and sign-out with the
phone's distance from the post) and the checkpoint register

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=False),
        sa.Column("mime", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("taken_by", sa.String(length=60), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id"),
    )
    op.create_table(
        "duty_shift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checkpoint_id", sa.Integer(), sa.ForeignKey("checkpoint.id"), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("start_lon", sa.Float(), nullable=True),
        sa.Column("start_lat", sa.Float(), nullable=True),
        sa.Column("start_distance_m", sa.Float(), nullable=True),
        sa.Column("end_lon", sa.Float(), nullable=True),
        sa.Column("end_lat", sa.Float(), nullable=True),
        sa.Column("end_distance_m", sa.Float(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for col in ("checkpoint_id", "username", "staff_id", "started_at"):
        op.create_index(f"ix_duty_shift_{col}", "duty_shift", [col], unique=False)
    op.create_table(
        "gate_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checkpoint_id", sa.Integer(), sa.ForeignKey("checkpoint.id"), nullable=False),
        sa.Column("shift_id", sa.Integer(), sa.ForeignKey("duty_shift.id"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("masked", sa.Boolean(), nullable=False),
        sa.Column("from_place", sa.String(length=100), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("temperature", sa.Float(), nullable=True),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("plate", sa.String(length=16), nullable=True),
        sa.Column("entered_by", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for col in ("checkpoint_id", "shift_id", "at"):
        op.create_index(f"ix_gate_entry_{col}", "gate_entry", [col], unique=False)


def downgrade() -> None:
    for col in ("checkpoint_id", "shift_id", "at"):
        op.drop_index(f"ix_gate_entry_{col}", table_name="gate_entry")
    op.drop_table("gate_entry")
    for col in ("checkpoint_id", "username", "staff_id", "started_at"):
        op.drop_index(f"ix_duty_shift_{col}", table_name="duty_shift")
    op.drop_table("duty_shift")
    op.drop_table("incident_photo")
