"""``pulse_trend``: the last N check-in answers to a question move one way (falling mood)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import and_, case, func, select

from bot.models import Employee, SurveyAnswer
from rules import fmt
from rules.conditions.sqlbits import flag, num
from rules.context import EvalContext, Matches
from rules.model import PulseTrend

PLACEHOLDERS = frozenset({"values", "change", "question"})


def _ranked(cond: PulseTrend, ctx: EvalContext, employee_id: int | None = None) -> Any:
    a = SurveyAnswer
    order = (a.answered_at.desc(), a.id.desc())
    query = (
        select(
            a.employee_id,
            a.value,
            a.answered_on,
            func.row_number().over(partition_by=a.employee_id, order_by=order).label("rn"),
            func.lead(a.value).over(partition_by=a.employee_id, order_by=order).label("older"),
        )
        .join(Employee, Employee.id == a.employee_id)
        .where(
            ctx.in_scope(),
            a.question_key == cond.question,
            a.mode == "checkin",
            a.value.is_not(None),
            a.answered_on.between(ctx.day - timedelta(days=cond.lookback_days - 1), ctx.day),
        )
    )
    if employee_id is not None:
        query = query.where(a.employee_id == employee_id)
    return query.cte("ranked")  # read twice (rows and the grouped filter): computed once


def evaluate(cond: PulseTrend, ctx: EvalContext) -> Matches:
    """People whose last ``answers`` answers never moved against ``direction`` and moved ``min_change`` overall."""
    r = _ranked(cond, ctx)
    k = cond.answers
    against = r.c.value > r.c.older if cond.direction == "falling" else r.c.value < r.c.older
    newest = func.max(case((r.c.rn == 1, r.c.value)))
    oldest = func.max(case((r.c.rn == k, r.c.value)))
    moved = (oldest - newest) if cond.direction == "falling" else (newest - oldest)
    trending = (
        select(r.c.employee_id)
        .where(r.c.rn <= k)
        .group_by(r.c.employee_id)
        .having(
            and_(
                func.count() == k,
                func.sum(flag(and_(r.c.rn < k, against))) == 0,
                moved >= cond.min_change,
            )
        )
    )
    rows = ctx.session.execute(
        select(r.c.employee_id, r.c.value, r.c.answered_on)
        .where(r.c.rn <= k, r.c.employee_id.in_(trending))
        .order_by(r.c.employee_id, r.c.rn.desc())
    )
    out: Matches = {}
    for emp, value, answered_on in rows:
        ev = out.setdefault(
            emp, {"kind": "pulse_trend", "question": cond.question, "direction": cond.direction, "answers": []}
        )
        ev["answers"].append({"answered_on": answered_on.isoformat(), "value": num(value)})
    for ev in out.values():
        ev["change"] = num(ev["answers"][-1]["value"] - ev["answers"][0]["value"])
    return out


def requirement(cond: PulseTrend, locale: str | None) -> str:
    question = fmt.label(fmt.QUESTION_LABELS, cond.question, locale)
    if fmt.is_en(locale):
        return f"last {cond.answers} {question} answers {cond.direction} by ≥ {fmt.number(cond.min_change)}"
    way = "走低" if cond.direction == "falling" else "走高"
    return f"最近{cond.answers}次{question}回答持续{way}，累计变化 ≥ {fmt.number(cond.min_change)}"


def _values(evidence: dict[str, Any], locale: str | None) -> str:
    en = fmt.is_en(locale)
    return " → ".join(
        f"{fmt.number(a['value'])} ({fmt.day(a['answered_on'], locale)})"
        if en
        else f"{fmt.number(a['value'])}（{fmt.day(a['answered_on'], locale)}）"
        for a in evidence["answers"]
    )


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    question = fmt.label(fmt.QUESTION_LABELS, evidence["question"], locale)
    if fmt.is_en(locale):
        return f"{question} answers {evidence['direction']}: {_values(evidence, locale)}"
    way = "持续走低" if evidence["direction"] == "falling" else "持续走高"
    return f"{question}回答{way}：{_values(evidence, locale)}"


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    return {
        "values": _values(evidence, locale),
        "change": fmt.number(evidence["change"]),
        "question": fmt.label(fmt.QUESTION_LABELS, evidence["question"], locale),
    }


def observe(cond: PulseTrend, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    r = _ranked(cond, ctx, employee_id)
    rows = ctx.session.execute(select(r.c.value, r.c.answered_on).where(r.c.rn <= cond.answers).order_by(r.c.rn.desc()))
    items = [f"{fmt.number(v)}（{fmt.day(d, locale)}）" for v, d in rows]
    return " → ".join(items) if items else ("no recent answers" if fmt.is_en(locale) else "近期无回答")
