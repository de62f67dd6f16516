"""``streak``: the N most recent workdays all meet a day-level predicate (leave breaks or is skipped)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rules import fmt
from rules.conditions import workdays
from rules.conditions.sqlbits import num
from rules.context import EvalContext, Matches
from rules.model import Streak

PLACEHOLDERS = frozenset({"count", "dates", "first_date", "last_date", "threshold"})


def _window(cond: Streak, ctx: EvalContext) -> list[Any]:
    extra = cond.max_skipped if cond.on_leave == "skip" else 0
    return ctx.workdays_back(cond.days + extra)


def window(cond: Streak, ctx: EvalContext) -> tuple[list[date], int]:
    """The workdays to read (most recent first) and how many must meet the predicate at least."""
    return _window(cond, ctx), cond.days


def evaluate(cond: Streak, ctx: EvalContext) -> Matches:
    """People whose last ``days`` workdays (skipping leave if asked) all meet the predicate."""
    days = _window(cond, ctx)
    return walk(cond, days, workdays.fetch(ctx, cond.field, cond.op, cond.value, days, cond.days))


def walk(cond: Streak, days: list[date], facts: dict[int, dict[date, workdays.DayFact]]) -> Matches:
    """The streak of each person from their leave and satisfying days (``workdays.fetch``'s shape)."""
    out: Matches = {}
    for emp, by_day in facts.items():
        taken: list[dict[str, Any]] = []
        skipped: list[str] = []
        for d in days:  # most recent first
            fact = by_day.get(d)
            if fact is not None and fact.leave:
                if cond.on_leave == "skip":
                    skipped.append(d.isoformat())
                    continue
                break
            if fact is None or not fact.sat:
                break
            taken.append({"date": d.isoformat(), "value": fact.value})
            if len(taken) == cond.days:
                break
        if len(taken) == cond.days:
            out[emp] = {
                "kind": "streak",
                "field": cond.field,
                "op": cond.op,
                "threshold": num(cond.value),
                "days": list(reversed(taken)),
                "skipped_leave": sorted(skipped),
            }
    return out


def requirement(cond: Streak, locale: str | None) -> str:
    what = fmt.label(fmt.FIELD_LABELS, cond.field, locale)
    limit = fmt.threshold(cond.field, cond.op, cond.value, locale)
    if fmt.is_en(locale):
        leave = "leave days skipped" if cond.on_leave == "skip" else "a leave day breaks it"
        return f"{what} {limit} on {cond.days} consecutive workdays ({leave})"
    leave = "请假日跳过" if cond.on_leave == "skip" else "请假日中断"
    return f"连续{cond.days}个工作日{what} {limit}（{leave}）"


def _dates(evidence: dict[str, Any], locale: str | None) -> str:
    items = [
        f"{fmt.day(d['date'], locale)} {fmt.field_value(evidence['field'], d['value'], locale)}"
        for d in evidence["days"]
    ]
    return fmt.list_join(items, locale)


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    what = fmt.label(fmt.FIELD_LABELS, evidence["field"], locale)
    limit = fmt.threshold(evidence["field"], evidence["op"], evidence["threshold"], locale)
    n = len(evidence["days"])
    if fmt.is_en(locale):
        text = f"{what} {limit} on {n} consecutive workdays: {_dates(evidence, locale)}"
        if evidence.get("skipped_leave"):
            text += f" (on leave {fmt.days(evidence['skipped_leave'], locale)}, skipped)"
        return text
    text = f"连续{n}个工作日{what} {limit}：{_dates(evidence, locale)}"
    if evidence.get("skipped_leave"):
        text += f"（{fmt.days(evidence['skipped_leave'], locale)} 请假，已跳过）"
    return text


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    days = evidence["days"]
    return {
        "count": str(len(days)),
        "dates": _dates(evidence, locale),
        "first_date": fmt.day(days[0]["date"], locale),
        "last_date": fmt.day(days[-1]["date"], locale),
        "threshold": fmt.field_value(evidence["field"], evidence["threshold"], locale),
    }


def observe(cond: Streak, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    days = workdays.observe(ctx, employee_id, cond.field, cond.op, cond.value, _window(cond, ctx)[: cond.days])
    return workdays.render_days(cond.field, days, locale)
