"""Onboarding journeys: one per new hire, with the steps (tasks) planned from the journey file."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, JSONType, UTCDateTime, stamp_now


class Journey(Base):
    """A new hire's onboarding journey; at most one per employee (a rehire with history gets none)."""

    __tablename__ = "journeys"
    __table_args__ = (Index("ix_journeys_status", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(64))  # the journey file's ``name``
    started_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | completed | cancelled
    source: Mapped[str] = mapped_column(String(16))  # how the hire came in: import | api | dingtalk | wecom …
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)


class JourneyStep(Base):
    """One step of a journey: a task for its assignee, due on a workday, done / skipped / cancelled."""

    __tablename__ = "journey_steps"
    __table_args__ = (
        UniqueConstraint("journey_id", "step_key", name="uq_journey_steps_journey_step_key"),
        # Task numbers are per assignee so that "/完成 1" means my first task.
        UniqueConstraint("assignee_id", "task_no", name="uq_journey_steps_assignee_task_no"),
        Index("ix_journey_steps_status_due", "status", "due_on"),
        Index("ix_journey_steps_assignee_status", "assignee_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journeys.id", ondelete="CASCADE"))
    step_key: Mapped[str] = mapped_column(String(64))  # the step's id in the journey file
    day: Mapped[int] = mapped_column(Integer)
    assignee_role: Mapped[str] = mapped_column(String(16))  # hr | manager | mentor | admin | it | new_hire
    # Resolved when the task is sent (a mentor may be assigned only on day 0).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    task_no: Mapped[int | None] = mapped_column(Integer)
    due_on: Mapped[date | None] = mapped_column(Date)  # None while its anchor date is unknown
    # pending | sent | done | skipped | overdue | cancelled
    status: Mapped[str] = mapped_column(String(16), default="pending")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_to_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_on: Mapped[date | None] = mapped_column(Date)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    # Scores and comment of an evaluation step ({"scores": {...}, "comment": "..."}).
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="SET NULL"))
    card_ref: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)
