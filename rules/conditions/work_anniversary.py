"""``work_anniversary``: a full year of service (≥ ``min_years``) is N days away."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, extract, or_, select

from bot.models import Employee
from rules import fmt
from rules.conditions.datewindow import month_day_keys, upcoming
from rules.context import EvalContext, Matches
from rules.model import WorkAnniversary

PLACEHOLDERS = frozenset({"years", "date"})


def evaluate(cond: WorkAnniversary, ctx: EvalContext) -> Matches:
    """People whose hire date's month and day fall on a notice date, with enough years behind them."""
    targets: dict[tuple[int, int], date] = {}
    for target in upcoming(ctx, cond.days_ahead, cond.workdays_only):
        for key in month_day_keys(target):
            targets.setdefault((int(key[:2]), int(key[3:])), target)
    if not targets:
        return {}
    hired = Employee.hired_on
    same_day = or_(*[and_(extract("month", hired) == m, extract("day", hired) == d) for m, d in targets])
    rows = ctx.session.execute(select(Employee.id, hired).where(ctx.in_scope(), hired.is_not(None), same_day))
    out: Matches = {}
    for emp, hired_on in rows:
        if hired_on is None:
            continue
        target = targets[(hired_on.month, hired_on.day)]
        years = target.year - hired_on.year
        if years >= cond.min_years:
            out[emp] = {
                "kind": "work_anniversary",
                "hired_on": hired_on.isoformat(),
                "date": target.isoformat(),
                "years": years,
            }
    return out


def requirement(cond: WorkAnniversary, locale: str | None) -> str:
    if fmt.is_en(locale):
        when = f"in {cond.days_ahead} day(s)" if cond.days_ahead else "today"
        return f"work anniversary (≥ {cond.min_years} years) {when}"
    return f"{cond.days_ahead}天后入职满{cond.min_years}年及以上周年" if cond.days_ahead else "今天是入职周年"


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    when = fmt.day(evidence["date"], locale)
    if fmt.is_en(locale):
        return f"{evidence['years']} years with the company on {when} (joined {evidence['hired_on']})"
    return f"{when}入职满{evidence['years']}年（{evidence['hired_on']}入职）"


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    return {"years": str(evidence["years"]), "date": fmt.day(evidence["date"], locale)}


def observe(cond: WorkAnniversary, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    hired_on = ctx.session.scalar(select(Employee.hired_on).where(Employee.id == employee_id))
    if hired_on is None:
        return "no hire date on file" if fmt.is_en(locale) else "未登记入职日期"
    return f"joined {hired_on.isoformat()}" if fmt.is_en(locale) else f"{hired_on.isoformat()}入职"
