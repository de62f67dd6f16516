"""Where a person's pulse stands: the open survey, its answered and next questions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Survey, SurveyAnswer

# A reply this long after a pulse expired is no longer read as a late answer to it.
LATE_REPLY_WINDOW = timedelta(days=14)


def answers_of(session: Session, survey_id: int) -> dict[str, SurveyAnswer]:
    """The survey's answers by question key."""
    rows = session.scalars(select(SurveyAnswer).where(SurveyAnswer.survey_id == survey_id))
    return {a.question_key: a for a in rows}


def next_key(survey: Survey, answered: dict[str, SurveyAnswer]) -> str | None:
    """The first question of the survey not answered yet (the optional comment comes last)."""
    return next((k for k in survey.question_keys if k not in answered), None)


def open_survey(session: Session, employee_id: int, now: datetime) -> Survey | None:
    """The person's delivered, unexpired survey that still waits for an answer or a comment."""
    candidates = session.scalars(
        select(Survey)
        .where(
            Survey.employee_id == employee_id,
            Survey.status.in_(("sent", "answered")),
            Survey.sent_at <= now,
            Survey.expires_at > now,
        )
        .order_by(Survey.scheduled_on.desc(), Survey.id.desc())
        .limit(3)
    )
    for survey in candidates:
        if next_key(survey, answers_of(session, survey.id)) is not None:
            return survey
    return None


def recently_expired(session: Session, employee_id: int, now: datetime) -> Survey | None:
    """The person's latest survey if it expired unanswered not long ago (late replies are thanked)."""
    latest = session.scalars(
        select(Survey)
        .where(Survey.employee_id == employee_id, Survey.status != "pending")
        .order_by(Survey.scheduled_on.desc(), Survey.id.desc())
        .limit(1)
    ).first()
    # "sent" past its expiry counts too: the job that marks it expired may not have run yet.
    if latest is None or latest.status not in ("sent", "expired") or latest.expires_at is None:
        return None
    if latest.expires_at > now:
        return None
    return latest if now - latest.expires_at <= LATE_REPLY_WINDOW else None
