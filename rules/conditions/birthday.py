"""``birthday``: the birthday (``MM-DD``, no year kept) is N days away."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from bot.models import Employee
from rules import fmt
from rules.conditions.datewindow import month_day_keys, upcoming
from rules.context import EvalContext, Matches
from rules.model import Birthday

PLACEHOLDERS = frozenset({"date", "days_until"})


def evaluate(cond: Birthday, ctx: EvalContext) -> Matches:
    """People whose birthday falls on one of today's notice dates."""
    targets: dict[str, date] = {}
    for target in upcoming(ctx, cond.days_ahead, cond.workdays_only):
        for key in month_day_keys(target):
            targets.setdefault(key, target)
    if not targets:
        return {}
    rows = ctx.session.execute(
        select(Employee.id, Employee.birthday).where(ctx.in_scope(), Employee.birthday.in_(list(targets)))
    )
    return {
        emp: {
            "kind": "birthday",
            "birthday": mmdd,
            "date": targets[mmdd].isoformat(),
            "days_until": (targets[mmdd] - ctx.day).days,
        }
        for emp, mmdd in rows
        if mmdd is not None
    }


def requirement(cond: Birthday, locale: str | None) -> str:
    if fmt.is_en(locale):
        return f"birthday in {cond.days_ahead} day(s)"
    return "明天生日" if cond.days_ahead == 1 else f"{cond.days_ahead}天后生日"


def _when(days_until: int, locale: str | None) -> str:
    if days_until < 0:  # read after the day (an expired reminder on the dashboard)
        return f"{-days_until} days ago" if fmt.is_en(locale) else f"{-days_until}天前"
    if fmt.is_en(locale):
        return {0: "today", 1: "tomorrow"}.get(days_until, f"in {days_until} days")
    return {0: "今天", 1: "明天", 2: "后天"}.get(days_until, f"{days_until}天后")


def _days_until(evidence: dict[str, Any]) -> int:
    """Days from the day the text is read (``as_of``, else the evaluation) to the birthday."""
    if "as_of" in evidence:
        return (date.fromisoformat(evidence["date"]) - date.fromisoformat(evidence["as_of"])).days
    return int(evidence["days_until"])


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    when = _when(_days_until(evidence), locale)
    if fmt.is_en(locale):
        return f"birthday on {fmt.day(evidence['date'], locale)} ({when})"
    return f"{fmt.day(evidence['date'], locale)}（{when}）生日"


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    return {"date": fmt.day(evidence["date"], locale), "days_until": _when(_days_until(evidence), locale)}


def observe(cond: Birthday, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    birthday = ctx.session.scalar(select(Employee.birthday).where(Employee.id == employee_id))
    if not birthday:
        return "no birthday on file" if fmt.is_en(locale) else "未登记生日"
    return f"birthday {birthday}" if fmt.is_en(locale) else f"生日 {birthday}"
