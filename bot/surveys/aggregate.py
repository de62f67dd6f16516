"""Team pulse results: only aggregates over at least five distinct respondents ever leave this module."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import SurveyAnswer
from bot.surveys.bank import MIN_TEAM_RESPONDENTS


@dataclass(frozen=True)
class TeamResult:
    """One question's aggregate; ``average`` is None when fewer than five people answered."""

    question_key: str
    respondents: int
    average: float | None


def team_results(
    session: Session, employee_ids: Collection[int], since: date, *, minimum: int = MIN_TEAM_RESPONDENTS
) -> list[TeamResult]:
    """Averages of team-pulse answers of ``employee_ids`` since ``since``, hidden below ``minimum`` people."""
    if not employee_ids:
        return []
    minimum = max(minimum, MIN_TEAM_RESPONDENTS)  # callers may ask for more privacy, never for less
    rows = session.execute(
        select(
            SurveyAnswer.question_key,
            func.count(func.distinct(SurveyAnswer.employee_id)),
            func.avg(SurveyAnswer.value),
        )
        .where(
            SurveyAnswer.mode == "team",
            SurveyAnswer.value.is_not(None),
            SurveyAnswer.answered_on >= since,
            SurveyAnswer.employee_id.in_(list(employee_ids)),
        )
        .group_by(SurveyAnswer.question_key)
        .order_by(SurveyAnswer.question_key)
    )
    return [
        TeamResult(key, int(n), round(float(avg), 2) if n >= minimum and avg is not None else None)
        for key, n, avg in rows
    ]
