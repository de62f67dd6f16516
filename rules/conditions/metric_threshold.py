"""``metric_threshold``: an aggregate of a metric over the last N calendar days meets a threshold."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.models import Employee, Metric
from rules import fmt
from rules.conditions.sqlbits import compare, holds, num
from rules.context import EvalContext, Matches
from rules.model import MetricThreshold

PLACEHOLDERS = frozenset({"value", "metric", "points"})
_AGG_ZH = {"avg": "平均", "sum": "合计", "min": "最低", "max": "最高", "latest": "最新"}
_AGG_EN = {"avg": "average", "sum": "total", "min": "lowest", "max": "highest", "latest": "latest"}


def span(cond: MetricThreshold, ctx: EvalContext) -> tuple[date, date]:
    """The days read: the last ``window_days`` up to the last complete day."""
    return ctx.fact_end - timedelta(days=cond.window_days - 1), ctx.fact_end


def _aggregated(cond: MetricThreshold, ctx: EvalContext, employee_id: int | None = None) -> Any:
    m = Metric
    start, end = span(cond, ctx)
    where = [ctx.in_scope(), m.metric == cond.metric, m.day.between(start, end)]
    if employee_id is not None:
        where.append(m.employee_id == employee_id)
    if cond.aggregate == "latest":
        ranked = (
            select(
                m.employee_id,
                m.value,
                m.day,
                func.row_number().over(partition_by=m.employee_id, order_by=m.day.desc()).label("rn"),
                func.count().over(partition_by=m.employee_id).label("n"),
            )
            .join(Employee, Employee.id == m.employee_id)
            .where(*where)
            .subquery()
        )
        return (
            select(ranked.c.employee_id, ranked.c.value.label("agg"), ranked.c.n.label("n"))
            .where(ranked.c.rn == 1)
            .subquery()
        )
    fns: dict[str, Any] = {"avg": func.avg, "sum": func.sum, "min": func.min, "max": func.max}
    agg = fns[cond.aggregate](m.value)
    return (
        select(m.employee_id, agg.label("agg"), func.count().label("n"))
        .join(Employee, Employee.id == m.employee_id)
        .where(*where)
        .group_by(m.employee_id)
        .subquery()
    )


def evaluate(cond: MetricThreshold, ctx: EvalContext) -> Matches:
    """People whose aggregate over the window (with ≥ ``min_points`` values) meets ``op value``."""
    agg = _aggregated(cond, ctx)
    start, end = span(cond, ctx)
    rows = ctx.session.execute(
        select(agg.c.employee_id, agg.c.agg, agg.c.n).where(
            agg.c.n >= cond.min_points, compare(agg.c.agg, cond.op, cond.value)
        )
    )
    return {
        emp: {
            "kind": "metric_threshold",
            "metric": cond.metric,
            "aggregate": cond.aggregate,
            "op": cond.op,
            "threshold": num(cond.value),
            "value": num(value),
            "points": n,
            "from": start.isoformat(),
            "to": end.isoformat(),
        }
        for emp, value, n in rows
    }


def requirement(cond: MetricThreshold, locale: str | None) -> str:
    metric = fmt.label(fmt.METRIC_LABELS, cond.metric, locale)
    limit = f"{fmt.OP_TEXT[cond.op]} {fmt.metric_value(cond.metric, cond.value)}"
    if fmt.is_en(locale):
        return f"{_AGG_EN[cond.aggregate]} {metric} over the last {cond.window_days} days {limit}"
    return f"近{cond.window_days}天{metric}{_AGG_ZH[cond.aggregate]} {limit}"


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    metric, agg = evidence["metric"], evidence["aggregate"]
    label = fmt.label(fmt.METRIC_LABELS, metric, locale)
    period = f"{fmt.day(evidence['from'], locale)}–{fmt.day(evidence['to'], locale)}"
    value = fmt.metric_value(metric, evidence["value"])
    limit = f"{fmt.OP_TEXT[evidence['op']]} {fmt.metric_value(metric, evidence['threshold'])}"
    if fmt.is_en(locale):
        return f"{_AGG_EN[agg]} {label} {period}: {value} ({limit}, {evidence['points']} values)"
    return f"{period}{label}{_AGG_ZH[agg]} {value}（{limit}，{evidence['points']}个数据）"


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    return {
        "value": fmt.metric_value(evidence["metric"], evidence["value"]),
        "metric": fmt.label(fmt.METRIC_LABELS, evidence["metric"], locale),
        "points": str(evidence["points"]),
    }


def observe(cond: MetricThreshold, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    agg = _aggregated(cond, ctx, employee_id)
    row = ctx.session.execute(select(agg.c.agg, agg.c.n)).first()
    if row is None or row.agg is None:
        return "no values in the window" if fmt.is_en(locale) else "窗口内无数据"
    mark = "✓" if row.n >= cond.min_points and holds(row.agg, cond.op, cond.value) else "✗"
    word = "values" if fmt.is_en(locale) else "个数据"
    return f"{fmt.metric_value(cond.metric, row.agg)} ({row.n} {word}) {mark}"
