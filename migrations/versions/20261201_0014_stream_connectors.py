"""stream connectors

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 10:00:00.000000
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models.base

revision: str = '0014'
down_revision: str | Sequence[str] | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stream_connectors',
    sa.Column('holder', sa.String(length=128), nullable=False),
    sa.Column('lease_name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('started_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('connected_since', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_frame_at', bot.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('frames_in', sa.Integer(), nullable=False),
    sa.Column('frames_acked', sa.Integer(), nullable=False),
    sa.Column('frames_unacked', sa.Integer(), nullable=False),
    sa.Column('frame_errors', sa.Integer(), nullable=False),
    sa.Column('robot_lost', sa.Integer(), nullable=False),
    sa.Column('reconnects', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('holder', name=op.f('pk_stream_connectors'))
    )
    with op.batch_alter_table('stream_connectors', schema=None) as batch_op:
        batch_op.create_index('ix_stream_connectors_lease_name', ['lease_name'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('stream_connectors', schema=None) as batch_op:
        batch_op.drop_index('ix_stream_connectors_lease_name')

    op.drop_table('stream_connectors')
