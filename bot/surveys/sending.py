"""Putting survey questions in the outbox, with a delivery record per message."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from bot.core import i18n
from bot.core.runtime import Runtime
from bot.models import Employee, Survey, SurveyDelivery, SurveyQuestion
from bot.pipeline.outbox import enqueue
from bot.surveys.compose import question_message

Purpose = Literal["initial", "reminder", "next"]


def locale_of(runtime: Runtime, employee: Employee) -> str:
    """The employee's language, else the company default."""
    return i18n.normalise_locale(employee.locale or runtime.settings.app.locale)


def send_question(
    runtime: Runtime,
    session: Session,
    survey: Survey,
    question: SurveyQuestion,
    employee: Employee,
    *,
    purpose: Purpose,
    lead: str | None = None,
    not_before: datetime | None = None,
) -> int | None:
    """Queue one question for ``employee``; returns the outbox id, or None if it was queued before."""
    locale = locale_of(runtime, employee)
    message = question_message(survey, question, locale, lead=lead, suffix=purpose[0])
    outbox_id = enqueue(
        session,
        key=f"survey:{survey.id}:{question.key}:{purpose}",
        recipient=employee.userid,
        kind=message.kind,
        payload=message.payload,
        platform=runtime.settings.platform.default,
        not_before=not_before,
    )
    if outbox_id is not None:
        card_ref = {"card_id": message.card_id} if message.card_id else None
        session.add(SurveyDelivery(survey_id=survey.id, purpose=purpose, outbox_id=outbox_id, card_ref=card_ref))
    return outbox_id
