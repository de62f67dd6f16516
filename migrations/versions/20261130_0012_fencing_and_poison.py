"""fencing and poison payloads: lease generation, inbox claim time and raw payload

Revision ID: 0012
Revises: 0010
Create Date: 2026-11-30 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models.base

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("leases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("generation", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("inbound_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("raw_payload", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", bot.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbound_events", schema=None) as batch_op:
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("raw_payload")
    with op.batch_alter_table("leases", schema=None) as batch_op:
        batch_op.drop_column("generation")
