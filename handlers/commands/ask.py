"""``/匿名`` ``/ask`` <问题>: ask HR anonymously; ``/答复`` ``/answer`` <编号> <回答>: HR answers.

Neither command writes an audit row naming the asker: no person's data is viewed, and the asker
is exactly what must not be recorded beside the question.
"""

from __future__ import annotations

import re

from bot.pipeline.dispatch import Reply
from bot.voice import anonymous
from handlers.commands import registry
from handlers.commands.context import CommandContext

_NUMBER = re.compile(r"^#?(\d+)\s*(.*)$", re.DOTALL)


@registry.command(
    "ask",
    aliases=("匿名",),
    roles=("employee",),
    summary_key="commands.ask.summary",
    order=64,
    example="/匿名 年假没休完可以折现吗？",
    example_en="/ask Can unused annual leave be paid out?",
)
def ask(ctx: CommandContext) -> Reply:
    """Send the question to the caller's HR inbox without their identity."""
    assert ctx.caller is not None
    if ctx.is_group:
        return Reply(text=ctx.t("voice.anon.group"), private=True)
    outcome = anonymous.ask(
        ctx.runtime, ctx.session, ctx.caller, ctx.args, platform=ctx.event.platform, locale=ctx.locale
    )
    return Reply(text=outcome.text)


@registry.command(
    "answer",
    aliases=("答复",),
    roles=("hr", "recipient"),
    summary_key="commands.answer.summary",
    order=66,
    example="/答复 12 可以，按公司制度折现",
    example_en="/answer 12 Yes, under the leave policy",
)
def answer(ctx: CommandContext) -> Reply:
    """Pass HR's answer on to the asker of an anonymous question."""
    assert ctx.caller is not None
    match = _NUMBER.match(ctx.args.strip())
    if match is None or not match.group(2).strip():
        return Reply(text=ctx.t("voice.anon.answer_usage"))
    outcome = anonymous.answer(
        ctx.runtime, ctx.session, ctx.caller, int(match.group(1)), match.group(2), platform=ctx.event.platform
    )
    return Reply(text=outcome.text)
