"""Care: tags raised by rules, reminders to HR and managers, and the care actions taken."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, JSONType, UTCDateTime, stamp_now


class Tag(Base):
    """A care tag: rule ``rule_id`` holds for an employee, with the evidence that satisfied it."""

    __tablename__ = "tags"
    __table_args__ = (
        # Idempotency of evaluation: one tag per (rule, employee, raise date).
        UniqueConstraint("rule_id", "employee_id", "raised_on", name="uq_tags_rule_employee_raised_on"),
        Index("ix_tags_status_rule", "status", "rule_id"),
        Index("ix_tags_employee_status", "employee_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(64))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    severity: Mapped[str] = mapped_column(String(8))  # low | medium | high
    status: Mapped[str] = mapped_column(String(16), default="active")  # active|resolved|expired|dismissed
    raised_on: Mapped[date] = mapped_column(Date)
    last_seen_on: Mapped[date] = mapped_column(Date)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    score: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # Raised by a rule's first evaluation (new installation, rule newly switched on) about a
    # situation that already held before: shown on the dashboard, never pushed as a reminder.
    quiet: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)


class Reminder(Base):
    """A tag brought to one recipient (HR business partner or manager); closable from chat."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("tag_id", "recipient_id", name="uq_reminders_tag_recipient"),
        Index("ix_reminders_status_due", "status", "due_at"),
        Index("ix_reminders_recipient_status", "recipient_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))  # hrbp | hr | manager
    # open (waiting to be sent or sent, not acted) | snoozed | done | dismissed | capped
    # | held_out (evaluation mode: the person is in the holdout arm, never sent)
    # | expired (its moment passed before anyone acted; bot/reminders/moment.py)
    status: Mapped[str] = mapped_column(String(16), default="open")
    # immediate | digest | summary (did not fit the daily budget; went out in the weekly summary)
    delivery: Mapped[str] = mapped_column(String(16), default="immediate")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The last local day on which the reminder is still useful (a birthday: the birthday); None:
    # useful while its tag is active.
    useful_until: Mapped[date | None] = mapped_column(Date)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    dismiss_reason: Mapped[str | None] = mapped_column(Text)
    card_ref: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)


class BudgetUse(Base):
    """How much of a recipient's daily budget (``[reminders].daily_budget``) one source used on one day."""

    __tablename__ = "budget_uses"
    __table_args__ = (UniqueConstraint("recipient_id", "day", "source", name="uq_budget_uses_recipient_day_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)  # local day in the company time zone
    source: Mapped[str] = mapped_column(String(32))  # reminders | journeys | …
    used: Mapped[int] = mapped_column(Integer, default=0)


class CareAction(Base):
    """Something a person did to care for an employee (the outcome measured by reports)."""

    __tablename__ = "care_actions"
    __table_args__ = (Index("ix_care_actions_employee_acted", "employee_id", "acted_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id", ondelete="SET NULL"))
    tag_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))  # done | dismissed | talk | note
    note: Mapped[str | None] = mapped_column(Text)
    # Minutes the conversation took, when the person recorded it (else the report uses
    # [report].minutes_per_care_action).
    minutes: Mapped[int | None] = mapped_column(Integer)
    acted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)
