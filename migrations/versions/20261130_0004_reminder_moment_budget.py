"""reminder moment and budget: tags.quiet, reminders.useful_until, budget_uses

Revision ID: 0004
Revises: 0008
Create Date: 2026-11-30 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quiet", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("useful_until", sa.Date(), nullable=True))
    op.create_table(
        "budget_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["recipient_id"], ["employees.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("recipient_id", "day", "source", name="uq_budget_uses_recipient_day_source"),
    )


def downgrade() -> None:
    op.drop_table("budget_uses")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_column("useful_until")
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.drop_column("quiet")
