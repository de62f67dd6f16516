"""Pulse surveys: the question bank, deliveries to employees and their answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, JSONType, UTCDateTime, stamp_now


class SurveyQuestion(Base):
    """A question of the bank. ``mode`` is ``checkin`` (identified) or ``team`` (aggregates ≥ 5 only)."""

    __tablename__ = "survey_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    mode: Mapped[str] = mapped_column(String(8))  # checkin | team
    kind: Mapped[str] = mapped_column(String(8), default="scale")  # scale | text
    scale_min: Mapped[int | None] = mapped_column(Integer)
    scale_max: Mapped[int | None] = mapped_column(Integer)
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    optional: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Survey(Base):
    """One pulse sent to one employee: 1–3 questions, with its own reminder and expiry."""

    __tablename__ = "surveys"
    __table_args__ = (
        UniqueConstraint("employee_id", "scheduled_on", name="uq_surveys_employee_scheduled_on"),
        Index("ix_surveys_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    scheduled_on: Mapped[date] = mapped_column(Date)
    question_keys: Mapped[list[str]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|sent|answered|expired
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)


class SurveyDelivery(Base):
    """A message that carried a survey (first send or reminder) and the platform's handle for it."""

    __tablename__ = "survey_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # initial | reminder
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    card_ref: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)


class SurveyAnswer(Base):
    """An answer to one question of one survey; ``mode`` is copied so aggregates need no join."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        UniqueConstraint("survey_id", "question_key", name="uq_survey_answers_survey_question"),
        Index("ix_survey_answers_employee_question", "employee_id", "question_key", "answered_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str] = mapped_column(String(8))
    value: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[date] = mapped_column(Date)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)
