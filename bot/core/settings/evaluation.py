"""``[evaluation]``: the randomised holdout's switch, share, unit, start, seed and never-held rules."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Wellbeing and legal rules: a person in the holdout still gets these reminders, because holding
# back a stress ≥ 8 check-in, a family emergency or overtime at the legal cap is not acceptable
# for the sake of a measurement. An explicit ``never_hold`` list replaces this default.
DEFAULT_NEVER_HOLD: tuple[str, ...] = (
    "high_stress",  # self-reported stress ≥ 8 (wellbeing)
    "sales_pressure",  # a sales slump together with stress ≥ 8 (wellbeing)
    "family_event",  # declared bereavement, illness, newborn (distress)
    "overtime_near_limit",  # monthly overtime near the 36-hour cap of Labour Law art. 41 (legal)
    "long_week",  # a 55-hour week, far over the 44-hour statutory week (legal)
)

Arm = Literal["care", "holdout"]
ARMS: tuple[Arm, Arm] = ("care", "holdout")


class EvaluationSection(BaseModel):
    """Evaluation mode: hold back the reminders of a random share of people to measure care's effect."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    holdout_share: float = Field(default=0.3, gt=0, le=0.5)
    unit: Literal["employee", "department"] = "employee"
    # First day of the experiment (company time zone): no arms before it, and tags raised before it
    # are neither held nor counted. Empty = from when evaluation mode is switched on.
    start: date | None = None
    seed: int = Field(default=20261130, ge=0, le=2**31 - 1)
    never_hold: tuple[str, ...] = DEFAULT_NEVER_HOLD
    # Weeks before/after the first care action compared in "performance after care".
    performance_weeks: int = Field(default=4, ge=1, le=26)

    @field_validator("start", mode="before")
    @classmethod
    def _empty_start(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("never_hold")
    @classmethod
    def _rule_ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [r for r in value if not r or len(r) > 64 or not r.replace("_", "").replace("-", "").isalnum()]
        if bad:
            raise ValueError(f"not a rule id: {bad[0]!r}")
        return value
