"""``count_in_window``: at least K of the last N workdays meet a day-level predicate (late ≥ 3 of 5)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rules import fmt
from rules.conditions import workdays
from rules.conditions.sqlbits import num
from rules.context import EvalContext, Matches
from rules.model import CountInWindow

PLACEHOLDERS = frozenset({"count", "window", "dates", "threshold"})


def _days(cond: CountInWindow, ctx: EvalContext) -> list[date]:
    extra = cond.max_skipped if cond.on_leave == "skip" else 0
    return ctx.workdays_back(cond.window_workdays + extra)


def window(cond: CountInWindow, ctx: EvalContext) -> tuple[list[date], int]:
    """The workdays to read (most recent first) and how many must meet the predicate at least."""
    return _days(cond, ctx), cond.min_count


def evaluate(cond: CountInWindow, ctx: EvalContext) -> Matches:
    """People with ``min_count`` satisfying days among their last ``window_workdays`` workdays."""
    days = _days(cond, ctx)
    return walk(cond, days, workdays.fetch(ctx, cond.field, cond.op, cond.value, days, cond.min_count))


def walk(cond: CountInWindow, days: list[date], facts: dict[int, dict[date, workdays.DayFact]]) -> Matches:
    """The window of each person from their leave and satisfying days (``workdays.fetch``'s shape)."""
    out: Matches = {}
    for emp, by_day in facts.items():
        window: list[date] = []
        hits: list[dict[str, Any]] = []
        skipped: list[str] = []
        for d in days:  # most recent first
            fact = by_day.get(d)
            if fact is not None and fact.leave and cond.on_leave == "skip":
                skipped.append(d.isoformat())
                continue
            window.append(d)
            if fact is not None and fact.sat:
                hits.append({"date": d.isoformat(), "value": fact.value})
            if len(window) == cond.window_workdays:
                break
        if len(window) == cond.window_workdays and len(hits) >= cond.min_count:
            out[emp] = {
                "kind": "count_in_window",
                "field": cond.field,
                "op": cond.op,
                "threshold": num(cond.value),
                "count": len(hits),
                "window": {"from": window[-1].isoformat(), "to": window[0].isoformat(), "workdays": len(window)},
                "days": list(reversed(hits)),
                "skipped_leave": sorted(skipped),
            }
    return out


def requirement(cond: CountInWindow, locale: str | None) -> str:
    what = fmt.label(fmt.FIELD_LABELS, cond.field, locale)
    limit = fmt.threshold(cond.field, cond.op, cond.value, locale)
    if fmt.is_en(locale):
        return f"{what} {limit} on at least {cond.min_count} of the last {cond.window_workdays} workdays"
    return f"最近{cond.window_workdays}个工作日中至少{cond.min_count}天{what} {limit}"


def _dates(evidence: dict[str, Any], locale: str | None) -> str:
    field = evidence["field"]
    return fmt.list_join(
        [f"{fmt.day(d['date'], locale)} {fmt.field_value(field, d['value'], locale)}" for d in evidence["days"]], locale
    )


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    what = fmt.label(fmt.FIELD_LABELS, evidence["field"], locale)
    limit = fmt.threshold(evidence["field"], evidence["op"], evidence["threshold"], locale)
    n, total = evidence["count"], evidence["window"]["workdays"]
    if fmt.is_en(locale):
        return f"{what} {limit} on {n} of the last {total} workdays: {_dates(evidence, locale)}"
    return f"最近{total}个工作日中有{n}天{what} {limit}：{_dates(evidence, locale)}"


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    return {
        "count": str(evidence["count"]),
        "window": str(evidence["window"]["workdays"]),
        "dates": _dates(evidence, locale),
        "threshold": fmt.field_value(evidence["field"], evidence["threshold"], locale),
    }


def observe(cond: CountInWindow, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    days = _days(cond, ctx)[: cond.window_workdays]
    return workdays.render_days(
        cond.field, workdays.observe(ctx, employee_id, cond.field, cond.op, cond.value, days), locale
    )
