"""metrics: an index covering the rule evaluation's per-person pass

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 01:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"  # re-chained onto main's head at the merge (was 0013)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("metrics", schema=None) as batch_op:
        batch_op.create_index(
            "ix_metrics_employee_metric_day_value", ["employee_id", "metric", "day", "value"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("metrics", schema=None) as batch_op:
        batch_op.drop_index("ix_metrics_employee_metric_day_value")
