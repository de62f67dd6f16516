"""``period_sum``: a duration summed per calendar week (Mon–Sun) or month meets a threshold.

Sums only grow as a period goes on, so for ``>``/``>=`` the current (partial) period counts as
soon as it meets the threshold; otherwise only complete periods count. All days count (work
on a rest day is work), and ``periods`` consecutive periods must meet it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, select

from bot.models import AttendanceDay, Employee
from rules import fmt
from rules.conditions.sqlbits import attendance_value, compare, holds, num
from rules.context import EvalContext, Matches
from rules.model import PeriodSum

PLACEHOLDERS = frozenset({"total", "periods", "threshold"})


def _month_start(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def periods(period: str, end: date, count: int) -> list[tuple[date, date]]:
    """``count`` periods ending with the one containing ``end`` (cut at ``end``), most recent first."""
    out = []
    for k in range(count):
        if period == "week":
            start = end - timedelta(days=end.weekday()) - timedelta(weeks=k)
            stop = start + timedelta(days=6)
        else:
            start = _month_start(end, k)
            stop = _month_start(end, k - 1) - timedelta(days=1)
        out.append((start, min(stop, end)))
    return out


def _totals(cond: PeriodSum, ctx: EvalContext, *, filtered: bool, employee_id: int | None = None) -> list[Any]:
    spans = periods(cond.period, ctx.fact_end, cond.periods + 1)
    ad = AttendanceDay
    bucket = case(*[(ad.day.between(a, b), k) for k, (a, b) in enumerate(spans)])
    inner = (
        select(ad.employee_id, bucket.label("bucket"), attendance_value(cond.field).label("v"))
        .join(Employee, Employee.id == ad.employee_id)
        .where(ctx.in_scope(), ad.day.between(spans[-1][0], ctx.fact_end))
    )
    if employee_id is not None:
        inner = inner.where(ad.employee_id == employee_id)
    sub = inner.subquery()
    total = func.coalesce(func.sum(sub.c.v), 0)
    query = select(sub.c.employee_id, sub.c.bucket, total).group_by(sub.c.employee_id, sub.c.bucket)
    if filtered:
        query = query.having(compare(total, cond.op, cond.value))
    return list(ctx.session.execute(query))


def evaluate(cond: PeriodSum, ctx: EvalContext) -> Matches:
    """People whose last ``periods`` periods (current one only when it already counts) meet the sum."""
    met: dict[int, dict[int, float]] = {}
    for emp, bucket, total in _totals(cond, ctx, filtered=True):
        met.setdefault(emp, {})[int(bucket)] = total
    return build(cond, ctx, met)


def spans_of(cond: PeriodSum, ctx: EvalContext) -> list[tuple[date, date]]:
    """The periods read: the current one (cut at ``fact_end``) and ``periods`` before it, most recent first."""
    return periods(cond.period, ctx.fact_end, cond.periods + 1)


def build(cond: PeriodSum, ctx: EvalContext, met: dict[int, dict[int, Any]]) -> Matches:
    """Evidence from the totals that meet the threshold, per person and period index (0 = current)."""
    spans = spans_of(cond, ctx)
    growing = cond.op in (">", ">=")
    out: Matches = {}
    for emp, buckets in met.items():
        chosen = None
        if growing and all(k in buckets for k in range(cond.periods)):
            chosen = range(cond.periods)
        elif all(k in buckets for k in range(1, cond.periods + 1)):
            chosen = range(1, cond.periods + 1)
        if chosen is None:
            continue
        out[emp] = {
            "kind": "period_sum",
            "field": cond.field,
            "period": cond.period,
            "op": cond.op,
            "threshold": num(cond.value),
            "periods": [
                {
                    "from": spans[k][0].isoformat(),
                    "to": spans[k][1].isoformat(),
                    "total": num(buckets[k]),
                    "complete": k > 0,
                }
                for k in reversed(chosen)
            ],
        }
    return out


def requirement(cond: PeriodSum, locale: str | None) -> str:
    what = fmt.label(fmt.FIELD_LABELS, cond.field, locale)
    limit = fmt.threshold(cond.field, cond.op, cond.value, locale)
    if fmt.is_en(locale):
        unit = "week" if cond.period == "week" else "month"
        many = f"{cond.periods} consecutive {unit}s" if cond.periods > 1 else f"a calendar {unit}"
        return f"{what} {limit} in {many}"
    unit = "周" if cond.period == "week" else "个月"
    many = f"连续{cond.periods}{unit}" if cond.periods > 1 else ("一周内" if cond.period == "week" else "当月")
    return f"{many}{what}合计 {limit}"


def _span(p: dict[str, Any], locale: str | None) -> str:
    sep = "–"
    return f"{fmt.day(p['from'], locale)}{sep}{fmt.day(p['to'], locale)}"


def _list(evidence: dict[str, Any], locale: str | None) -> str:
    return fmt.list_join(
        [f"{_span(p, locale)} {fmt.hours_or_minutes(p['total'], locale)}" for p in evidence["periods"]], locale
    )


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    what = fmt.label(fmt.FIELD_LABELS, evidence["field"], locale)
    limit = fmt.threshold(evidence["field"], evidence["op"], evidence["threshold"], locale)
    if fmt.is_en(locale):
        return f"{what} {limit}: {_list(evidence, locale)}"
    return f"{what}合计 {limit}：{_list(evidence, locale)}"


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    latest = evidence["periods"][-1]
    return {
        "total": fmt.hours_or_minutes(latest["total"], locale),
        "periods": _list(evidence, locale),
        "threshold": fmt.hours_or_minutes(evidence["threshold"], locale),
    }


def observe(cond: PeriodSum, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    spans = periods(cond.period, ctx.fact_end, cond.periods + 1)
    totals = {int(b): t for _e, b, t in _totals(cond, ctx, filtered=False, employee_id=employee_id)}
    items = []
    for k, (a, b) in enumerate(spans):
        total = totals.get(k, 0)
        mark = "✓" if holds(total, cond.op, cond.value) else "✗"
        items.append(f"{fmt.day(a, locale)}–{fmt.day(b, locale)} {fmt.hours_or_minutes(total, locale)} {mark}")
    return fmt.list_join(list(reversed(items)), locale)
