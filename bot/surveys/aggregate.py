"""Team pulse results: only aggregates over at least five distinct respondents ever leave this module."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from bot.models import Employee, SurveyAnswer
from bot.surveys.bank import MIN_TEAM_RESPONDENTS


@dataclass(frozen=True)
class TeamResult:
    """One question's aggregate; ``average`` is None when fewer than five people answered."""

    question_key: str
    respondents: int
    average: float | None


def team_results(
    session: Session,
    members: ColumnElement[bool] | Collection[int],
    since: datetime,
    *,
    minimum: int = MIN_TEAM_RESPONDENTS,
    until: datetime | None = None,
) -> list[TeamResult]:
    """Averages of the members' team-pulse answers given since ``since``, hidden below ``minimum`` people.

    ``members`` is a condition on ``employees`` (e.g. a manager's reports) or a collection of ids.
    """
    minimum = max(minimum, MIN_TEAM_RESPONDENTS)  # callers may ask for more privacy, never for less
    if isinstance(members, ColumnElement):
        member_filter = SurveyAnswer.employee_id.in_(select(Employee.id).where(members))
    elif members:
        member_filter = SurveyAnswer.employee_id.in_(list(members))
    else:
        return []
    rows = session.execute(
        select(
            SurveyAnswer.question_key,
            func.count(func.distinct(SurveyAnswer.employee_id)),
            func.avg(SurveyAnswer.value),
        )
        .where(
            member_filter,
            SurveyAnswer.mode == "team",
            SurveyAnswer.value.is_not(None),
            SurveyAnswer.answered_at >= since,
            *([SurveyAnswer.answered_at < until] if until is not None else []),
        )
        .group_by(SurveyAnswer.question_key)
        .order_by(SurveyAnswer.question_key)
    )
    return [TeamResult(key, int(n), float(avg) if n >= minimum and avg is not None else None) for key, n, avg in rows]
