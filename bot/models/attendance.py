"""Attendance: raw punches, approvals (leave, trips, overtime) and the daily facts rules read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, JSONType, UTCDateTime, stamp_now


class Punch(Base):
    """One clock-in/out. Kept even for an unknown user id; linked when the employee appears."""

    __tablename__ = "punches"
    __table_args__ = (
        # A re-sent punch (same person, same instant) changes nothing.
        UniqueConstraint("userid", "punched_at", name="uq_punches_userid_punched_at"),
        Index("ix_punches_employee_punched_at", "employee_id", "punched_at"),
        Index("ix_punches_punched_at", "punched_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    userid: Mapped[str] = mapped_column(String(64))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    punched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(16))  # dingtalk | wecom | import | local | demo
    check_type: Mapped[str | None] = mapped_column(String(16))  # on | off | out | None
    source_ref: Mapped[str | None] = mapped_column(String(128))  # bizId etc., for tracing only
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)


class Approval(Base):
    """A leave, business-trip, outing or overtime approval covering an interval."""

    __tablename__ = "approvals"
    __table_args__ = (
        UniqueConstraint("source", "source_key", name="uq_approvals_source_key"),
        Index("ix_approvals_employee_start", "employee_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    userid: Mapped[str] = mapped_column(String(64))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # leave | trip | goout | overtime
    status: Mapped[str] = mapped_column(String(16))  # pending | approved | rejected | revoked
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))
    source_key: Mapped[str] = mapped_column(String(128))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now, onupdate=stamp_now)


class AttendanceDay(Base):
    """Daily facts per employee per local day in the company time zone.

    ``first_in_min``/``last_out_min`` are minutes after that day's local midnight; a punch after
    midnight that belongs to the shift (before the day boundary) counts past 1440, so "last out
    after 21:00" is a plain integer comparison on both SQLite and PostgreSQL.
    """

    __tablename__ = "attendance_days"
    __table_args__ = (
        UniqueConstraint("employee_id", "day", name="uq_attendance_days_employee_day"),
        Index("ix_attendance_days_day", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(8))  # workday | restday | holiday
    on_leave: Mapped[bool] = mapped_column(Boolean, default=False)
    leave_kind: Mapped[str | None] = mapped_column(String(16))
    first_in: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_out: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_in_min: Mapped[int | None] = mapped_column(Integer)
    last_out_min: Mapped[int | None] = mapped_column(Integer)
    punch_count: Mapped[int] = mapped_column(Integer, default=0)
    worked_minutes: Mapped[int] = mapped_column(Integer, default=0)
    late_minutes: Mapped[int] = mapped_column(Integer, default=0)
    overtime_minutes: Mapped[int] = mapped_column(Integer, default=0)
    approved_overtime_minutes: Mapped[int] = mapped_column(Integer, default=0)
    # The person's scheduled shift that day (shift_days), minutes after local midnight; NULL when
    # the company-wide [attendance] hours apply. "Late night" is judged against sched_end_min.
    sched_start_min: Mapped[int | None] = mapped_column(Integer)
    sched_end_min: Mapped[int | None] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now)
