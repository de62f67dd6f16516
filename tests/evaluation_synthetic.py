"""A synthetic company with a planted effect of care (no tests here): who leaves, mood and sales by arm.

Everyone is tagged on :data:`TAGGED_ON`; the arm decides the chance of leaving within 90 days,
the mood change and the sales change, so the report's estimates can be checked against the truth.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.runtime import Runtime
from bot.evaluation.assignment import arms_by_employee, assign_pending
from bot.models import Employee, Metric, Survey, SurveyAnswer, Tag
from tests.evaluation_org import company

TAGGED_ON = date(2026, 9, 1)
PERIOD = ("2026-09-01", "2026-09-30")


@dataclass(frozen=True)
class Planted:
    """The truth: per arm, the chance to leave, the mean mood change and the relative sales change."""

    leave_care: float = 0.10
    leave_holdout: float = 0.35
    mood_care: float = 0.8
    mood_holdout: float = 0.0
    sales_care: float = 0.18
    sales_holdout: float = 0.0

    @property
    def turnover_difference(self) -> float:
        return self.leave_care - self.leave_holdout


def _answer(s: Session, emp: int, day: date, value: float) -> None:
    survey = Survey(employee_id=emp, scheduled_on=day, question_keys=["mood"], status="answered")
    s.add(survey)
    s.flush()
    s.add(
        SurveyAnswer(
            survey_id=survey.id,
            employee_id=emp,
            question_key="mood",
            mode="checkin",
            value=value,
            answered_on=day,
            answered_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=3),
        )
    )


def build(runtime: Runtime, s: Session, people: int, truth: Planted, seed: int) -> dict[int, str]:
    """The company, its arms, one tag each and outcomes drawn from ``truth``; returns the arms."""
    company(s, people)
    assign_pending(runtime, s)
    staff = [e for e in s.scalars(select(Employee).where(Employee.is_hr.is_(False)))]
    arms = arms_by_employee(s, runtime.settings.evaluation.unit, [e.id for e in staff])
    rng = random.Random(seed)
    for e in staff:
        care = arms[e.id] == "care"
        s.add(
            Tag(
                rule_id="high_pressure",
                employee_id=e.id,
                severity="high",
                status="active",
                raised_on=TAGGED_ON,
                last_seen_on=TAGGED_ON,
                evidence={},
            )
        )
        if rng.random() < (truth.leave_care if care else truth.leave_holdout):
            e.status, e.left_on = "left", TAGGED_ON + timedelta(days=rng.randint(5, 85))
            e.leave_reason = "voluntary" if rng.random() < 0.8 else "involuntary"
        before = rng.gauss(3.0, 0.6)
        after = before + (truth.mood_care if care else truth.mood_holdout) + rng.gauss(0, 0.6)
        _answer(s, e.id, TAGGED_ON - timedelta(days=3), before)
        _answer(s, e.id, TAGGED_ON + timedelta(days=7), after)
        base = rng.uniform(8_000, 12_000)
        lift = 1 + (truth.sales_care if care else truth.sales_holdout)
        for week in range(1, 5):
            s.add(
                Metric(
                    employee_id=e.id,
                    metric="sales",
                    day=TAGGED_ON - timedelta(days=7 * week - 1),
                    value=base * rng.uniform(0.9, 1.1),
                )
            )
            s.add(
                Metric(
                    employee_id=e.id,
                    metric="sales",
                    day=TAGGED_ON + timedelta(days=7 * week - 3),
                    value=base * lift * rng.uniform(0.9, 1.1),
                )
            )
    s.flush()
    return {e.id: arms[e.id] for e in staff}
