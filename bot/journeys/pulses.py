"""The new hire's weekly pulse as a journey step: a survey through the pulse-survey machinery.

The survey is identified (a care check-in: the questions say HR sees the answers), reminded and
expired like any pulse; the step follows it: sent → done when answered, skipped when it expired.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core import i18n
from bot.core.journey_file import StepDef
from bot.core.runtime import Runtime
from bot.core.send_window import local_instant
from bot.core.sqlutil import dialect_insert
from bot.models import Employee, JourneyStep, Survey
from bot.surveys.bank import load_questions, seed_questions
from bot.surveys.sending import locale_of, send_question


def send(runtime: Runtime, session: Session, step: JourneyStep, spec: StepDef, hire: Employee, now: datetime) -> bool:
    """Create and send the step's survey today; False when there is nothing to ask (paused, no questions)."""
    if hire.surveys_paused:
        return False
    seed_questions(session)
    questions = load_questions(session)
    keys = [k for k in spec.survey if k in questions]
    if not keys:
        return False
    today = runtime.today()
    cfg = runtime.settings.surveys
    # One pulse per person and day: a regular pulse planned for today becomes this one.
    session.execute(
        dialect_insert(session, Survey)
        .values(employee_id=hire.id, scheduled_on=today, question_keys=keys, status="pending", created_at=now)
        .on_conflict_do_nothing(index_elements=["employee_id", "scheduled_on"])
    )
    survey = session.scalar(select(Survey).where(Survey.employee_id == hire.id, Survey.scheduled_on == today))
    assert survey is not None
    if survey.status == "pending":
        survey.question_keys = keys
        # Only the newest pulse is open (as in the regular dispatch).
        session.execute(
            update(Survey)
            .where(Survey.employee_id == hire.id, Survey.status == "sent", Survey.id != survey.id)
            .values(status="expired")
            .execution_options(synchronize_session=False)
        )
        locale = locale_of(runtime, hire)
        lead = i18n.t("surveys.intro", locale, name=hire.name, count=len(keys))
        send_question(runtime, session, survey, questions[keys[0]], hire, purpose="initial", lead=lead, not_before=now)
        survey.status, survey.sent_at = "sent", now
        expires_day = runtime.calendar.add_workdays(today, cfg.expire_after_workdays)
        survey.expires_at = local_instant(runtime, expires_day, cfg.send_until)
    step.survey_id = survey.id
    return True


def follow(runtime: Runtime, session: Session, steps: list[JourneyStep], today: date) -> None:
    """Settle pulse steps whose survey was answered (done) or expired (skipped)."""
    ids = [s.survey_id for s in steps if s.survey_id is not None]
    if not ids:
        return
    surveys = {s.id: s for s in session.scalars(select(Survey).where(Survey.id.in_(ids)))}
    for step in steps:
        survey = surveys.get(step.survey_id or 0)
        if survey is None:
            continue
        if survey.status == "answered":
            step.status = "done"
            answered = survey.answered_at
            step.done_on = answered.astimezone(runtime.tz).date() if answered else today
            step.actor_id = survey.employee_id
        elif survey.status == "expired":
            step.status, step.note = "skipped", step.note or "unanswered"
