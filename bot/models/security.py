"""Security state shared by every web worker: sent cards, seen signatures, failed sign-ins, sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, JSONType, UTCDateTime


class SentCard(Base):
    """A card CareBot delivered to one user: a click is only believed for a card listed here.

    ``card_id`` is the platform's own id of the card (DingTalk ``outTrackId``, WeCom ``task_id``,
    the local card id); ``buttons`` are the ``{action, params}`` the card offered.
    """

    __tablename__ = "sent_cards"
    __table_args__ = (UniqueConstraint("platform", "card_id", "userid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    card_id: Mapped[str] = mapped_column(String(128))
    userid: Mapped[str] = mapped_column(String(64))
    outbox_id: Mapped[int | None] = mapped_column(Integer)
    buttons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SeenSignature(Base):
    """A (timestamp, signature) pair already accepted: the same pair with another body is a replay."""

    __tablename__ = "seen_signatures"
    __table_args__ = (
        UniqueConstraint("scope", "timestamp", "signature"),
        Index("ix_seen_signatures_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # robot | card
    timestamp: Mapped[str] = mapped_column(String(32))
    signature: Mapped[str] = mapped_column(String(128))
    body_digest: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuthFailure(Base):
    """One failed sign-in or API authentication, counted per client for the lockout."""

    __tablename__ = "auth_failures"
    __table_args__ = (Index("ix_auth_failures_scope_client_at", "scope", "client", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))  # login | api
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class DashboardSession(Base):
    """A signed-in dashboard session; the cookie only names it, so logout can revoke it server-side."""

    __tablename__ = "dashboard_sessions"
    __table_args__ = (Index("ix_dashboard_sessions_expires_at", "expires_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's session id
    viewer: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
