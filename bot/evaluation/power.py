"""Planning an experiment: how many tagged people, and so how many months, to detect a reduction in leaving.

The outcome is leaving within ``[report].turnover_window_days`` of a person's first tag, compared
between the arms as a difference of proportions. ``statsmodels`` gives the sample size of a
two-sided two-sample z-test on Cohen's *h* for the arms' unequal sizes; months of enrolment follow
from how many people get tagged a month, plus one observation window at the end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Employee, Tag

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class PlanInput:
    """What the plan needs; rates are fractions."""

    employees: int
    annual_turnover: float
    reduction: float  # relative: 0.3 = the care arm leaves 30 % less often
    tagged_per_month: float
    holdout_share: float
    window_days: int
    alpha: float = 0.05
    power: float = 0.8


@dataclass(frozen=True)
class Plan:
    """The answer: leaving chances in the window, people needed per arm, months to run."""

    holdout_rate: float
    care_rate: float
    care_people: int
    holdout_people: int
    enrolment_months: float | None
    total_months: float | None

    @property
    def people(self) -> int:
        return self.care_people + self.holdout_people


def window_rate(annual: float, window_days: int) -> float:
    """The chance to leave within ``window_days`` at a constant hazard giving ``annual`` a year."""
    return 1 - (1 - annual) ** (window_days / 365)


def plan(p: PlanInput) -> Plan:
    """People needed per arm and months of enrolment plus follow-up."""
    # Imported on use (as in bot/evaluation/stats.py): processes start without statsmodels.
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    holdout_rate = window_rate(p.annual_turnover, p.window_days)
    care_rate = holdout_rate * (1 - p.reduction)
    effect = abs(float(proportion_effectsize(holdout_rate, care_rate)))
    ratio = p.holdout_share / (1 - p.holdout_share)  # holdout people per care person
    care = float(NormalIndPower().solve_power(effect_size=effect, alpha=p.alpha, power=p.power, ratio=ratio))
    care_people = math.ceil(care)
    holdout_people = math.ceil(care * ratio)
    if p.tagged_per_month <= 0:
        return Plan(holdout_rate, care_rate, care_people, holdout_people, None, None)
    enrolment = (care_people + holdout_people) / p.tagged_per_month
    return Plan(
        holdout_rate, care_rate, care_people, holdout_people, enrolment, enrolment + p.window_days / DAYS_PER_MONTH
    )


def observed(session: Session, today: date) -> tuple[int, float | None, float]:
    """From the data: active employees, last year's turnover, people newly tagged a month (last 90 days)."""
    active = int(session.scalar(select(func.count()).where(Employee.status == "active")) or 0)
    year_ago = today - timedelta(days=365)
    left = int(
        session.scalar(select(func.count()).where(Employee.left_on.is_not(None), Employee.left_on > year_ago)) or 0
    )
    annual = left / (active + left / 2) if active + left else None  # leavers over the year's mean headcount
    since = today - timedelta(days=90)
    tagged = int(session.scalar(select(func.count(func.distinct(Tag.employee_id))).where(Tag.raised_on > since)) or 0)
    return active, annual, tagged / (90 / DAYS_PER_MONTH)
