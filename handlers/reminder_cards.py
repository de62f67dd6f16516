"""Reminder card buttons (已跟进 / 稍后提醒 / 不需要): act, and settle the clicked card."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.core.input_guard import plain_int
from bot.models import Employee
from bot.pipeline.dispatch import Context, Reply
from bot.pipeline.events import CardAction
from bot.reminders.actions import Action, act
from bot.reminders.compose import DISMISS, DONE, SNOOZE

if TYPE_CHECKING:
    from bot.ops.registry import Registry

ACTIONS: dict[str, Action] = {DONE: "done", SNOOZE: "snooze", DISMISS: "dismiss"}


def reminder_clicked(event: CardAction, ctx: Context) -> Reply | None:
    """Handle a click on a reminder card; other cards are left to their handlers."""
    action = ACTIONS.get(event.action)
    if action is None:
        return None
    reminder_id = plain_int(str(event.params.get("id", "")).strip())
    if reminder_id is None:
        return None
    actor = ctx.session.scalar(select(Employee).where(Employee.userid == event.userid[:64]))
    # Cards built with an input field may send the note or reason along with the click.
    note = event.params.get("note") or event.params.get("reason")
    result = act(ctx.runtime, ctx.session, reminder_id, actor, action, note, from_card=True)
    update = {"status_text": result.status_text} if result.status_text else None
    return Reply(text=result.message, private=True, card_update=update)


def register(registry: Registry) -> None:
    """The buttons of care-reminder cards."""
    registry.on(CardAction, reminder_clicked)
