"""Task card buttons (完成 / 稍后 / 不适用): act on the step and settle the clicked card."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.input_guard import plain_int
from bot.journeys.actions import Action, act
from bot.journeys.compose import DONE, LATER, SKIP
from bot.people.directory import active_employee
from bot.pipeline.dispatch import Context, Reply
from bot.pipeline.events import CardAction

if TYPE_CHECKING:
    from bot.ops.registry import Registry

ACTIONS: dict[str, Action] = {DONE: "done", LATER: "later", SKIP: "skip"}


def journey_clicked(event: CardAction, ctx: Context) -> Reply | None:
    """Handle a click on a journey task card; other cards are left to their handlers."""
    action = ACTIONS.get(event.action)
    step_id = plain_int(str(event.params.get("step", "")).strip())  # "²" passes isdigit(), not int()
    if action is None or step_id is None:
        return None
    actor = active_employee(ctx.session, event.userid)
    note = event.params.get("note") or event.params.get("reason")
    result = act(ctx.runtime, ctx.session, step_id, actor, action, note, from_card=True)
    update = {"status_text": result.status_text} if result.ok and result.status_text else None
    return Reply(text=result.message, private=True, card_update=update)


def register(registry: Registry) -> None:
    """The buttons of onboarding journey task cards."""
    registry.on(CardAction, journey_clicked)
