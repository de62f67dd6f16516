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
