"""``/done 123 备注``, ``/snooze 123``, ``/dismiss 123 原因``: the text fallback of the reminder buttons."""

from __future__ import annotations

import re

from bot.pipeline.dispatch import Reply
from bot.reminders import messages  # noqa: F401  (registers the texts)
from bot.reminders.actions import Action, act
from handlers.commands.context import CommandContext
from handlers.commands.registry import command

_ID = re.compile(r"^[#＃]?(\d{1,12})(?:\s+|[,，:：]\s*|$)(.*)$", re.DOTALL)
# "/done 123 30分钟 聊过了": a leading duration is how long the conversation took (HR time in the report).
_MINUTES = re.compile(r"^(\d{1,4})\s*(?:分钟|分|min|mins|minutes|m)(?=\s|[,，:：]|$)[\s,，:：]*(.*)$", re.DOTALL | re.I)


def split_minutes(rest: str) -> tuple[int | None, str]:
    """``(minutes, note)`` from the text after the reminder number; no leading duration gives ``None``."""
    match = _MINUTES.match(rest.strip())
    if match is None:
        return None, rest
    return int(match.group(1)), match.group(2)


def _run(ctx: CommandContext, action: Action, rest_key: str | None, example_key: str | None) -> Reply:
    match = _ID.match(ctx.args.strip())
    if match is None:
        return Reply(
            text=ctx.t(
                "reminders.usage",
                name=ctx.name,
                rest=ctx.t(rest_key) if rest_key else "",
                example=ctx.t(example_key) if example_key else "",
            )
        )
    minutes, rest = split_minutes(match.group(2)) if action == "done" else (None, match.group(2))
    result = act(ctx.runtime, ctx.session, int(match.group(1)), ctx.caller, action, rest or None, minutes=minutes)
    return Reply(text=result.message)


@command(
    "done",
    aliases=("已跟进",),
    # Whoever received the reminder may close it; act() checks that it was sent to the caller (or HR).
    roles=("hr", "manager", "recipient"),
    summary_key="commands.done.summary",
    example="/done 123 30分钟 聊过了，安排调休",
    example_en="/done 123 30min talked, arranged time off",
)
def done(ctx: CommandContext) -> Reply:
    """Mark a reminder as done, with an optional note."""
    return _run(ctx, "done", "commands.done.rest", "commands.done.example")


@command(
    "snooze",
    aliases=("稍后提醒",),
    roles=("hr", "manager", "recipient"),
    summary_key="commands.snooze.summary",
    example="/snooze 123",
)
def snooze(ctx: CommandContext) -> Reply:
    """Bring a reminder back on the next workday."""
    return _run(ctx, "snooze", None, None)


@command(
    "dismiss",
    aliases=("不需要",),
    roles=("hr", "manager", "recipient"),
    summary_key="commands.dismiss.summary",
    example="/dismiss 123 已知情况",
    example_en="/dismiss 123 known situation",
)
def dismiss(ctx: CommandContext) -> Reply:
    """Mark a reminder as not needed, keeping the reason to tune the rules."""
    return _run(ctx, "dismiss", "commands.dismiss.rest", "commands.dismiss.example")
