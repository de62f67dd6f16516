"""The shapes risk scores travel in: one person's score and reasons, and a scored list with its model."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Reason:
    """One contribution to a score: the feature (or rule signal), its words, its size."""

    feature: str
    label: str
    contribution: float
    label_en: str = ""  # the English words too, for tag evidence shown in either language


@dataclass(frozen=True)
class PersonScore:
    """A person's score (probability within the horizon, or rule score 0..1) and reasons, largest first."""

    employee_id: int
    score: float
    reasons: list[Reason]


@dataclass
class RiskView:
    """Scores as of a day with the model that produced them (``kind`` learned or rules)."""

    kind: str
    as_of: date
    horizon_days: int
    trained_at: datetime | None = None
    backtest: dict[str, Any] | None = None
    message: str | None = None
    people: list[PersonScore] = field(default_factory=list)
