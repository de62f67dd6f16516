"""security state: sent cards, seen signatures (replay cache), auth failures (lockout), dashboard sessions

Revision ID: 0005
Revises: 0009
Create Date: 2026-11-30 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import bot.models.base

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = bot.models.base.UTCDateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "sent_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("card_id", sa.String(length=128), nullable=False),
        sa.Column("userid", sa.String(length=64), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("buttons", JSON, nullable=False),
        sa.Column("sent_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_cards")),
        sa.UniqueConstraint("platform", "card_id", "userid", name=op.f("uq_sent_cards_platform_card_id_userid")),
    )
    op.create_table(
        "seen_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("timestamp", sa.String(length=32), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("body_digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seen_signatures")),
        sa.UniqueConstraint(
            "scope", "timestamp", "signature", name=op.f("uq_seen_signatures_scope_timestamp_signature")
        ),
    )
    with op.batch_alter_table("seen_signatures", schema=None) as batch_op:
        batch_op.create_index("ix_seen_signatures_expires_at", ["expires_at"], unique=False)
    op.create_table(
        "auth_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_failures")),
    )
    with op.batch_alter_table("auth_failures", schema=None) as batch_op:
        batch_op.create_index("ix_auth_failures_scope_client_at", ["scope", "client", "at"], unique=False)
    op.create_table(
        "dashboard_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("viewer", sa.String(length=128), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.Column("revoked_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_sessions")),
    )
    with op.batch_alter_table("dashboard_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_dashboard_sessions_expires_at", ["expires_at"], unique=False)
    _backfill_sent_cards()


def _backfill_sent_cards() -> None:
    """Cards delivered before this migration stay clickable: record them from the outbox."""
    from bot.platforms.wecom.cards import task_id

    outbox = sa.table(
        "outbox_messages",
        sa.column("id", sa.Integer),
        sa.column("platform", sa.String),
        sa.column("recipient", sa.String),
        sa.column("kind", sa.String),
        sa.column("status", sa.String),
        sa.column("payload", JSON),
        sa.column("sent_at", UTC_DATETIME),
    )
    sent = sa.table(
        "sent_cards",
        sa.column("platform", sa.String),
        sa.column("card_id", sa.String),
        sa.column("userid", sa.String),
        sa.column("outbox_id", sa.Integer),
        sa.column("buttons", JSON),
        sa.column("sent_at", UTC_DATETIME),
    )
    query = sa.select(outbox).where(outbox.c.kind == "card", outbox.c.status == "sent", outbox.c.sent_at.is_not(None))
    seen: set[tuple[str, str, str]] = set()
    rows = []
    for msg in op.get_bind().execute(query):
        card = (msg.payload or {}).get("card") or {}
        card_id = str(card.get("card_id") or "")
        if not card_id:
            continue
        platform_id = (task_id(card_id) if msg.platform == "wecom" else card_id)[:128]
        key = (msg.platform, platform_id, msg.recipient[:64])
        if key in seen:
            continue
        seen.add(key)
        buttons = [
            {"action": b.get("action"), "params": dict(b.get("params") or {})}
            for b in card.get("buttons") or []
            if isinstance(b, dict)
        ]
        rows.append(
            {
                "platform": msg.platform,
                "card_id": platform_id,
                "userid": msg.recipient[:64],
                "outbox_id": msg.id,
                "buttons": buttons,
                "sent_at": msg.sent_at,
            }
        )
    if rows:
        op.bulk_insert(sent, rows)


def downgrade() -> None:
    with op.batch_alter_table("dashboard_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_dashboard_sessions_expires_at")
    op.drop_table("dashboard_sessions")
    with op.batch_alter_table("auth_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_auth_failures_scope_client_at")
    op.drop_table("auth_failures")
    with op.batch_alter_table("seen_signatures", schema=None) as batch_op:
        batch_op.drop_index("ix_seen_signatures_expires_at")
    op.drop_table("seen_signatures")
    op.drop_table("sent_cards")
