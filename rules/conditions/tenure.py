"""``tenure``: days since ``hired_on`` between two bounds (e.g. 90–365 days, the riskiest first year)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.models import Employee
from rules import fmt
from rules.context import EvalContext, Matches
from rules.model import Tenure

PLACEHOLDERS = frozenset({"tenure_days", "hired_on"})


def evaluate(cond: Tenure, ctx: EvalContext) -> Matches:
    """People hired between ``max_days`` and ``min_days`` days before the day."""
    earliest = ctx.day - timedelta(days=cond.max_days)
    latest = ctx.day - timedelta(days=cond.min_days)
    rows = ctx.session.execute(
        select(Employee.id, Employee.hired_on).where(ctx.in_scope(), Employee.hired_on.between(earliest, latest))
    )
    return {
        emp: {"kind": "tenure", "hired_on": hired_on.isoformat(), "tenure_days": (ctx.day - hired_on).days}
        for emp, hired_on in rows
        if hired_on is not None
    }


def requirement(cond: Tenure, locale: str | None) -> str:
    if fmt.is_en(locale):
        return f"{cond.min_days}–{cond.max_days} days with the company"
    return f"入职{cond.min_days}–{cond.max_days}天"


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    if fmt.is_en(locale):
        return f"day {evidence['tenure_days']} with the company (joined {evidence['hired_on']})"
    return f"入职第{evidence['tenure_days']}天（{evidence['hired_on']}入职）"


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    return {"tenure_days": str(evidence["tenure_days"]), "hired_on": evidence["hired_on"]}


def observe(cond: Tenure, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    hired_on = ctx.session.scalar(select(Employee.hired_on).where(Employee.id == employee_id))
    if hired_on is None:
        return "no hire date on file" if fmt.is_en(locale) else "未登记入职日期"
    days = (ctx.day - hired_on).days
    return f"day {days} (joined {hired_on})" if fmt.is_en(locale) else f"入职第{days}天（{hired_on}）"
