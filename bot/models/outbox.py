"""The durable outbox: every outbound message is a row before anything is sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, JSONType, UTCDateTime, stamp_now


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),
        # Pacing counts each recipient's recent sends (bot/pipeline/outbox_pacing.py).
        Index("ix_outbox_messages_platform_recipient_sent", "platform", "recipient", "sent_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(255))  # a userid, a conversation id or a webhook
    kind: Mapped[str] = mapped_column(String(24))  # text | markdown | card | card_update | reply
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # pending | sending | sent | failed | duplicate | unknown (docs/delivery.md, "States")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)
    last_error: Mapped[str | None] = mapped_column(Text)
    platform_ref: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # Set when a platform call starts; cleared once its outcome is known. Still set afterwards, it
    # says since when the platform may have the message without our knowing (a read timeout, a
    # sender killed mid-call): a repeat is made only where the platform drops it (bot/pipeline/outbox.py).
    unsure_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LocalMessage(Base):
    """The ``local`` platform's chat log: what the bot sent and what simulated users wrote."""

    __tablename__ = "local_messages"
    __table_args__ = (Index("ix_local_messages_userid_id", "userid", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    userid: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(4))  # out (bot → user) | in (user → bot)
    kind: Mapped[str] = mapped_column(String(16))  # text | markdown | card | card_update
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    ref: Mapped[str | None] = mapped_column(String(128))  # card id, for updates
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)
