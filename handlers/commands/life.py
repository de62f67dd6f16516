"""``/家里有事`` ``/life`` [说明]: declare a life event (category, optional note, separate consent)."""

from __future__ import annotations

from bot.pipeline.dispatch import Reply
from bot.voice import life
from handlers.commands import registry
from handlers.commands.context import CommandContext


@registry.command(
    "life",
    aliases=("家里有事",),
    roles=("employee",),
    summary_key="commands.life.summary",
    order=62,
    example="/家里有事",
    example_en="/life",
)
def life_command(ctx: CommandContext) -> Reply:
    """Open the life-event flow; text after the command becomes the proposed note."""
    assert ctx.caller is not None
    return Reply(text=life.start(ctx.runtime, ctx.session, ctx.caller, locale=ctx.locale, note=ctx.args or None))
