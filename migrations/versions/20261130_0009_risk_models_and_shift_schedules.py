"""risk models and shift schedules

Revision ID: 0009
Revises: 0004
Create Date: 2026-11-30 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import bot.models.base

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("trained_at", bot.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("leavers", sa.Integer(), nullable=False),
        sa.Column("params", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=True),
        sa.Column(
            "backtest", sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"), nullable=True
        ),
        sa.Column("message", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_models")),
    )
    with op.batch_alter_table("risk_models", schema=None) as batch_op:
        batch_op.create_index("ix_risk_models_as_of", ["as_of"], unique=False)

    op.create_table(
        "shift_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=True),
        sa.Column("start_min", sa.Integer(), nullable=True),
        sa.Column("end_min", sa.Integer(), nullable=True),
        sa.Column("window_lo", bot.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("window_hi", bot.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("updated_at", bot.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_shift_days_employee_id_employees"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_days")),
        sa.UniqueConstraint("employee_id", "day", name="uq_shift_days_employee_day"),
    )
    with op.batch_alter_table("shift_days", schema=None) as batch_op:
        batch_op.create_index("ix_shift_days_day", ["day"], unique=False)
        batch_op.create_index("ix_shift_days_employee_window", ["employee_id", "window_lo"], unique=False)

    with op.batch_alter_table("attendance_days", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sched_start_min", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sched_end_min", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attendance_days", schema=None) as batch_op:
        batch_op.drop_column("sched_end_min")
        batch_op.drop_column("sched_start_min")

    with op.batch_alter_table("shift_days", schema=None) as batch_op:
        batch_op.drop_index("ix_shift_days_employee_window")
        batch_op.drop_index("ix_shift_days_day")

    op.drop_table("shift_days")
    with op.batch_alter_table("risk_models", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_models_as_of")

    op.drop_table("risk_models")
