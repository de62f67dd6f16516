"""``/导师 <新人> <导师>`` (``/mentor``): a manager or HR assigns the new hire's mentor; with one name, shows it."""

from __future__ import annotations

from bot.core import i18n
from bot.journeys import messages  # noqa: F401  (registers the texts)
from bot.journeys.compose import People
from bot.models import Employee
from bot.people.lookup import find_people
from bot.pipeline.dispatch import Reply
from bot.pipeline.outbox import enqueue
from handlers.commands.context import CommandContext
from handlers.commands.people import resolve
from handlers.commands.registry import command
from handlers.commands.text import plain

i18n.register(
    {
        "commands.mentor.summary": {
            "zh-CN": "为新人指定导师，或查看谁是导师",
            "en": "assign a new hire's mentor, or see who it is",
        },
        "commands.mentor.usage": {
            "zh-CN": "用法：/导师 <新人> <导师>，例如 /导师 张三 李四；只写新人则查看其导师",
            "en": "Usage: /mentor <new hire> <mentor>, e.g. /mentor zhangsan lisi; with one name, shows the mentor",
        },
        "commands.mentor.show": {"zh-CN": "{name}的导师：{mentor}", "en": "{name}'s mentor: {mentor}"},
        "commands.mentor.none": {
            "zh-CN": "{name}还没有导师。指定：/导师 {name} <导师>",
            "en": "{name} has no mentor yet. Assign one: /mentor {name} <mentor>",
        },
        "commands.mentor.set": {
            "zh-CN": "已指定{mentor}为{name}的导师，并通知了{mentor}。",
            "en": "{mentor} is now {name}'s mentor; I let {mentor} know.",
        },
        "commands.mentor.same": {"zh-CN": "{mentor}已经是{name}的导师。", "en": "{mentor} is already {name}'s mentor."},
        "commands.mentor.self": {
            "zh-CN": "新人不能做自己的导师。",
            "en": "A new hire cannot be their own mentor.",
        },
        "commands.mentor.unknown": {
            "zh-CN": "找不到在职的“{query}”，请用姓名或 userid 指定导师。",
            "en": "No active colleague “{query}”; name the mentor by name or userid.",
        },
        "commands.mentor.ambiguous": {
            "zh-CN": "有 {n} 位同事匹配“{query}”，请用 userid 指定导师。",
            "en": "{n} colleagues match “{query}”; name the mentor by userid.",
        },
    }
)


def _find_colleague(ctx: CommandContext, query: str) -> Employee | Reply:
    """Any active colleague may mentor (not only people in the caller's scope)."""
    found = find_people(ctx.session, query, Employee.status == "active", mentions=())
    if found.found is not None:
        return found.found
    key = "commands.mentor.ambiguous" if found.total > 1 else "commands.mentor.unknown"
    return Reply(text=ctx.t(key, n=found.total, query=plain(query, 20)))


@command(
    "mentor",
    aliases=("导师",),
    roles=("manager", "hr"),
    summary_key="commands.mentor.summary",
    example="/导师 张三 李四",
    example_en="/mentor zhangsan lisi",
    order=64,
)
def mentor(ctx: CommandContext) -> Reply:
    """Assign (two names) or show (one name) the mentor of someone in the caller's scope."""
    assert ctx.caller is not None
    parts = ctx.args.split()
    if not parts or len(parts) > 2:
        return Reply(text=ctx.t("commands.mentor.usage"))
    resolved = resolve(ctx, parts[0])
    if resolved.employee is None:
        assert resolved.reply is not None
        return resolved.reply
    hire = resolved.employee
    current = ctx.session.get(Employee, hire.mentor_id) if hire.mentor_id else None
    ctx.audit(hire.userid, "view.mentor")
    if len(parts) == 1:
        if current is None or current.status != "active":
            return Reply(text=ctx.t("commands.mentor.none", name=plain(hire.name, 32)))
        return Reply(text=ctx.t("commands.mentor.show", name=plain(hire.name, 32), mentor=plain(current.name, 32)))
    chosen = _find_colleague(ctx, parts[1])
    if isinstance(chosen, Reply):
        return chosen
    values = {"name": plain(hire.name, 32), "mentor": plain(chosen.name, 32)}
    if chosen.id == hire.id:
        return Reply(text=ctx.t("commands.mentor.self"))
    if current is not None and current.id == chosen.id:
        return Reply(text=ctx.t("commands.mentor.same", **values))
    hire.mentor_id = chosen.id
    ctx.session.flush()
    ctx.audit(hire.userid, "change.mentor", {"mentor": chosen.userid})
    locale = i18n.normalise_locale(chosen.locale or ctx.runtime.settings.app.locale)
    people = People.of(ctx.session, hire, locale)
    enqueue(
        ctx.session,
        key=f"journey-mentor:{hire.id}:{chosen.id}:{int(ctx.runtime.clock.now().timestamp())}",
        recipient=chosen.userid,
        kind="markdown",
        payload={
            "title": i18n.t("journeys.mentor_assigned_title", locale),
            "text": i18n.t(
                "journeys.mentor_assigned",
                locale,
                manager=ctx.caller.name,
                name=hire.name,
                department=people.department,
            ),
        },
        platform=ctx.runtime.settings.platform.default,
    )
    return Reply(text=ctx.t("commands.mentor.set", **values))
