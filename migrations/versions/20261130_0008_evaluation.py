"""evaluation mode: arms of the randomised holdout; minutes recorded on care actions

Revision ID: 0008
Revises: 0012
Create Date: 2026-11-30 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models.base

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evaluation_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("arm", sa.String(length=8), nullable=False),
        sa.Column("stratum", sa.String(length=64), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("created_at", bot.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_assignments")),
        sa.UniqueConstraint("unit", "unit_id", name="uq_evaluation_assignments_unit_unit_id"),
    )
    with op.batch_alter_table("evaluation_assignments", schema=None) as batch_op:
        batch_op.create_index("ix_evaluation_assignments_arm", ["arm"], unique=False)
    with op.batch_alter_table("care_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("minutes", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("care_actions", schema=None) as batch_op:
        batch_op.drop_column("minutes")
    with op.batch_alter_table("evaluation_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluation_assignments_arm")
    op.drop_table("evaluation_assignments")
