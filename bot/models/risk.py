"""Attrition-risk models: what was trained when, on which data, and how well it back-tested."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, JSONType, UTCDateTime


class RiskModel(Base):
    """One training run: a learned model's parameters, or the decision to stay with the rule score.

    ``params`` holds everything scoring needs (feature names, scaling, coefficients, calibration),
    so scores are reproducible without pickles; ``backtest`` the time-split figures.
    """

    __tablename__ = "risk_models"
    __table_args__ = (Index("ix_risk_models_as_of", "as_of"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # learned | rules
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime)
    as_of: Mapped[date] = mapped_column(Date)
    horizon_days: Mapped[int] = mapped_column(Integer)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    leavers: Mapped[int] = mapped_column(Integer, default=0)
    params: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    backtest: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    message: Mapped[str | None] = mapped_column(Text)
