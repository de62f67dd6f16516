"""Shift schedules (排班): one row per person and day, with the window of punches that belong to it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime, stamp_now


class ShiftDay(Base):
    """A person's scheduled shift on one local day, or a scheduled rest day (no start/end).

    ``start_min``/``end_min`` are minutes after the day's local midnight; a night shift ending the
    next morning has ``end_min`` past 1440. ``window_lo``/``window_hi`` delimit the punches that
    belong to this shift (computed from the neighbouring days so that windows never overlap).
    """

    __tablename__ = "shift_days"
    __table_args__ = (
        UniqueConstraint("employee_id", "day", name="uq_shift_days_employee_day"),
        Index("ix_shift_days_day", "day"),
        Index("ix_shift_days_employee_window", "employee_id", "window_lo"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str | None] = mapped_column(String(32))
    start_min: Mapped[int | None] = mapped_column(Integer)
    end_min: Mapped[int | None] = mapped_column(Integer)
    window_lo: Mapped[datetime] = mapped_column(UTCDateTime)
    window_hi: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(16), default="import")  # import | dingtalk
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now, onupdate=stamp_now)
