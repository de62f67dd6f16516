"""inbox queue index: pending events in claim order, for the batch processors

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 12:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | Sequence[str] | None = '0017'  # after the outbox's unsure_since (one line of migrations)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    # A partial index: a claim (ORDER BY received_at, id LIMIT n) reads only pending rows, instead
    # of scanning or sorting the whole inbox once it holds a morning's callbacks.
    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.create_index(
            'ix_inbound_events_pending',
            ['received_at', 'id'],
            unique=False,
            postgresql_where=PENDING,
            sqlite_where=PENDING,
        )


def downgrade() -> None:
    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.drop_index('ix_inbound_events_pending')
