"""Recording answers from chat replies and card buttons; invalid replies get a short correction."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bot.core import i18n
from bot.core.runtime import Runtime
from bot.core.sqlutil import dialect_insert
from bot.models import Employee, Survey, SurveyAnswer, SurveyQuestion
from bot.surveys import feed
from bot.surveys.bank import COMMENT_KEY, load_questions
from bot.surveys.compose import chat_text
from bot.surveys.parsing import is_skip, looks_numeric, parse_number
from bot.surveys.sending import locale_of, send_question
from bot.surveys.state import answers_of, next_key, open_survey, recently_expired
from bot.voice import messages as _voice_texts  # noqa: F401  (the follow-up texts)

log = logging.getLogger(__name__)

MAX_COMMENT_CHARS = 2000


@dataclass
class ClickOutcome:
    """What a survey button click led to: the clicked card's new status line."""

    status_text: str
    recorded: bool = False
    follow_up: list[int] = field(default_factory=list)


def _store(
    runtime: Runtime, session: Session, survey: Survey, q: SurveyQuestion, *, value: int | None, text: str | None
) -> bool:
    """Insert one answer (first one wins: a replayed click changes nothing); True when stored now."""
    now = runtime.clock.now()
    stmt = (
        dialect_insert(session, SurveyAnswer)
        .values(
            survey_id=survey.id,
            employee_id=survey.employee_id,
            question_key=q.key,
            mode=q.mode,
            value=value,
            text=text,
            answered_on=runtime.today(),
            answered_at=now,
        )
        .on_conflict_do_nothing(index_elements=["survey_id", "question_key"])
        .returning(SurveyAnswer.id)
    )
    stored = session.execute(stmt).scalar_one_or_none() is not None
    if stored and survey.status == "sent":
        answered = answers_of(session, survey.id)
        required = [k for k in survey.question_keys if k != COMMENT_KEY]
        if all(k in answered for k in required):
            survey.status = "answered"
            survey.answered_at = now
    return stored


def _in_range(q: SurveyQuestion, value: int | None) -> bool:
    return (
        value is not None
        and q.scale_min is not None
        and q.scale_max is not None
        and q.scale_min <= value <= q.scale_max
    )


def _correction(q: SurveyQuestion, locale: str) -> str:
    return i18n.t("surveys.correction", locale, low=q.scale_min, high=q.scale_max)


def _after(session: Session, survey: Survey, questions: dict[str, SurveyQuestion], locale: str) -> str:
    """The text that follows a recorded answer: the next question, or thanks."""
    key = next_key(survey, answers_of(session, survey.id))
    if key is None or key not in questions:
        return i18n.t("surveys.thanks_done", locale)
    return chat_text(survey, questions[key], locale)


def after_high(runtime: Runtime, q: SurveyQuestion, value: int, locale: str) -> str:
    """After stress ≥ 8 or mood ≤ 2: what happens next, and the support lines ("" otherwise)."""
    from bot.voice.support import support_lines

    if not ((q.key == "stress" and value >= 8) or (q.key == "mood" and value <= 2)):
        return ""
    key = "voice.after_high.checkin" if q.mode == "checkin" else "voice.after_high.team"
    return "\n".join([i18n.t(key, locale), *support_lines(runtime, locale)])


def reply_to_chat(runtime: Runtime, session: Session, employee: Employee, text: str) -> str | None:
    """Answer a 1:1 chat message as part of the person's pulse; None when it is not about one."""
    now = runtime.clock.now()
    locale = locale_of(runtime, employee)
    survey = open_survey(session, employee.id, now)
    if survey is None:
        # Only number-like replies are read as late answers; other chat is none of our business.
        if looks_numeric(text) and recently_expired(session, employee.id, now) is not None:
            return i18n.t("surveys.expired_thanks", locale)
        return None
    questions = load_questions(session)
    key = next_key(survey, answers_of(session, survey.id))
    q = questions.get(key or "")
    if q is None:
        return None
    if q.kind == "text":
        if is_skip(text):
            _store(runtime, session, survey, q, value=None, text=None)
            return i18n.t("surveys.comment_skipped", locale)
        _store(runtime, session, survey, q, value=None, text=text.strip()[:MAX_COMMENT_CHARS])
        return i18n.t("surveys.comment_saved", locale)
    if not looks_numeric(text):
        # Not an answer at all ("帮助", "我压力好大"): free text, read by the voice handler, which
        # repeats this question with its buttons.
        return None
    value = parse_number(text)
    if not _in_range(q, value):
        return _correction(q, locale)
    assert value is not None
    _store(runtime, session, survey, q, value=value, text=None)
    feed.after_answer(runtime, session, employee.id)
    follow_up = after_high(runtime, q, value, locale)
    recorded = i18n.t("surveys.recorded", locale, value=value)
    if follow_up:
        recorded = f"{recorded}\n\n{follow_up}"
    return f"{recorded}\n\n{_after(session, survey, questions, locale)}"


def answer_click(
    runtime: Runtime, session: Session, employee: Employee, survey_id: int, key: str, raw_value: str
) -> ClickOutcome | None:
    """Record a button answer; None when the card is not this person's survey."""
    now = runtime.clock.now()
    locale = locale_of(runtime, employee)
    survey = session.get(Survey, survey_id)
    if survey is None or survey.employee_id != employee.id or key not in survey.question_keys:
        return None
    if survey.status == "expired" or (survey.expires_at is not None and survey.expires_at <= now):
        return ClickOutcome(i18n.t("surveys.expired_thanks", locale))
    questions = load_questions(session)
    q = questions.get(key)
    if q is None:
        return None
    if key in answers_of(session, survey.id):
        # Never echo the recorded value: a card update is visible to whoever holds the card.
        return ClickOutcome(i18n.t("surveys.already_answered", locale))
    value = parse_number(raw_value)
    if not _in_range(q, value):
        return ClickOutcome(_correction(q, locale))
    assert value is not None
    _store(runtime, session, survey, q, value=value, text=None)
    feed.after_answer(runtime, session, employee.id)
    outcome = ClickOutcome(i18n.t("surveys.recorded_status", locale, value=value), recorded=True)
    follow_up = after_high(runtime, q, value, locale)
    if follow_up:
        outcome.status_text += "\n" + follow_up
    following = next_key(survey, answers_of(session, survey.id))
    if following is None or following not in questions:
        outcome.status_text += " " + i18n.t("surveys.thanks_done", locale)
    else:
        outbox_id = send_question(runtime, session, survey, questions[following], employee, purpose="next")
        if outbox_id is not None:
            outcome.follow_up.append(outbox_id)
    return outcome
