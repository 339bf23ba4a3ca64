"""the daily briefing (daily_report): drafted, submitted, signed; a signed version is frozen by a trigger

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = (
    """CREATE TRIGGER daily_report_signed_no_update BEFORE UPDATE ON daily_report
    WHEN OLD.status = 'signed'
    BEGIN SELECT RAISE(ABORT, 'daily_report: a signed report is frozen'); END""",
    """CREATE TRIGGER daily_report_signed_no_delete BEFORE DELETE ON daily_report
    WHEN OLD.status = 'signed'
    BEGIN SELECT RAISE(ABORT, 'daily_report: a signed report is frozen'); END""",
)
PG_UPGRADE = (
    """CREATE OR REPLACE FUNCTION fangxian_daily_report_frozen() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.status = 'signed' THEN
            RAISE EXCEPTION 'daily_report: a signed report is frozen' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END
    $$""",
    """CREATE TRIGGER daily_report_frozen BEFORE UPDATE OR DELETE ON daily_report
    FOR EACH ROW EXECUTE FUNCTION fangxian_daily_report_frozen()""",
    "ALTER TABLE daily_report ENABLE ALWAYS TRIGGER daily_report_frozen",
)


def upgrade() -> None:
    op.create_table(
        "daily_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_by", sa.String(length=60), nullable=True),
        sa.Column("submitted_name", sa.String(length=100), nullable=True),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.Column("signed_by", sa.String(length=60), nullable=True),
        sa.Column("signed_name", sa.String(length=100), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("docx", sa.LargeBinary(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("docx_sha256", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day", "scope", "version", name="uq_daily_report_version"),
    )
    op.create_index("ix_daily_report_day_scope", "daily_report", ["day", "scope"], unique=False)
    dialect = op.get_bind().dialect.name
    for sql in {"postgresql": PG_UPGRADE, "sqlite": SQLITE_TRIGGERS}.get(dialect, ()):
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS daily_report_frozen ON daily_report")
        op.execute("DROP FUNCTION IF EXISTS fangxian_daily_report_frozen()")
    op.drop_index("ix_daily_report_day_scope", table_name="daily_report")
    op.drop_table("daily_report")
