"""``probation_ending``: probation ends within N days (time for the conversion conversation).

Labour Contract Law art. 19 caps probation at 1, 2 or 6 months by contract length and allows it
once; art. 21 requires a documented reason to end a contract during probation, so the review
must happen before the end date, not after.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from bot.models import Employee
from rules import fmt
from rules.context import EvalContext, Matches
from rules.model import ProbationEnding

PLACEHOLDERS = frozenset({"ends_on", "days_left"})


def evaluate(cond: ProbationEnding, ctx: EvalContext) -> Matches:
    """People whose ``probation_ends_on`` is today or within ``within_days`` days."""
    horizon = ctx.day + timedelta(days=cond.within_days)
    rows = ctx.session.execute(
        select(Employee.id, Employee.probation_ends_on).where(
            ctx.in_scope(), Employee.probation_ends_on.between(ctx.day, horizon)
        )
    )
    return {
        emp: {"kind": "probation_ending", "ends_on": ends.isoformat(), "days_left": (ends - ctx.day).days}
        for emp, ends in rows
        if ends is not None
    }


def requirement(cond: ProbationEnding, locale: str | None) -> str:
    if fmt.is_en(locale):
        return f"probation ends within {cond.within_days} days"
    return f"试用期{cond.within_days}天内结束"


def _days_left(evidence: dict[str, Any]) -> int:
    """Days left as of the day the text is read (``as_of``), else as of the evaluation."""
    if "as_of" in evidence:
        return max(0, (date.fromisoformat(evidence["ends_on"]) - date.fromisoformat(evidence["as_of"])).days)
    return int(evidence["days_left"])


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    when = fmt.day(evidence["ends_on"], locale)
    if fmt.is_en(locale):
        return f"probation ends on {when} ({_days_left(evidence)} days left)"
    return f"试用期{when}结束（还有{_days_left(evidence)}天）"


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    return {"ends_on": fmt.day(evidence["ends_on"], locale), "days_left": str(_days_left(evidence))}


def observe(cond: ProbationEnding, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    ends = ctx.session.scalar(select(Employee.probation_ends_on).where(Employee.id == employee_id))
    if ends is None:
        return "no probation end date on file" if fmt.is_en(locale) else "未登记试用期结束日期"
    return f"probation ends {ends}" if fmt.is_en(locale) else f"试用期{ends}结束"
