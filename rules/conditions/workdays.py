"""Day-level attendance facts over the last workdays: one query, then a walk per candidate.

The query returns only rows that matter (days on leave, and days that meet the predicate) of
people with at least ``need`` satisfying days in the window, so the walk touches few rows.
Workdays come from the Chinese calendar (调休 Saturdays count; weekends and holidays never do).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select

from bot.models import AttendanceDay, Employee
from rules import fmt
from rules.conditions.sqlbits import attendance_value, compare, flag, holds, num, within_shift_hours
from rules.context import EvalContext


@dataclass(frozen=True)
class DayFact:
    """One workday of one person: on leave, meeting the predicate, and the value."""

    leave: bool
    sat: bool
    value: float | int | None


def fetch(
    ctx: EvalContext, field: str, op: str, value: float, days: list[date], need: int
) -> dict[int, dict[date, DayFact]]:
    """Leave days and satisfying days on ``days`` of people with ≥ ``need`` satisfying days."""
    ad = AttendanceDay
    val = attendance_value(field)
    sat = and_(ad.on_leave.is_(False), compare(val, op, value))
    shift_ok = within_shift_hours(field, op, value)
    if shift_ok is not None:
        sat = and_(sat, shift_ok)
    inner = (
        select(
            ad.employee_id,
            ad.day,
            ad.on_leave,
            val.label("value"),
            flag(sat).label("sat"),
            func.sum(flag(sat)).over(partition_by=ad.employee_id).label("nsat"),
        )
        .join(Employee, Employee.id == ad.employee_id)
        .where(ctx.in_scope(), ad.day.in_(days), or_(ad.on_leave.is_(True), sat))
        .subquery()
    )
    rows = ctx.session.execute(
        select(inner.c.employee_id, inner.c.day, inner.c.on_leave, inner.c.value, inner.c.sat).where(
            inner.c.nsat >= need
        )
    )
    out: dict[int, dict[date, DayFact]] = {}
    for emp, day, leave, val_, sat_ in rows:
        out.setdefault(emp, {})[day] = DayFact(bool(leave), bool(sat_), num(val_))
    return out


def observe(
    ctx: EvalContext, employee_id: int, field: str, op: str, value: float, days: list[date]
) -> list[dict[str, Any]]:
    """Every one of ``days`` for one person (absent rows included), oldest first, for explanations."""
    ad = AttendanceDay
    val = attendance_value(field)
    shift_ok = within_shift_hours(field, op, value)
    ok_col = flag(shift_ok) if shift_ok is not None else flag(ad.id.is_not(None))
    rows = {
        d: (bool(leave), num(v), bool(ok))
        for d, leave, v, ok in ctx.session.execute(
            select(ad.day, ad.on_leave, val, ok_col).where(ad.employee_id == employee_id, ad.day.in_(days))
        )
    }
    out = []
    for d in sorted(days):
        leave, v, ok = rows.get(d, (False, None, True))
        sat = (not leave) and ok and v is not None and holds(v, op, value)
        out.append({"date": d.isoformat(), "leave": leave, "value": v, "sat": sat, "missing": d not in rows})
    return out


def render_days(field: str, days: list[dict[str, Any]], locale: str | None) -> str:
    """``11月18日 21:42 ✓、11月19日 请假、11月20日 无记录`` for an explanation."""
    en = fmt.is_en(locale)
    items = []
    for d in days:
        when = fmt.day(d["date"], locale)
        if d["leave"]:
            items.append(f"{when} {'on leave' if en else '请假'}")
        elif d["missing"]:
            items.append(f"{when} {'no record' if en else '无记录'} ✗")
        else:
            items.append(f"{when} {fmt.field_value(field, d['value'], locale)} {'✓' if d['sat'] else '✗'}")
    prefix = "last workdays: " if en else "最近工作日："
    return prefix + fmt.list_join(items, locale) if items else prefix + ("none" if en else "无")
