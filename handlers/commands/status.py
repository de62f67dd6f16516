"""``/status`` ``/状态`` [name | @mention | userid]: one person's care picture, within the caller's scope.

With no name it shows the caller themselves.
"""

from __future__ import annotations

from sqlalchemy import case, select

from bot.core import i18n
from bot.models import CareAction, Employee, Tag
from bot.pipeline.dispatch import Reply
from bot.privacy import Category, Level, Role, Viewer
from handlers.commands import registry
from handlers.commands.attendance import attendance_lines
from handlers.commands.context import CommandContext
from handlers.commands.evidence import severity_label, shown_tag
from handlers.commands.people import department_names, dept_of, resolve
from handlers.commands.pulse import checkin_lines, participation_line
from handlers.commands.text import Section, limit_for, plain, render

i18n.register(
    {
        "commands.status.summary": {
            "zh-CN": "查看某人的标签、考勤、关怀记录和问卷参与",
            "en": "a person's tags, attendance, care log and pulse participation",
        },
        "commands.status.usage": {
            "zh-CN": "用法：/status 姓名、拼音、@某人 或 userid，例如 /status 张三；只发 /status 查看自己",
            "en": "Usage: /status <name, pinyin, @mention or userid>, e.g. /status Zhang San; "
            "/status alone shows yourself",
        },
        "commands.status.title": {"zh-CN": "{name} 的关怀状态", "en": "Care status of {name}"},
        "commands.status.hired": {"zh-CN": "入职 {day}", "en": "joined {day}"},
        "commands.status.manager": {"zh-CN": "上级 {name}", "en": "manager {name}"},
        "commands.status.tags_head": {"zh-CN": "**当前标签（{n}）**", "en": "**Active tags ({n})**"},
        "commands.status.no_tags": {"zh-CN": "**当前标签**：无", "en": "**Active tags**: none"},
        "commands.status.tag": {
            "zh-CN": "- [{severity}] {rule}（{since}）：{evidence}",
            "en": "- [{severity}] {rule} ({since}): {evidence}",
        },
        "commands.status.care": {"zh-CN": "**最近关怀**：{text}", "en": "**Last care action**: {text}"},
        "commands.status.care_none": {"zh-CN": "**最近关怀**：暂无记录", "en": "**Last care action**: none yet"},
        "commands.status.care_item": {"zh-CN": "{at} {actor}{kind}", "en": "{at} {actor} {kind}"},
        "commands.care.done": {"zh-CN": "已跟进", "en": "done"},
        "commands.care.dismissed": {"zh-CN": "不需要", "en": "dismissed"},
        "commands.care.talk": {"zh-CN": "面谈", "en": "had a talk"},
        "commands.care.note": {"zh-CN": "记录备注", "en": "added a note"},
    }
)


def _header(ctx: CommandContext, person: Employee) -> list[str]:
    dept = dept_of(ctx, person, department_names(ctx, [person]))
    first = f"**{plain(person.name, 32)}**（{plain(person.userid, 64)}）· {dept}"
    if person.position:
        first += f" · {plain(person.position, 32)}"
    facts = []
    if person.hired_on is not None:
        facts.append(ctx.t("commands.status.hired", day=i18n.fmt_date(person.hired_on, ctx.locale, with_year=True)))
    if person.manager_id is not None:
        manager = ctx.session.get(Employee, person.manager_id)
        if manager is not None:
            facts.append(ctx.t("commands.status.manager", name=plain(manager.name, 32)))
    return [first, " · ".join(facts)] if facts else [first]


def _tags(ctx: CommandContext, person: Employee, viewer: Viewer) -> Section:
    rank = case({"high": 0, "medium": 1, "low": 2}, value=Tag.severity, else_=3)
    tags = list(
        ctx.session.scalars(
            select(Tag)
            .where(Tag.employee_id == person.id, Tag.status == "active")
            .order_by(rank, Tag.raised_on.desc(), Tag.id.desc())
        )
    )
    items: list[str] = []
    for tag in tags:
        seen = shown_tag(ctx.runtime, ctx.policy, viewer, tag, ctx.locale)
        if seen is None:
            continue  # the policy hides this tag from this viewer altogether (not even counted)
        item = ctx.t(
            "commands.status.tag",
            severity=severity_label(tag.severity, ctx.locale),
            rule=seen.name,
            since=ctx.t("commands.tag.since", day=i18n.fmt_date(tag.raised_on, ctx.locale)),
            evidence=seen.evidence,
        )
        if item not in items:  # two summarised tags of one kind read the same: say it once
            items.append(item)
    if not items:
        return Section(lines=[ctx.t("commands.status.no_tags")])
    return Section(
        lines=[ctx.t("commands.status.tags_head", n=len(items))], items=items, more_key="commands.more_items"
    )


def _last_care(ctx: CommandContext, person: Employee, *, with_note: bool) -> str:
    """The latest care action; its note only for viewers who may read care notes."""
    action = ctx.session.scalar(
        select(CareAction)
        .where(CareAction.employee_id == person.id)
        .order_by(CareAction.acted_at.desc(), CareAction.id.desc())
        .limit(1)
    )
    if action is None:
        return ctx.t("commands.status.care_none")
    actor = ctx.session.get(Employee, action.actor_id) if action.actor_id is not None else None
    kind_key = f"commands.care.{action.kind}"
    text = ctx.t(
        "commands.status.care_item",
        at=i18n.fmt_datetime(action.acted_at, ctx.runtime.tz, ctx.locale),
        actor=plain(actor.name, 32) if actor is not None else "",
        kind=ctx.t(kind_key) if i18n.has(kind_key) else plain(action.kind, 16),
    )
    # Care notes can be personal ("家里有事"): the policy gives them to HR only by default.
    if with_note and action.note:
        text += f"：{plain(action.note, 80)}" if ctx.locale != "en" else f": {plain(action.note, 80)}"
    return ctx.t("commands.status.care", text=text)


def status_reply(ctx: CommandContext, person: Employee) -> Reply:
    """The status of ``person`` (already checked to be in the caller's scope) as the policy allows, audited."""
    viewer = ctx.viewer_for(person)
    can = ctx.policy.can
    tags = _tags(ctx, person, viewer)
    sections = [Section(lines=_header(ctx, person)), tags]
    if can(viewer, Category.CARE_ACTION) is not Level.NONE:
        sections.append(
            Section(lines=[_last_care(ctx, person, with_note=can(viewer, Category.CARE_NOTE) is Level.FULL)])
        )
    if can(viewer, Category.ATTENDANCE) is Level.FULL:
        sections.append(Section(lines=attendance_lines(ctx, person)))
    # Who answered their pulses is HR's to know: managers never learn who has not answered.
    if can(viewer, Category.PARTICIPATION) is Level.FULL:
        sections.append(Section(lines=[participation_line(ctx, person)]))
    checkins = can(viewer, Category.CHECKIN) is Level.FULL
    if checkins:
        sections.append(Section(lines=checkin_lines(ctx, person, own=viewer.role is Role.SELF)))
    ctx.audit(person.userid, "view.status", {"tags": len(tags.items), "checkins": checkins, "as": viewer.role.value})
    title = ctx.t("commands.status.title", name=plain(person.name, 32))
    return Reply(text=render(sections, ctx.locale, limit_for(ctx.channel)), markdown_title=title)


@registry.command(
    "status",
    aliases=("状态",),
    roles=("hr", "manager", "employee"),
    summary_key="commands.status.summary",
    order=20,
    example="/status 张三",
    example_en="/status Zhang San",
)
def status(ctx: CommandContext) -> Reply:
    """Show one person's tags, last care action, attendance and pulse participation (no name: yourself)."""
    if not ctx.args:
        if ctx.caller is None:
            return Reply(text=ctx.t("commands.status.usage"))
        return status_reply(ctx, ctx.caller)
    resolved = resolve(ctx, ctx.args)
    if resolved.employee is None:
        assert resolved.reply is not None
        return resolved.reply
    return status_reply(ctx, resolved.employee)
