"""Resolving the person a command names, within the caller's scope, into a reply or an employee."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.core import i18n
from bot.models import Department, Employee
from bot.people.access import scope_clause
from bot.people.lookup import find_people
from bot.pipeline.dispatch import Reply
from handlers.commands.context import CommandContext
from handlers.commands.text import Section, limit_for, plain, render

i18n.register(
    {
        "commands.people.ambiguous": {
            "zh-CN": "找到 {n} 个匹配“{query}”的人，请发送 /{command} <userid> 指定一位：",
            "en": "{n} people match “{query}”. Send /{command} <userid> to pick one:",
        },
        "commands.people.choice": {"zh-CN": "{i}. {name} · {dept} · {userid}", "en": "{i}. {name} · {dept} · {userid}"},
        "commands.people.no_dept": {"zh-CN": "未分配部门", "en": "no department"},
        "commands.people.title": {"zh-CN": "请选择", "en": "Pick one"},
    }
)


@dataclass(frozen=True)
class Resolved:
    """Either the one employee meant, or the reply to send instead (not found / ambiguous)."""

    employee: Employee | None = None
    reply: Reply | None = None


def department_names(ctx: CommandContext, people: list[Employee]) -> dict[int, str]:
    """Department names by department id for ``people`` (one query)."""
    ids = {p.department_id for p in people if p.department_id is not None}
    if not ids:
        return {}
    rows = ctx.session.execute(select(Department.id, Department.name).where(Department.id.in_(ids)))
    return {dept_id: name for dept_id, name in rows}


def dept_of(ctx: CommandContext, person: Employee, names: dict[int, str]) -> str:
    """The person's department name, or "no department"."""
    if person.department_id is None or person.department_id not in names:
        return ctx.t("commands.people.no_dept")
    return plain(names[person.department_id], 32)


def not_found(ctx: CommandContext) -> Reply:
    """The single answer for nobody and for somebody out of scope (existence is not revealed)."""
    return Reply(text=ctx.t("commands.not_found"))


def resolve(ctx: CommandContext, query: str) -> Resolved:
    """The person ``query`` names among those the caller may see."""
    scope = scope_clause(ctx.caller, ctx.roles, ctx.runtime.settings)
    found = find_people(ctx.session, query, scope, mentions=ctx.event.mentions)
    if found.total == 0:
        return Resolved(reply=not_found(ctx))
    if found.found is not None:
        return Resolved(employee=found.found)
    names = department_names(ctx, found.people)
    items = [
        ctx.t(
            "commands.people.choice",
            i=i,
            name=plain(p.name, 32),
            dept=dept_of(ctx, p, names),
            userid=plain(p.userid, 64),
        )
        for i, p in enumerate(found.people, start=1)
    ]
    head = ctx.t("commands.people.ambiguous", n=found.total, query=plain(query, 20), command=ctx.name)
    text = render([Section(lines=[head], items=items, total=found.total)], ctx.locale, limit_for(ctx.channel))
    return Resolved(reply=Reply(text=text, markdown_title=ctx.t("commands.people.title")))
