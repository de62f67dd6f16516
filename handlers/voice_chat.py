"""Free text in chat: answers to the consent question, then intents (help, distress, …) and their replies.

Runs after the command and survey handlers: slash commands and survey answers are theirs. While a
survey is open, a message that is not an answer is read as free text and the open question is
asked again with its buttons.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.core import i18n
from bot.core.input_guard import plain_int
from bot.models import Employee
from bot.people.directory import active_employee
from bot.pipeline import outbox
from bot.pipeline.dispatch import Context, Reply
from bot.pipeline.events import CardAction, ChatMessage
from bot.surveys.bank import load_questions
from bot.surveys.compose import chat_text, question_message
from bot.surveys.parsing import looks_numeric
from bot.surveys.state import answers_of, next_key, open_survey
from bot.voice import consent, life
from bot.voice.classify import classifier_for
from bot.voice.support import support_lines
from handlers.survey_replies import _is_command

if TYPE_CHECKING:
    from bot.ops.registry import Registry

log = logging.getLogger(__name__)


def _locale(ctx: Context, employee: Employee) -> str:
    return i18n.normalise_locale(employee.locale or ctx.runtime.settings.app.locale)


def _survey_repeat(ctx: Context, employee: Employee, event: ChatMessage, locale: str) -> str | None:
    """The open survey question as text, and its card (with buttons) queued again; None if no survey."""
    survey = open_survey(ctx.session, employee.id, ctx.runtime.clock.now())
    if survey is None:
        return None
    questions = load_questions(ctx.session)
    key = next_key(survey, answers_of(ctx.session, survey.id))
    q = questions.get(key or "")
    if q is None:
        return None
    message = question_message(
        survey, q, locale, lead=i18n.t("voice.survey_repeat", locale), suffix=f"r{event.message_id}"[:24]
    )
    if message.kind == "card":
        outbox.enqueue(
            ctx.session,
            key=f"survey:{survey.id}:{q.key}:repeat:{event.platform}:{event.message_id}"[:190],
            recipient=employee.userid,
            kind="card",
            payload=message.payload,
            platform=event.platform,
        )
    return f"{i18n.t('voice.survey_repeat', locale)}\n{chat_text(survey, q, locale)}"


def _survey_takes(ctx: Context, employee: Employee, text: str) -> bool:
    """Whether the survey handler reads this message as an answer (a number, or a comment)."""
    survey = open_survey(ctx.session, employee.id, ctx.runtime.clock.now())
    if survey is None:
        return False
    q = load_questions(ctx.session).get(next_key(survey, answers_of(ctx.session, survey.id)) or "")
    return q is not None and (q.kind == "text" or looks_numeric(text))


def voice_reply(event: ChatMessage, ctx: Context) -> Reply | None:
    """Answer free text by its intent, always asking before anything reaches HR."""
    settings = ctx.runtime.settings
    if not settings.voice.enabled or not event.text.strip() or _is_command(event.text):
        return None
    employee = active_employee(ctx.session, event.sender_userid)
    if employee is None:
        return None
    locale = _locale(ctx, employee)
    flow = life.active(ctx.runtime, ctx.session, employee)
    if flow is not None:
        # An open /家里有事 flow takes every non-command message as the answer to its current step.
        said = life.step(ctx.runtime, ctx.session, employee, flow, event.text, platform=event.platform, locale=locale)
        return Reply(text=said, private=True)
    answered = consent.answer_text(ctx.runtime, ctx.session, employee, event.text, locale)
    if answered is not None:
        return Reply(text=answered, private=True)
    if _survey_takes(ctx, employee, event.text):
        return None
    result = classifier_for(settings.voice).classify(event.text)
    # The intent, never the text: chat content stays out of the logs.
    log.info("free text from %s classified as %s (%.2f)", event.sender_userid, result.intent, result.confidence)
    text: str | None = None
    if result.escalates:
        text = consent.offer(
            ctx.runtime, ctx.session, employee, result.intent, event.text, platform=event.platform, locale=locale
        ).text
    elif result.intent == "privacy":
        text = i18n.t("voice.privacy", locale)
    elif result.intent == "smalltalk":
        text = i18n.t("voice.smalltalk", locale)
    elif any("[third party]" in m for m in result.matched):
        text = i18n.t("voice.third_party", locale)
    repeat = _survey_repeat(ctx, employee, event, locale)
    if repeat is not None:
        text = f"{text}\n\n{repeat}" if text else repeat
    return Reply(text=text, private=True) if text else None


def consent_clicked(event: CardAction, ctx: Context) -> Reply | None:
    """是 / 先不用 on the consent card."""
    if event.action != consent.CONSENT_ACTION:
        return None
    employee = active_employee(ctx.session, event.userid)
    request_id = plain_int(str(event.params.get("request", "")))  # "²" passes isdigit(), not int()
    if employee is None or request_id is None:
        return None
    outcome = consent.answer_click(
        ctx.runtime, ctx.session, employee, request_id, str(event.params.get("answer", "")), _locale(ctx, employee)
    )
    if outcome is None:
        return None
    status, text = outcome
    return Reply(text=text, card_update={"status_text": status})


def life_clicked(event: CardAction, ctx: Context) -> Reply | None:
    """同意 / 不同意 on the life-event consent card."""
    if event.action != life.LIFE_ACTION:
        return None
    employee = active_employee(ctx.session, event.userid)
    flow_id = str(event.params.get("flow", ""))
    if employee is None or not flow_id.isdigit():
        return None
    outcome = life.answer_click(
        ctx.runtime, ctx.session, employee, int(flow_id), str(event.params.get("value", "")), _locale(ctx, employee)
    )
    if outcome is None:
        return None
    status, text = outcome
    return Reply(text=text, card_update={"status_text": status})


def support_reply(ctx: Context, locale: str) -> list[str]:
    """The support lines (used after very high stress answers too)."""
    return support_lines(ctx.runtime, locale)


def register(registry: Registry) -> None:
    """Free text (intents, consent) and the consent and life-event card buttons."""
    registry.on(ChatMessage, voice_reply)
    registry.on(CardAction, consent_clicked)
    registry.on(CardAction, life_clicked)
