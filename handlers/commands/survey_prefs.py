"""``/optout`` and ``/optin``: an employee pauses or resumes pulse surveys."""

from __future__ import annotations

from bot.pipeline.dispatch import Reply
from bot.surveys import messages  # noqa: F401  (registers the texts)
from bot.surveys.prefs import set_paused
from handlers.commands.context import CommandContext
from handlers.commands.registry import command


def _toggle(ctx: CommandContext, paused: bool) -> Reply:
    assert ctx.caller is not None  # the "employee" role implies an active caller
    changed = set_paused(ctx.session, ctx.caller, paused)
    if paused:
        return Reply(text=ctx.t("surveys.paused" if changed else "surveys.already_paused"))
    return Reply(text=ctx.t("surveys.resumed" if changed else "surveys.already_resumed"))


@command(
    "optout",
    aliases=("暂停问卷",),
    roles=("employee",),
    summary_key="commands.optout.summary",
    example="/optout",
    private_in_group=True,
)
def optout(ctx: CommandContext) -> Reply:
    """Pause pulse surveys for the caller."""
    return _toggle(ctx, True)


@command(
    "optin",
    aliases=("恢复问卷",),
    roles=("employee",),
    summary_key="commands.optin.summary",
    example="/optin",
    private_in_group=True,
)
def optin(ctx: CommandContext) -> Reply:
    """Resume pulse surveys for the caller."""
    return _toggle(ctx, False)
