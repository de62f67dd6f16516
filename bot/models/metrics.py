"""Performance metrics imported from CRM (calls, rejection rate, sales, …)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime, stamp_now


class Metric(Base):
    """One value of one metric for one employee on one day."""

    __tablename__ = "metrics"
    __table_args__ = (
        UniqueConstraint("employee_id", "metric", "day", name="uq_metrics_employee_metric_day"),
        Index("ix_metrics_metric_day", "metric", "day"),
        # Covers the rule evaluation's per-person pass (rules/shared/metrics.py): SQLite reads the
        # values from the index in person order instead of looking each row up in the table.
        Index("ix_metrics_employee_metric_day_value", "employee_id", "metric", "day", "value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(16), default="import")  # import | api | demo
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=stamp_now, onupdate=stamp_now)
