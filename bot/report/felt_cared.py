"""The seeds' measure: the share of team-pulse answers of 4 or 5 to "do you feel cared for", period by period.

The report's period and the :data:`PERIODS` − 1 periods of the same length before it, oldest
first; a period with fewer than ``min_group`` distinct respondents shows its size only (the
question is a confidential team pulse). The trend is the last shown share minus the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.models import SurveyAnswer
from bot.report.period import Period

QUESTION = "felt_cared"
PERIODS = 6
HIGH = 4  # answers of 4 or 5 on the 1–5 scale count as "felt cared for"


@dataclass(frozen=True)
class SharePeriod:
    """One period: distinct respondents, answers, and the share of 4–5 answers (``None`` when suppressed)."""

    start: date
    end: date
    respondents: int
    answers: int
    suppressed: bool
    share_high: float | None


@dataclass(frozen=True)
class FeltCared:
    """Per period the share of 4–5 answers, and the change from the first shown period to the last."""

    question: str
    min_respondents: int
    periods: tuple[SharePeriod, ...]

    @property
    def trend(self) -> float | None:
        shown = [p.share_high for p in self.periods if p.share_high is not None]
        return shown[-1] - shown[0] if len(shown) >= 2 else None


def felt_cared(session: Session, period: Period, min_group: int) -> FeltCared:
    """The section for ``period`` (one grouped query over all the periods)."""
    length = timedelta(days=period.days)
    bounds = [(period.start - length * k, period.end - length * k) for k in range(PERIODS - 1, -1, -1)]
    rows = session.execute(
        select(
            SurveyAnswer.employee_id,
            SurveyAnswer.answered_on,
            func.count(),
            func.sum(case((SurveyAnswer.value >= HIGH, 1), else_=0)),
        )
        .where(
            SurveyAnswer.question_key == QUESTION,
            SurveyAnswer.mode == "team",
            SurveyAnswer.value.is_not(None),
            SurveyAnswer.answered_on.between(bounds[0][0], period.end),
        )
        .group_by(SurveyAnswer.employee_id, SurveyAnswer.answered_on)
    ).all()
    out: list[SharePeriod] = []
    for start, end in bounds:
        inside = [(emp, int(n), int(high or 0)) for emp, day, n, high in rows if start <= day <= end]
        people = len({emp for emp, _, _ in inside})
        answers = sum(n for _, n, _ in inside)
        high = sum(h for _, _, h in inside)
        hidden = people < min_group
        out.append(SharePeriod(start, end, people, answers, hidden, None if hidden else high / answers))
    return FeltCared(QUESTION, min_group, tuple(out))
