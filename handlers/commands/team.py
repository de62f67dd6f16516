"""``/team`` ``/团队``: a manager's direct and indirect reports — who has active tags, by severity,
and the team pulse as aggregates of at least five respondents."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, select

from bot.core import i18n
from bot.models import Employee, Tag
from bot.people.access import ACTIVE, reports_clause, scope_clause
from bot.pipeline.dispatch import Reply
from bot.privacy import Level
from handlers.commands import registry, roster
from handlers.commands.context import CommandContext
from handlers.commands.evidence import rule_label, rule_level, visible_rules
from handlers.commands.people import department_names, dept_of
from handlers.commands.pulse import team_pulse_lines
from handlers.commands.text import Section, layout, limit_for, plain

i18n.register(
    {
        "commands.team.summary": {
            "zh-CN": "团队（直属及间接下属）的标签概况和匿名调查汇总",
            "en": "your team (direct and indirect reports): tags by severity and pulse totals",
        },
        "commands.team.title": {"zh-CN": "团队概况", "en": "Team overview"},
        "commands.team.head": {
            "zh-CN": "**团队概况**：共 {total} 人（直属 {direct} 人），{tagged} 人有需要关注的标签",
            "en": "**Team overview**: {total} people ({direct} direct reports), {tagged} with active tags",
        },
        "commands.team.head_hr": {
            "zh-CN": "**你负责的员工**：共 {total} 人，{tagged} 人有需要关注的标签",
            "en": "**People you cover**: {total}, {tagged} with active tags",
        },
        "commands.team.severity_head": {
            "zh-CN": "**{severity}（{n}人）**",
            "en": "**{severity} ({n})**",
        },
        "commands.team.person": {"zh-CN": "- {name} · {dept}：{rules}", "en": "- {name} · {dept}: {rules}"},
        "commands.team.none": {"zh-CN": "目前没有人有需要关注的标签。", "en": "Nobody has active tags right now."},
        "commands.team.empty": {
            "zh-CN": "你目前没有下属或负责的员工。",
            "en": "You have no reports or covered employees right now.",
        },
        "commands.severity.group.high": {"zh-CN": "高关注", "en": "High"},
        "commands.severity.group.medium": {"zh-CN": "中关注", "en": "Medium"},
        "commands.severity.group.low": {"zh-CN": "低关注", "en": "Low"},
    }
)


def _members(ctx: CommandContext) -> tuple[ColumnElement[bool], bool]:
    """The people /team covers: a manager's reports, else (HR) the HR scope without oneself."""
    assert ctx.caller is not None
    if "manager" in ctx.roles:
        return and_(Employee.status == ACTIVE, reports_clause(ctx.caller.id)), True
    scope = scope_clause(ctx.caller, ctx.roles, ctx.runtime.settings)
    return and_(scope, Employee.id != ctx.caller.id), False


def _labels(ctx: CommandContext, person: roster.TaggedPerson) -> list[str]:
    """The person's tags as this caller may name them (summarised kinds said once)."""
    viewer = ctx.row_viewer(person.employee)
    out: list[str] = []
    for rule_id in person.rule_ids:
        level = rule_level(ctx.runtime, ctx.policy, viewer, rule_id)
        if level is Level.NONE:
            continue
        label = rule_label(ctx.runtime, level, rule_id, ctx.locale)
        if label not in out:
            out.append(label)
    return out


def person_items(ctx: CommandContext, people: list[roster.TaggedPerson]) -> list[str]:
    """``- 张三 · 销售部：连续深夜下班、业绩连续两周下滑`` for each tagged person."""
    names = department_names(ctx, [p.employee for p in people])
    return [
        ctx.t(
            "commands.team.person",
            name=plain(p.employee.name, 32),
            dept=dept_of(ctx, p.employee, names),
            rules=i18n.list_join(_labels(ctx, p), ctx.locale),
        )
        for p in people
    ]


def shown_rules(ctx: CommandContext, members: ColumnElement[bool]) -> list[str]:
    """The rules with active tags among ``members`` that every role in this list may see."""
    present = sorted(
        ctx.session.scalars(
            select(Tag.rule_id)
            .join(Employee, Employee.id == Tag.employee_id)
            .where(Tag.status == "active", members)
            .distinct()
        )
    )
    return visible_rules(ctx.runtime, ctx.policy, ctx.list_viewers(), present)


@registry.command(
    "team",
    aliases=("团队",),
    roles=("manager", "hr"),
    summary_key="commands.team.summary",
    order=30,
    example="/team",
)
def team(ctx: CommandContext) -> Reply:
    """Summarise the caller's team: tagged people by severity and team-pulse aggregates."""
    members, is_manager = _members(ctx)
    total = ctx.session.scalar(select(func.count(Employee.id)).where(members)) or 0
    if total == 0:
        return Reply(text=ctx.t("commands.team.empty"))
    visible = shown_rules(ctx, members)
    by_severity = roster.counts(ctx, members, visible)
    tagged = sum(by_severity.values())
    if is_manager:
        assert ctx.caller is not None
        direct = ctx.session.scalar(
            select(func.count(Employee.id)).where(Employee.manager_id == ctx.caller.id, Employee.status == ACTIVE)
        )
        head = ctx.t("commands.team.head", total=total, direct=direct, tagged=tagged)
    else:
        head = ctx.t("commands.team.head_hr", total=total, tagged=tagged)
    sections = [Section(lines=[head] if tagged else [head, ctx.t("commands.team.none")])]
    groups: list[list[roster.TaggedPerson]] = []
    for severity in roster.SEVERITIES:
        if not by_severity[severity]:
            continue
        people = roster.people(ctx, members, severity, visible)
        label = ctx.t(f"commands.severity.group.{severity}")
        sections.append(
            Section(
                lines=[ctx.t("commands.team.severity_head", severity=label, n=by_severity[severity])],
                items=person_items(ctx, people),
                total=by_severity[severity],
            )
        )
        groups.append(people)
    sections.append(Section(lines=team_pulse_lines(ctx, members)))
    text, shown = layout(sections, ctx.locale, limit_for(ctx.channel))
    # Audit exactly the people whose tags the reply shows.
    for people, n in zip(groups, shown[1 : 1 + len(groups)], strict=True):
        for p in people[:n]:
            ctx.audit(p.employee.userid, "view.team", {"severity": p.severity})
    return Reply(text=text, markdown_title=ctx.t("commands.team.title"))
