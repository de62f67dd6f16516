"""Survey answers: a number (or the optional comment) replied in 1:1 chat, or a card button.

Only people with an open pulse are answered; every other message is left alone, and slash
commands are never touched (the command handler owns them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.input_guard import plain_int
from bot.people.directory import active_employee
from bot.pipeline.dispatch import Context, Reply
from bot.pipeline.events import CardAction, ChatMessage
from bot.surveys.answers import answer_click, reply_to_chat
from bot.surveys.compose import ANSWER_ACTION
from bot.voice import consent, life
from handlers.commands import registry
from handlers.commands.parser import IME_SLASH, SLASHES, parse

if TYPE_CHECKING:
    from bot.ops.registry import Registry


def _is_command(text: str) -> bool:
    stripped = text.lstrip()
    return parse(text, registry.names()) is not None or stripped.startswith((*SLASHES, IME_SLASH))


def survey_reply(event: ChatMessage, ctx: Context) -> Reply | None:
    """Record a pulse answer typed in a 1:1 chat; None for anything that is not one."""
    if event.is_group or not event.text.strip() or _is_command(event.text):
        return None
    employee = active_employee(ctx.session, event.sender_userid)
    if employee is None or consent.claims(ctx.runtime, ctx.session, employee, event.text):
        # "是" / "1" answering the bot's question whether HR may call is no survey score.
        return None
    if life.active(ctx.runtime, ctx.session, employee) is not None:
        # Nor is a "1" choosing a life-event category or consenting to it.
        return None
    answer = reply_to_chat(ctx.runtime, ctx.session, employee, event.text)
    return Reply(text=answer) if answer else None


def survey_clicked(event: CardAction, ctx: Context) -> Reply | None:
    """Record a pulse answer given with a card button and settle that card."""
    if event.action != ANSWER_ACTION:
        return None
    employee = active_employee(ctx.session, event.userid)
    survey_id = plain_int(str(event.params.get("survey", "")))
    if employee is None or survey_id is None:
        return None
    outcome = answer_click(
        ctx.runtime,
        ctx.session,
        employee,
        survey_id,
        str(event.params.get("q", "")),
        str(event.params.get("v", "")),
    )
    if outcome is None:
        return None
    return Reply(card_update={"status_text": outcome.status_text})


def register(registry: Registry) -> None:
    """Pulse answers in chat and on cards (before free text is read as such)."""
    registry.on(ChatMessage, survey_reply)
    registry.on(CardAction, survey_clicked)
