"""What employees tell the bot in chat: care requests awaiting or given consent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, JSONType, UTCDateTime


class VoiceRequest(Base):
    """A message that offered to bring HR in, and what the employee answered.

    ``pending`` holds the employee's words only until they answer: ``consented`` keeps them for HR
    (the ``voice_request`` rule reads these until ``expires_on``); ``declined`` and ``expired``
    clear ``quote`` so that nothing but the answer itself is stored.
    """

    __tablename__ = "voice_requests"
    __table_args__ = (
        Index("ix_voice_requests_employee_status", "employee_id", "status"),
        Index("ix_voice_requests_status_expires", "status", "expires_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    intent: Mapped[str] = mapped_column(String(16))  # help | distress | life_event | resign | workload
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|consented|declined|expired
    quote: Mapped[str | None] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_on: Mapped[date | None] = mapped_column(Date)  # consented: until when HR is reminded
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType)  # e.g. the life-event flow's step


class AnonymousQuestion(Base):
    """A question sent to HR with ``/匿名``: the text, who in HR it went to, and HR's answer.

    The sender is not here. ``sender_token`` is a random token; only its keyed hash is stored in
    :class:`AnonymousSender`, a table no HR surface, API or export reads, and that row is deleted
    as soon as the answer has been handed to the outbox.
    """

    __tablename__ = "anonymous_questions"
    __table_args__ = (Index("ix_anonymous_questions_status", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    question: Mapped[str] = mapped_column(Text)
    sender_token: Mapped[str | None] = mapped_column(String(64))  # cleared once answered
    routed_to: Mapped[list[str]] = mapped_column(JSONType)  # HR userids who may answer
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | answered
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(64))  # the HR person's userid
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AnonymousSender(Base):
    """Where to deliver HR's answer: the keyed hash of a question's token → the sender.

    No serial id and no timestamp, so rows cannot be matched to questions by order or time;
    ``expires_on`` (a day) lets unanswered mappings be purged.
    """

    __tablename__ = "anonymous_senders"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    userid: Mapped[str] = mapped_column(String(64))
    expires_on: Mapped[date] = mapped_column(Date)
