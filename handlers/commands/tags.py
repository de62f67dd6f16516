"""``/tags [rule]`` ``/标签``: who carries a tag now, among the people the caller may see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, select

from bot.core import i18n
from bot.models import Employee, Tag
from bot.people.access import scope_clause
from bot.pipeline.dispatch import Reply
from bot.privacy import Level
from handlers.commands import registry, roster
from handlers.commands.context import CommandContext
from handlers.commands.evidence import known_rules, list_level, rule_label, rule_name, severity_label, visible_rules
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


@dataclass(frozen=True)
class Group:
    """What /tags lists as one tag: a rule the caller reads in full, or all rules of one summarised kind."""

    label: str
    rule_ids: tuple[str, ...]
    full: bool


def _groups(ctx: CommandContext, members: ColumnElement[bool]) -> dict[str, Group]:
    """The tags present among ``members`` as the caller may name them, keyed by rule id or summary label."""
    present = sorted(
        ctx.session.scalars(
            select(Tag.rule_id)
            .join(Employee, Employee.id == Tag.employee_id)
            .where(Tag.status == "active", members)
            .distinct()
        )
    )
    viewers = ctx.list_viewers()
    groups: dict[str, Group] = {}
    for rule_id in visible_rules(ctx.runtime, ctx.policy, viewers, present):
        level = list_level(ctx.runtime, ctx.policy, viewers, rule_id)
        label = rule_label(ctx.runtime, level, rule_id, ctx.locale)
        key = rule_id if level is Level.FULL else f"summary:{label}"
        old = groups.get(key)
        groups[key] = Group(label, (*old.rule_ids, rule_id) if old else (rule_id,), level is Level.FULL)
    return groups


def _match(query: str, groups: dict[str, Group], names: dict[str, str]) -> str | None:
    """A group key from a rule id or display name, exact first, then a unique partial match.

    Summarised groups match only their neutral label, never the ids or names of the rules inside.
    """
    q = query.strip().casefold()
    choices = {key: [g.label, *(g.rule_ids if g.full else ())] for key, g in groups.items()}
    for key, name in names.items():
        choices.setdefault(key, [key, name])
    for key, words in choices.items():
        if q in (w.casefold() for w in words):
            return key
    partial = [key for key, words in choices.items() if any(q in w.casefold() for w in words)]
    return partial[0] if len(partial) == 1 else None


def _with(rule_ids: tuple[str, ...]) -> ColumnElement[bool]:
    return Tag.rule_id.in_(list(rule_ids))


def _overview(ctx: CommandContext, members: ColumnElement[bool], groups: dict[str, Group]) -> Reply:
    if not groups:
        return Reply(text=ctx.t("commands.tags.none"))
    all_ids = [r for g in groups.values() for r in g.rule_ids]
    total = ctx.session.scalar(
        select(func.count(func.distinct(Tag.employee_id)))
        .join(Employee, Employee.id == Tag.employee_id)
        .where(Tag.status == "active", _with(tuple(all_ids)), members)
    )
    counted = []
    for key, group in groups.items():
        n = ctx.session.scalar(
            select(func.count(func.distinct(Tag.employee_id)))
            .join(Employee, Employee.id == Tag.employee_id)
            .where(Tag.status == "active", _with(group.rule_ids), members)
        )
        counted.append((int(n or 0), key, group))
    counted.sort(key=lambda c: (-c[0], c[1]))
    items, shown_people = [], []
    for n, key, group in counted:
        people = list(
            ctx.session.scalars(
                select(Employee)
                .join(Tag, Tag.employee_id == Employee.id)
                .where(Tag.status == "active", _with(group.rule_ids), members)
                .group_by(Employee.id)
                .order_by(Employee.name, Employee.userid)
                .limit(NAMES_PER_RULE)
            )
        )
        names = i18n.list_join([plain(p.name, 32) for p in people], ctx.locale)
        etc = ctx.t("commands.tags.etc") if n > len(people) else ""
        items.append(ctx.t("commands.tags.rule_line", rule=group.label, n=n, names=names + etc))
        shown_people.append((key, people))
    head = ctx.t("commands.tags.overview_head", n=total)
    text, shown = layout(
        [Section(lines=[head], items=items, more_key="commands.more_items")], ctx.locale, limit_for(ctx.channel)
    )
    for key, people in shown_people[: shown[0]]:
        for p in people:
            ctx.audit(p.userid, "view.tags", {"rule": key})
    return Reply(text=text, markdown_title=ctx.t("commands.tags.title"))


def _one_group(ctx: CommandContext, members: ColumnElement[bool], key: str, group: Group | None) -> Reply:
    label = group.label if group is not None else rule_name(ctx.runtime, key, ctx.locale)
    rule_ids = group.rule_ids if group is not None else (key,)
    by_severity = roster.counts(ctx, members, rule_ids)
    total = sum(by_severity.values())
    if not total:
        return Reply(text=ctx.t("commands.tags.rule_empty", rule=label))
    people: list[roster.TaggedPerson] = []
    for severity in roster.SEVERITIES:
        if by_severity[severity]:
            people.extend(roster.people(ctx, members, severity, rule_ids))
    rows = ctx.session.execute(
        select(Tag.employee_id, func.min(Tag.raised_on))
        .where(Tag.status == "active", _with(rule_ids), Tag.employee_id.in_([p.employee.id for p in people]))
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
        ctx.audit(p.employee.userid, "view.tags", {"rule": key})
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
    members = _members(ctx)
    groups = _groups(ctx, members)
    if not ctx.args:
        return _overview(ctx, members, groups)
    # Rules with no tags right now can be asked for too, but only those this caller reads in full.
    viewers = ctx.list_viewers()
    names = {
        rule_id: name
        for rule_id, name in known_rules(ctx.runtime, ctx.locale).items()
        if list_level(ctx.runtime, ctx.policy, viewers, rule_id) is Level.FULL
    }
    key = _match(ctx.args, groups, names)
    if key is None:
        labels = sorted({g.label for g in groups.values()} | set(names.values()))
        listing = i18n.list_join(labels[:30], ctx.locale)
        return Reply(text=ctx.t("commands.tags.unknown", query=plain(ctx.args, 30), rules=listing or "—"))
    return _one_group(ctx, members, key, groups.get(key))
