"""``/tags [rule]`` ``/标签``: who carries a tag now, among the people the caller may see."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, select

from bot import i18n
from bot.access import scope_clause
from bot.dispatch import Reply
from bot.models import Employee, Tag
from handlers.commands import registry, roster
from handlers.commands.context import CommandContext
from handlers.commands.evidence import known_rules, rule_name, severity_label, tag_visible
from handlers.commands.people import department_names, dept_of
from handlers.commands.text import Section, layout, limit_for, plain

NAMES_PER_RULE = 5

i18n.register(
    {
        "commands.tags.summary": {
            "zh-CN": "当前谁带有某个标签（不带参数时按标签汇总）",
            "en": "who carries a tag now (a summary per tag without arguments)",
        },
        "commands.tags.title": {"zh-CN": "标签", "en": "Tags"},
        "commands.tags.overview_head": {
            "zh-CN": "**当前标签**（共 {n} 人）· 发送 /tags 标签名 查看完整名单",
            "en": "**Active tags** ({n} people) · send /tags <tag> for the full list",
        },
        "commands.tags.rule_line": {
            "zh-CN": "- **{rule}** {n}人：{names}",
            "en": "- **{rule}** {n}: {names}",
        },
        "commands.tags.etc": {"zh-CN": "等", "en": " …"},
        "commands.tags.none": {
            "zh-CN": "你可查看的人中目前没有任何标签。",
            "en": "Nobody you can see has active tags.",
        },
        "commands.tags.rule_head": {"zh-CN": "**{rule}**：{n} 人", "en": "**{rule}**: {n} people"},
        "commands.tags.person": {
            "zh-CN": "- {name} · {dept} · [{severity}] {since}",
            "en": "- {name} · {dept} · [{severity}] {since}",
        },
        "commands.tags.rule_empty": {
            "zh-CN": "你可查看的人中目前没有人带有“{rule}”标签。",
            "en": "Nobody you can see carries “{rule}” right now.",
        },
        "commands.tags.unknown": {
            "zh-CN": "没有找到标签“{query}”。可用的标签：{rules}",
            "en": "No tag “{query}”. Known tags: {rules}",
        },
    }
)


def _members(ctx: CommandContext) -> ColumnElement[bool]:
    assert ctx.caller is not None
    return and_(scope_clause(ctx.caller, ctx.roles, ctx.runtime.settings), Employee.id != ctx.caller.id)


def _match_rule(query: str, names: dict[str, str]) -> str | None:
    """A rule id from an id or display name, exact first, then a unique partial match."""
    q = query.strip().casefold()
    for rule_id, name in names.items():
        if q in (rule_id.casefold(), name.casefold()):
            return rule_id
    partial = [rid for rid, name in names.items() if q in rid.casefold() or q in name.casefold()]
    return partial[0] if len(partial) == 1 else None


def _overview(ctx: CommandContext, members: ColumnElement[bool]) -> Reply:
    rows = ctx.session.execute(
        select(Tag.rule_id, func.count(func.distinct(Tag.employee_id)))
        .join(Employee, Employee.id == Tag.employee_id)
        .where(Tag.status == "active", members)
        .group_by(Tag.rule_id)
        .order_by(func.count(func.distinct(Tag.employee_id)).desc(), Tag.rule_id)
    ).all()
    if not rows:
        return Reply(text=ctx.t("commands.tags.none"))
    total = ctx.session.scalar(
        select(func.count(func.distinct(Tag.employee_id)))
        .join(Employee, Employee.id == Tag.employee_id)
        .where(Tag.status == "active", members)
    )
    items, shown_people = [], []
    for rule_id, n in rows:
        people = list(
            ctx.session.scalars(
                select(Employee)
                .join(Tag, Tag.employee_id == Employee.id)
                .where(Tag.status == "active", Tag.rule_id == rule_id, members)
                .group_by(Employee.id)
                .order_by(Employee.name, Employee.userid)
                .limit(NAMES_PER_RULE)
            )
        )
        names = i18n.list_join([plain(p.name, 32) for p in people], ctx.locale)
        etc = ctx.t("commands.tags.etc") if n > len(people) else ""
        items.append(
            ctx.t("commands.tags.rule_line", rule=rule_name(ctx.runtime, rule_id, ctx.locale), n=n, names=names + etc)
        )
        shown_people.append((rule_id, people))
    head = ctx.t("commands.tags.overview_head", n=total)
    text, shown = layout(
        [Section(lines=[head], items=items, more_key="commands.more_items")], ctx.locale, limit_for(ctx.channel)
    )
    for rule_id, people in shown_people[: shown[0]]:
        for p in people:
            ctx.audit(p.userid, "view.tags", {"rule": rule_id})
    return Reply(text=text, markdown_title=ctx.t("commands.tags.title"))


def _one_rule(ctx: CommandContext, members: ColumnElement[bool], rule_id: str) -> Reply:
    label = rule_name(ctx.runtime, rule_id, ctx.locale)
    by_severity = roster.counts(ctx, members, rule_id)
    total = sum(by_severity.values())
    if not total:
        return Reply(text=ctx.t("commands.tags.rule_empty", rule=label))
    people: list[roster.TaggedPerson] = []
    for severity in roster.SEVERITIES:
        if by_severity[severity]:
            people.extend(roster.people(ctx, members, severity, rule_id))
    rows = ctx.session.execute(
        select(Tag.employee_id, func.min(Tag.raised_on))
        .where(Tag.status == "active", Tag.rule_id == rule_id, Tag.employee_id.in_([p.employee.id for p in people]))
        .group_by(Tag.employee_id)
    )
    since = {emp_id: day for emp_id, day in rows}
    depts = department_names(ctx, [p.employee for p in people])
    items = [
        ctx.t(
            "commands.tags.person",
            name=plain(p.employee.name, 32),
            dept=dept_of(ctx, p.employee, depts),
            severity=severity_label(p.severity, ctx.locale),
            since=ctx.t("commands.tag.since", day=i18n.fmt_date(since[p.employee.id], ctx.locale)),
        )
        for p in people
    ]
    head = ctx.t("commands.tags.rule_head", rule=label, n=total)
    text, shown = layout([Section(lines=[head], items=items, total=total)], ctx.locale, limit_for(ctx.channel))
    for p in people[: shown[0]]:
        ctx.audit(p.employee.userid, "view.tags", {"rule": rule_id})
    return Reply(text=text, markdown_title=ctx.t("commands.tags.title"))


@registry.command(
    "tags",
    aliases=("标签",),
    roles=("hr", "manager"),
    summary_key="commands.tags.summary",
    order=50,
    example="/tags 深夜下班",  # a partial rule name works; the built-in rule is 连续深夜下班
    example_en="/tags high_pressure",
)
def tags(ctx: CommandContext) -> Reply:
    """List who carries a tag now (one rule, or a summary of all), within the caller's scope."""
    # HR-only tags (what someone declared for HR) stay out of a manager's lists.
    members = and_(_members(ctx), tag_visible(ctx.runtime, ctx.roles))
    if not ctx.args:
        return _overview(ctx, members)
    present = ctx.session.scalars(
        select(Tag.rule_id)
        .join(Employee, Employee.id == Tag.employee_id)
        .where(Tag.status == "active", members)
        .distinct()
    )
    names = known_rules(ctx.runtime, ctx.locale)
    for present_id in present:
        names.setdefault(present_id, rule_name(ctx.runtime, present_id, ctx.locale))
    rule_id = _match_rule(ctx.args, names)
    if rule_id is None:
        listing = i18n.list_join(sorted(names.values())[:30], ctx.locale)
        return Reply(text=ctx.t("commands.tags.unknown", query=plain(ctx.args, 30), rules=listing or "—"))
    return _one_rule(ctx, members, rule_id)
