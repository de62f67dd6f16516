"""Who carries active tags among a set of people, grouped by their highest severity (set-based SQL).

``visible`` restricts everything to the rules whose tags the caller may see (the visibility
policy, computed once per command): a tag hidden from a manager is neither listed nor counted.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Subquery, case, func, select

from bot.models import Employee, Tag
from handlers.commands.context import CommandContext

RANKS = {"high": 0, "medium": 1, "low": 2}
SEVERITIES = ("high", "medium", "low")
LIST_CAP = 50  # people fetched per group; the rest are only counted


@dataclass(frozen=True)
class TaggedPerson:
    employee: Employee
    severity: str  # the highest among the person's active tags (of ``rule_id`` when given)
    rule_ids: list[str]


def _rank() -> ColumnElement[int]:
    return case(RANKS, value=Tag.severity, else_=len(RANKS))


def _rules(rule_id: str | Collection[str] | None) -> ColumnElement[bool] | None:
    if rule_id is None:
        return None
    return Tag.rule_id == rule_id if isinstance(rule_id, str) else Tag.rule_id.in_(list(rule_id))


def _per_person(members: ColumnElement[bool], rule_id: str | Collection[str] | None) -> Subquery:
    stmt = (
        select(Tag.employee_id.label("employee_id"), func.min(_rank()).label("rank"))
        .join(Employee, Employee.id == Tag.employee_id)
        .where(Tag.status == "active", members)
        .group_by(Tag.employee_id)
    )
    only = _rules(rule_id)
    if only is not None:
        stmt = stmt.where(only)
    return stmt.subquery("tagged")


def counts(
    ctx: CommandContext, members: ColumnElement[bool], rule_id: str | Collection[str] | None = None
) -> dict[str, int]:
    """How many of ``members`` have active tags (of ``rule_id``: one id or several), by highest severity."""
    per = _per_person(members, rule_id)
    rows = ctx.session.execute(select(per.c.rank, func.count()).group_by(per.c.rank)).all()
    by_rank = {int(rank): int(n) for rank, n in rows}
    return {sev: by_rank.get(rank, 0) for sev, rank in RANKS.items()}


def people(
    ctx: CommandContext, members: ColumnElement[bool], severity: str, rule_id: str | Collection[str] | None = None
) -> list[TaggedPerson]:
    """Up to ``LIST_CAP`` members whose highest severity is ``severity``, by name, with their rules."""
    per = _per_person(members, rule_id)
    found = list(
        ctx.session.scalars(
            select(Employee)
            .join(per, per.c.employee_id == Employee.id)
            .where(per.c.rank == RANKS[severity])
            .order_by(Employee.name, Employee.userid)
            .limit(LIST_CAP)
        )
    )
    if not found:
        return []
    rules: dict[int, list[str]] = {}
    stmt = (
        select(Tag.employee_id, Tag.rule_id)
        .where(Tag.status == "active", Tag.employee_id.in_([e.id for e in found]))
        .order_by(_rank(), Tag.raised_on.desc())
    )
    only = _rules(rule_id)
    if only is not None:
        stmt = stmt.where(only)
    for emp_id, rid in ctx.session.execute(stmt):
        if rid not in rules.setdefault(emp_id, []):
            rules[emp_id].append(rid)
    return [TaggedPerson(e, severity, rules.get(e.id, [])) for e in found]
