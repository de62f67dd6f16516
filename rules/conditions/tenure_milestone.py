"""``tenure_milestone``: today is day N after ``hired_on`` (new-hire touchpoints at day 7/30/60/90).

Day N is ``hired_on + N`` days. A milestone that falls on a weekend or holiday is noticed on the
next workday, so no touchpoint is lost to a day off. A hire with an onboarding journey is left
out: the journey's HR check-ins (day 7/30/60/90, with their evidence and talking points) replace
these tags, so HR is not asked twice.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from bot.models import Employee, Journey
from rules import fmt
from rules.conditions.datewindow import since_last_workday
from rules.context import EvalContext, Matches
from rules.model import TenureMilestone

PLACEHOLDERS = frozenset({"milestone", "date"})


def evaluate(cond: TenureMilestone, ctx: EvalContext) -> Matches:
    """People for whom a milestone day fell between the previous workday (exclusive) and today."""
    hires: dict[date, tuple[int, date]] = {}
    for when in since_last_workday(ctx, cond.workdays_only):
        for n in cond.days:
            hires.setdefault(when - timedelta(days=n), (n, when))
    if not hires:
        return {}
    rows = ctx.session.execute(
        select(Employee.id, Employee.hired_on).where(
            ctx.in_scope(),
            Employee.hired_on.in_(list(hires)),
            Employee.id.not_in(select(Journey.employee_id).where(Journey.status.in_(("active", "completed")))),
        )
    )
    out: Matches = {}
    for emp, hired_on in rows:
        if hired_on is None:
            continue
        n, when = hires[hired_on]
        out[emp] = {
            "kind": "tenure_milestone",
            "milestone": n,
            "date": when.isoformat(),
            "hired_on": hired_on.isoformat(),
        }
    return out


def requirement(cond: TenureMilestone, locale: str | None) -> str:
    days = "/".join(str(d) for d in cond.days)
    return f"day {days} after joining" if fmt.is_en(locale) else f"入职第{days}天"


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    when = fmt.day(evidence["date"], locale)
    if fmt.is_en(locale):
        return f"day {evidence['milestone']} with the company on {when} (joined {evidence['hired_on']})"
    return f"{when}是入职第{evidence['milestone']}天（{evidence['hired_on']}入职）"


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    return {"milestone": str(evidence["milestone"]), "date": fmt.day(evidence["date"], locale)}


def observe(cond: TenureMilestone, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    hired_on = ctx.session.scalar(select(Employee.hired_on).where(Employee.id == employee_id))
    if hired_on is None:
        return "no hire date on file" if fmt.is_en(locale) else "未登记入职日期"
    days = (ctx.day - hired_on).days
    return f"day {days} (joined {hired_on})" if fmt.is_en(locale) else f"入职第{days}天（{hired_on}）"
