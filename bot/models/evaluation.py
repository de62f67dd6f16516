"""Evaluation mode: the arm each unit (employee or department) was assigned to, once and for good."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime, stamp_now


class EvaluationAssignment(Base):
    """Unit ``unit_id`` of kind ``unit`` is in ``arm``; rows are only ever inserted, never updated.

    ``unit_id`` is an employee id or a department id (0 stands for "no department"); it is not a
    foreign key so that an assignment outlives the row it names — an arm is never given again.
    """

    __tablename__ = "evaluation_assignments"
    __table_args__ = (
        UniqueConstraint("unit", "unit_id", name="uq_evaluation_assignments_unit_unit_id"),
        Index("ix_evaluation_assignments_arm", "arm"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit: Mapped[str] = mapped_column(String(16))  # employee | department
    unit_id: Mapped[int] = mapped_column(Integer)
    arm: Mapped[str] = mapped_column(String(8))  # care | holdout
    stratum: Mapped[str] = mapped_column(String(64))  # department and tenure band at assignment
    seed: Mapped[int] = mapped_column(Integer)
    assigned_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)
