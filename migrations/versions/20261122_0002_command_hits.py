"""command_hits: per-user slash-command rate limit shared by all web workers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models.base

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "command_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("userid", sa.String(length=64), nullable=False),
        sa.Column("at", bot.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command_hits")),
    )
    with op.batch_alter_table("command_hits", schema=None) as batch_op:
        batch_op.create_index("ix_command_hits_userid_at", ["userid", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("command_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_command_hits_userid_at")
    op.drop_table("command_hits")
