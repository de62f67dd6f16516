"""``metric_change``: week-over-week change of a metric's weekly average (or sum), N weeks running.

Weeks are calendar weeks (Mon–Sun). The current week counts once no workday is left in it, so a
Friday evaluation already compares this week with last week. A week needs ``min_days`` values.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select

from bot.models import Employee, Metric
from rules import fmt
from rules.conditions.sqlbits import compare, num
from rules.context import EvalContext, Matches
from rules.model import MetricChange

PLACEHOLDERS = frozenset({"change", "weeks", "metric"})


def complete_weeks(ctx: EvalContext, count: int) -> list[tuple[date, date]]:
    """The ``count`` most recent complete calendar weeks up to ``fact_end``, most recent first."""
    sunday = ctx.fact_end + timedelta(days=6 - ctx.fact_end.weekday())
    rest = [ctx.fact_end + timedelta(days=i) for i in range(1, (sunday - ctx.fact_end).days + 1)]
    if any(ctx.calendar.is_workday(d) for d in rest):
        sunday -= timedelta(weeks=1)
    return [(sunday - timedelta(days=6 + 7 * k), sunday - timedelta(days=7 * k)) for k in range(count)]


def _weekly(cond: MetricChange, ctx: EvalContext, employee_id: int | None = None) -> Any:
    weeks = complete_weeks(ctx, cond.weeks + 1)
    m = Metric
    bucket = case(*[(m.day.between(a, b), k) for k, (a, b) in enumerate(weeks)])
    inner = (
        select(m.employee_id, bucket.label("bucket"), m.value)
        .join(Employee, Employee.id == m.employee_id)
        .where(ctx.in_scope(), m.metric == cond.metric, m.day.between(weeks[-1][0], weeks[0][1]))
    )
    if employee_id is not None:
        inner = inner.where(m.employee_id == employee_id)
    sub = inner.subquery()
    agg = func.avg(sub.c.value) if cond.aggregate == "avg" else func.sum(sub.c.value)
    grouped = (
        select(sub.c.employee_id, sub.c.bucket, agg.label("v"), func.count().label("n"))
        .group_by(sub.c.employee_id, sub.c.bucket)
        .subquery()
    )
    return weeks, grouped


def evaluate(cond: MetricChange, ctx: EvalContext) -> Matches:
    """People whose weekly value changed by ``op value`` percent in each of the last ``weeks`` weeks."""
    weeks, g = _weekly(cond, ctx)
    cols = [func.max(case((g.c.bucket == k, g.c.v))).label(f"w{k}") for k in range(cond.weeks + 1)]
    pivot = (
        select(g.c.employee_id, *cols)
        .group_by(g.c.employee_id)
        .having(and_(func.count() == cond.weeks + 1, func.min(g.c.n) >= cond.min_days))
        .subquery()
    )
    w = [pivot.c[f"w{k}"] for k in range(cond.weeks + 1)]
    changes = [(w[k] - w[k + 1]) * 100.0 / w[k + 1] for k in range(cond.weeks)]
    clauses = [and_(w[k + 1] > 0, compare(changes[k], cond.op, cond.value)) for k in range(cond.weeks)]
    out: Matches = {}
    for row in ctx.session.execute(select(pivot.c.employee_id, *w).where(and_(*clauses))):
        emp, values = row[0], list(row[1:])
        series = [
            {"from": weeks[k][0].isoformat(), "to": weeks[k][1].isoformat(), "value": num(values[k])}
            for k in reversed(range(cond.weeks + 1))
        ]
        pct = [round((values[k] - values[k + 1]) * 100.0 / values[k + 1], 1) for k in reversed(range(cond.weeks))]
        out[emp] = {
            "kind": "metric_change",
            "metric": cond.metric,
            "aggregate": cond.aggregate,
            "op": cond.op,
            "threshold": num(cond.value),
            "weeks": series,
            "changes": pct,
        }
    return out


def requirement(cond: MetricChange, locale: str | None) -> str:
    metric = fmt.label(fmt.METRIC_LABELS, cond.metric, locale)
    limit = f"{fmt.OP_TEXT[cond.op]} {fmt.percent(cond.value)}"
    if fmt.is_en(locale):
        return f"weekly {metric} changed {limit} week over week, {cond.weeks} weeks running"
    return f"{metric}周{'均值' if cond.aggregate == 'avg' else '合计'}连续{cond.weeks}周环比变化 {limit}"


def _series(evidence: dict[str, Any], locale: str | None) -> str:
    metric = evidence["metric"]
    weeks, changes = evidence["weeks"], evidence["changes"]
    parts = [fmt.metric_value(metric, weeks[0]["value"])]
    for week, change in zip(weeks[1:], changes, strict=True):
        parts.append(f"{fmt.metric_value(metric, week['value'])}（{fmt.percent(change)}）")
    arrow = " → "
    if fmt.is_en(locale):
        parts = [p.replace("（", " (").replace("）", ")") for p in parts]
    return arrow.join(parts)


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    metric = fmt.label(fmt.METRIC_LABELS, evidence["metric"], locale)
    first, last = evidence["weeks"][0], evidence["weeks"][-1]
    span = f"{fmt.day(first['from'], locale)}–{fmt.day(last['to'], locale)}"
    if fmt.is_en(locale):
        return f"weekly {metric} {span}: {_series(evidence, locale)}"
    kind = "周均" if evidence["aggregate"] == "avg" else "周合计"
    return f"{metric}{kind}（{span}）：{_series(evidence, locale)}"


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    return {
        "change": fmt.list_join([fmt.percent(c) for c in evidence["changes"]], locale),
        "weeks": str(len(evidence["changes"])),
        "metric": fmt.label(fmt.METRIC_LABELS, evidence["metric"], locale),
    }


def observe(cond: MetricChange, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    weeks, g = _weekly(cond, ctx, employee_id)
    values = {int(b): (v, n) for _e, b, v, n in ctx.session.execute(select(g))}
    items = []
    for k in reversed(range(len(weeks))):
        v, n = values.get(k, (None, 0))
        label = f"{fmt.day(weeks[k][0], locale)}–{fmt.day(weeks[k][1], locale)}"
        count = f"{n} days" if fmt.is_en(locale) else f"{n}天"
        items.append(f"{label} {fmt.metric_value(cond.metric, v)} ({count})")
    return fmt.list_join(items, locale)
