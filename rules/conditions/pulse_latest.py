"""``pulse_latest``: the latest check-in answer to a question meets a threshold (stress ≥ 8).

Only identified *check-in* answers are read: confidential team-pulse answers are shown as
aggregates of five or more people and never feed a rule about one person.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.models import Employee, SurveyAnswer
from rules import fmt
from rules.conditions.sqlbits import compare, holds, num
from rules.context import EvalContext, Matches
from rules.model import PulseLatest

PLACEHOLDERS = frozenset({"value", "answered_on", "question"})


def checkin_answers(ctx: EvalContext, question: str, days_back: int, employee_id: int | None = None) -> Any:
    """Check-in answers to ``question`` in the last ``days_back`` days up to the day, newest ranked 1."""
    a = SurveyAnswer
    query = (
        select(
            a.employee_id,
            a.value,
            a.answered_on,
            func.row_number()
            .over(partition_by=a.employee_id, order_by=(a.answered_at.desc(), a.id.desc()))
            .label("rn"),
        )
        .join(Employee, Employee.id == a.employee_id)
        .where(
            ctx.in_scope(),
            a.question_key == question,
            a.mode == "checkin",
            a.value.is_not(None),
            a.answered_on.between(ctx.day - timedelta(days=days_back - 1), ctx.day),
        )
    )
    if employee_id is not None:
        query = query.where(a.employee_id == employee_id)
    return query.subquery()


def evaluate(cond: PulseLatest, ctx: EvalContext) -> Matches:
    """People whose most recent answer (within ``max_age_days``) meets ``op value``."""
    ranked = checkin_answers(ctx, cond.question, cond.max_age_days)
    rows = ctx.session.execute(
        select(ranked.c.employee_id, ranked.c.value, ranked.c.answered_on).where(
            ranked.c.rn == 1, compare(ranked.c.value, cond.op, cond.value)
        )
    )
    return {
        emp: {
            "kind": "pulse_latest",
            "question": cond.question,
            "op": cond.op,
            "threshold": num(cond.value),
            "value": num(value),
            "answered_on": answered_on.isoformat(),
        }
        for emp, value, answered_on in rows
    }


def requirement(cond: PulseLatest, locale: str | None) -> str:
    question = fmt.label(fmt.QUESTION_LABELS, cond.question, locale)
    limit = f"{fmt.OP_TEXT[cond.op]} {fmt.number(cond.value)}"
    if fmt.is_en(locale):
        return f"latest {question} answer {limit} (within {cond.max_age_days} days)"
    return f"最近一次{question}回答 {limit}（{cond.max_age_days}天内）"


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    question = fmt.label(fmt.QUESTION_LABELS, evidence["question"], locale)
    when = fmt.day(evidence["answered_on"], locale)
    if fmt.is_en(locale):
        return f"answered {question} {fmt.number(evidence['value'])} on {when}"
    return f"{when}关怀问答中{question}回答为 {fmt.number(evidence['value'])}"


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    return {
        "value": fmt.number(evidence["value"]),
        "answered_on": fmt.day(evidence["answered_on"], locale),
        "question": fmt.label(fmt.QUESTION_LABELS, evidence["question"], locale),
    }


def observe(cond: PulseLatest, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    ranked = checkin_answers(ctx, cond.question, cond.max_age_days, employee_id)
    row = ctx.session.execute(select(ranked.c.value, ranked.c.answered_on).where(ranked.c.rn == 1)).first()
    if row is None:
        return "no recent check-in answer" if fmt.is_en(locale) else "近期无关怀问答回答"
    mark = "✓" if holds(row.value, cond.op, cond.value) else "✗"
    return f"{fmt.day(row.answered_on, locale)} {fmt.number(row.value)} {mark}"
