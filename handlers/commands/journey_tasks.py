"""``/待办`` (``/tasks``): my open onboarding tasks by number; ``/完成 <#> [备注]`` (``/complete``) and
``/不适用 <#> <原因>`` (``/skip``) close one, ``/稍后 <#>`` (``/later``) brings it back tomorrow.

``/complete`` rather than ``/done``: ``/done <#>`` closes care reminder #, whose numbers are global
ids, while task numbers are per person (1, 2, 3 …) — one command for both would be ambiguous.
"""

from __future__ import annotations

import re

from bot.core import i18n
from bot.core import journey_file as definition
from bot.journeys.actions import Action, act
from bot.journeys.compose import People, title
from bot.journeys.schedule import overdue_on
from bot.journeys.tasks import by_number, open_tasks
from bot.pipeline.dispatch import Reply
from handlers.commands.context import CommandContext
from handlers.commands.registry import command
from handlers.commands.text import Section, limit_for, plain, render

_NUMBER = re.compile(r"^[#＃]?(\d{1,9})(?:\s+|[,，:：]\s*|$)(.*)$", re.DOTALL)

i18n.register(
    {
        "commands.tasks.summary": {"zh-CN": "我的入职待办（带编号）", "en": "my onboarding tasks, numbered"},
        "commands.complete.summary": {"zh-CN": "完成一项待办，可附备注", "en": "finish a task, with an optional note"},
        "commands.skip.summary": {"zh-CN": "标记一项待办不适用（写明原因）", "en": "mark a task not applicable (why)"},
        "commands.later.summary": {"zh-CN": "下一个工作日再提醒这项待办", "en": "remind me of a task next workday"},
        "commands.tasks.title": {"zh-CN": "我的待办", "en": "My tasks"},
        "commands.tasks.head": {"zh-CN": "**我的待办（{n}）**", "en": "**My tasks ({n})**"},
        "commands.tasks.none": {
            "zh-CN": "你现在没有待办的入职任务。",
            "en": "You have no open onboarding tasks.",
        },
        "commands.tasks.item": {"zh-CN": "{no}. {title}（{due}）{flag}", "en": "{no}. {title} ({due}){flag}"},
        "commands.tasks.due": {"zh-CN": "{day}前", "en": "by {day}"},
        "commands.tasks.no_deadline": {"zh-CN": "无截止日", "en": "no deadline"},
        "commands.tasks.overdue": {"zh-CN": " ⏰已逾期", "en": " ⏰ overdue"},
        "commands.tasks.escalated_head": {
            "zh-CN": "**转给你跟进的逾期任务（{n}）**",
            "en": "**Overdue tasks escalated to you ({n})**",
        },
        "commands.tasks.escalated_item": {
            "zh-CN": "- {title}（负责人：{assignee}）",
            "en": "- {title} (owner: {assignee})",
        },
        "commands.tasks.footer": {
            "zh-CN": "完成：/完成 <编号> [备注] · 不适用：/不适用 <编号> <原因> · 稍后：/稍后 <编号>",
            "en": "Finish: /complete <no> [note] · not applicable: /skip <no> <reason> · later: /later <no>",
        },
        "commands.tasks.usage": {
            "zh-CN": "用法：/{name} <编号>{rest}，编号见 /待办",
            "en": "Usage: /{name} <number>{rest}; numbers are in /tasks",
        },
        "commands.tasks.rest_note": {"zh-CN": " [备注]", "en": " [note]"},
        "commands.tasks.rest_reason": {"zh-CN": " <原因>", "en": " <reason>"},
    }
)


@command(
    "tasks",
    aliases=("待办",),
    roles=("employee",),
    summary_key="commands.tasks.summary",
    example="/待办",
    example_en="/tasks",
    order=60,
)
def tasks(ctx: CommandContext) -> Reply:
    """List the caller's open tasks with their numbers, overdue ones flagged, escalations apart."""
    assert ctx.caller is not None
    journey_def = definition.get(ctx.runtime.settings.onboarding.journey_file)
    mine, escalated = [], []
    for step, hire in open_tasks(ctx.session, ctx.caller.id):
        spec = journey_def.step(step.step_key)
        if spec is None:
            continue
        name = plain(title(spec, People.of(ctx.session, hire, ctx.locale), ctx.locale), 60)
        ctx.audit(hire.userid, "view.journey_task")
        if step.assignee_id != ctx.caller.id:
            owner = ctx.session.get(type(ctx.caller), step.assignee_id) if step.assignee_id else None
            escalated.append(ctx.t("commands.tasks.escalated_item", title=name, assignee=owner.name if owner else "—"))
            continue
        deadline = overdue_on(ctx.runtime.calendar, step.due_on, spec.due_workdays) if step.due_on else None
        due = (
            ctx.t("commands.tasks.due", day=i18n.fmt_date(deadline, ctx.locale))
            if deadline
            else ctx.t("commands.tasks.no_deadline")
        )
        flag = ctx.t("commands.tasks.overdue") if step.status == "overdue" else ""
        mine.append(ctx.t("commands.tasks.item", no=step.task_no, title=name, due=due, flag=flag))
    if not mine and not escalated:
        return Reply(text=ctx.t("commands.tasks.none"))
    sections = [Section(lines=[ctx.t("commands.tasks.head", n=len(mine))], items=mine, total=len(mine))]
    if escalated:
        head = ctx.t("commands.tasks.escalated_head", n=len(escalated))
        sections.append(Section(lines=[head], items=escalated, total=len(escalated)))
    sections.append(Section(lines=[ctx.t("commands.tasks.footer")]))
    text = render(sections, ctx.locale, limit_for(ctx.channel))
    return Reply(text=text, markdown_title=ctx.t("commands.tasks.title"))


def _run(ctx: CommandContext, action: Action, rest_key: str | None) -> Reply:
    assert ctx.caller is not None
    match = _NUMBER.match(ctx.args.strip())
    if match is None:
        rest = ctx.t(rest_key) if rest_key else ""
        return Reply(text=ctx.t("commands.tasks.usage", name=ctx.name, rest=rest))
    step = by_number(ctx.session, ctx.caller.id, int(match.group(1)))
    if step is None:
        return Reply(text=ctx.t("journeys.not_found", no=match.group(1)))
    result = act(ctx.runtime, ctx.session, step.id, ctx.caller, action, match.group(2) or None)
    return Reply(text=result.message)


@command(
    "complete",
    aliases=("完成",),
    roles=("employee",),
    summary_key="commands.complete.summary",
    example="/完成 1 已准备好电脑",
    example_en="/complete 1 computer ready",
    order=61,
)
def complete(ctx: CommandContext) -> Reply:
    """Finish task # (an evaluation takes its scores and comment here)."""
    return _run(ctx, "done", "commands.tasks.rest_note")


@command(
    "skip",
    aliases=("不适用",),
    roles=("employee",),
    summary_key="commands.skip.summary",
    example="/不适用 2 已有工位",
    example_en="/skip 2 already has a desk",
    order=62,
)
def skip(ctx: CommandContext) -> Reply:
    """Mark task # not applicable, with the reason."""
    return _run(ctx, "skip", "commands.tasks.rest_reason")


@command(
    "later",
    aliases=("稍后",),
    roles=("employee",),
    summary_key="commands.later.summary",
    example="/稍后 1",
    example_en="/later 1",
    order=63,
)
def later(ctx: CommandContext) -> Reply:
    """Bring task # back on the next workday."""
    return _run(ctx, "later", None)
