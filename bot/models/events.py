"""The durable inbox of verified platform callbacks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, JSONType, UTCDateTime, stamp_now


class InboundEvent(Base):
    """One verified callback, stored before the platform gets its answer."""

    __tablename__ = "inbound_events"
    __table_args__ = (
        UniqueConstraint("platform", "idempotency_key", name="uq_inbound_events_platform_key"),
        Index("ix_inbound_events_status_received", "status", "received_at"),
        # The batch processors' queue: pending rows only, in claim order (bot/pipeline/inbox_batch.py),
        # so a claim reads the next few hundred entries whatever the table's size or statistics.
        Index(
            "ix_inbound_events_pending",
            "received_at",
            "id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # The payload as received (ASCII JSON) when it had to be sanitised to be stored (NUL, lone surrogates).
    raw_payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|processed|failed|ignored
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)
    # When a worker last claimed it: a stuck "processing" row is judged by this, not by its receipt.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
