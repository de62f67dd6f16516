"""One pass over ``attendance_days`` for every ``streak``, ``count_in_window`` and ``period_sum``.

Per person (``GROUP BY employee_id``) the query returns, for each workday-window condition, the
satisfying days with their values as a short string (``2026-11-18:1302,…``), the leave days once
for all of them, and for each period-sum condition the total and row count of every period.
``HAVING`` keeps only people some condition can match, so few rows reach Python. The rows are
then put in the shape the per-kind query returns (``workdays.fetch``: leave and satisfying days
of people with at least ``need`` satisfying days; ``period_sum``: totals that meet the
threshold), and the kind's own ``walk``/``build`` makes the evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import String, and_, case, cast, func, or_, select

from bot.models import AttendanceDay, Employee
from rules.conditions import count_in_window, period_sum, streak
from rules.conditions.sqlbits import attendance_value, compare, flag, holds, num, scanned, within_shift_hours
from rules.conditions.workdays import DayFact
from rules.context import EvalContext, Matches
from rules.model import CountInWindow, PeriodSum, Streak

_LEAVE = DayFact(True, False, None)  # the walks only ask whether a leave day is one


def _number(text: str) -> float | int | None:
    return num(float(text)) if "." in text else num(int(text))


def _days(text: str | None) -> list[str]:
    return text.split(",") if text else []


def scan(ctx: EvalContext, todo: Mapping[str, BaseModel]) -> dict[str, Matches]:
    """Matches per condition key for every attendance condition in ``todo`` (none when < 2)."""
    windows: list[tuple[str, Streak | CountInWindow, list[date], int]] = []
    sums: list[tuple[str, PeriodSum, list[tuple[date, date]]]] = []
    for key, cond in todo.items():
        if isinstance(cond, Streak):
            windows.append((key, cond, *streak.window(cond, ctx)))
        elif isinstance(cond, CountInWindow):
            windows.append((key, cond, *count_in_window.window(cond, ctx)))
        elif isinstance(cond, PeriodSum):
            sums.append((key, cond, period_sum.spans_of(cond, ctx)))
    if len(windows) + len(sums) < 2:
        return {}  # a single condition is as fast on its own path
    ad = AttendanceDay
    day_text = cast(ad.day, String)  # ISO text on both databases (PostgreSQL's DateStyle is ISO)
    starts = [min(days) for _k, _c, days, _n in windows if days] + [spans[-1][0] for _k, _c, spans in sums]
    every_day = sorted({d for _k, _c, days, _n in windows for d in days})
    columns: list[Any] = [
        ad.employee_id,
        func.aggregate_strings(case((and_(ad.on_leave.is_(True), ad.day.in_(every_day)), day_text)), ","),
    ]
    wanted: list[Any] = []
    for _key, cond, days, need in windows:
        value = attendance_value(cond.field)
        # The threshold first: it is false for most rows, and both databases stop at the first false.
        sat = and_(compare(value, cond.op, cond.value), ad.on_leave.is_(False), ad.day.in_(days))
        shift_ok = within_shift_hours(cond.field, cond.op, cond.value)  # as in workdays.fetch
        if shift_ok is not None:
            sat = and_(sat, shift_ok)
        columns.append(func.aggregate_strings(case((sat, day_text.concat(":").concat(cast(value, String)))), ","))
        wanted.append(func.sum(flag(sat)) >= need)
    for _key, cond, spans in sums:
        value = attendance_value(cond.field)
        for a, b in spans:
            total, rows = func.sum(case((ad.day.between(a, b), value))), func.count(case((ad.day.between(a, b), 1)))
            columns += [total, rows]
            wanted.append(and_(rows > 0, compare(func.coalesce(total, 0), cond.op, cond.value)))
    query = (
        select(*columns)
        .join(Employee, Employee.id == ad.employee_id)
        .where(ctx.in_scope(), scanned(ad.day, ctx.session.get_bind().dialect.name).between(min(starts), ctx.fact_end))
        .group_by(ad.employee_id)
        .having(or_(*wanted))
    )
    facts: list[dict[int, dict[date, DayFact]]] = [{} for _ in windows]
    met: list[dict[int, dict[int, Any]]] = [{} for _ in sums]
    for row in ctx.session.execute(query):
        emp, leave = row[0], _days(row[1])
        at = 2
        for i, (_key, _cond, _window, need) in enumerate(windows):
            hits = _days(row[at])
            at += 1
            if len(hits) < need:
                continue
            by_day = {date.fromisoformat(d): _LEAVE for d in leave}
            for hit in hits:
                d, v = hit.split(":")
                by_day[date.fromisoformat(d)] = DayFact(False, True, _number(v))
            facts[i][emp] = by_day
        for j, (_key, cond, spans) in enumerate(sums):
            for k in range(len(spans)):
                found = row[at] if row[at] is not None else 0
                if row[at + 1] and holds(found, cond.op, cond.value):
                    met[j].setdefault(emp, {})[k] = found
                at += 2
    out: dict[str, Matches] = {}
    for i, (key, cond, days, _need) in enumerate(windows):
        walker = streak.walk if isinstance(cond, Streak) else count_in_window.walk
        out[key] = walker(cond, days, facts[i])  # type: ignore[arg-type]
    for j, (key, cond, _spans) in enumerate(sums):
        out[key] = period_sum.build(cond, ctx, met[j])
    return out
