"""``pulse_unanswered``: the N most recent pulses sent to the person all went unanswered.

A pulse counts once it is decided: answered, expired, or sent and past its expiry. Pulses not
yet sent or still open do not count either way. People who paused surveys (``/optout``) chose
silence, so by default they are left alone.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select

from bot.models import Employee, Survey
from rules import fmt
from rules.conditions.sqlbits import flag
from rules.context import EvalContext, Matches
from rules.model import PulseUnanswered

PLACEHOLDERS = frozenset({"count", "dates"})


def _ranked(cond: PulseUnanswered, ctx: EvalContext, employee_id: int | None = None) -> Any:
    s = Survey
    end = ctx.end_of_day_utc(ctx.day)
    lapsed = or_(s.status == "expired", and_(s.status == "sent", s.expires_at <= end))
    decided = or_(s.status == "answered", lapsed)
    query = (
        select(
            s.employee_id,
            s.scheduled_on,
            flag(lapsed).label("missed"),
            func.row_number()
            .over(partition_by=s.employee_id, order_by=(s.scheduled_on.desc(), s.id.desc()))
            .label("rn"),
        )
        .join(Employee, Employee.id == s.employee_id)
        .where(
            ctx.in_scope(),
            decided,
            s.scheduled_on.between(ctx.day - timedelta(days=cond.lookback_days - 1), ctx.day),
        )
    )
    if cond.exclude_paused:
        query = query.where(Employee.surveys_paused.is_(False))
    if employee_id is not None:
        query = query.where(s.employee_id == employee_id)
    return query.cte("ranked")  # read twice (rows and the grouped filter): computed once


def evaluate(cond: PulseUnanswered, ctx: EvalContext) -> Matches:
    """People whose last ``surveys`` decided pulses were all missed."""
    r = _ranked(cond, ctx)
    silent = (
        select(r.c.employee_id)
        .where(r.c.rn <= cond.surveys)
        .group_by(r.c.employee_id)
        .having(and_(func.count() == cond.surveys, func.sum(r.c.missed) == cond.surveys))
    )
    rows = ctx.session.execute(
        select(r.c.employee_id, r.c.scheduled_on)
        .where(r.c.rn <= cond.surveys, r.c.employee_id.in_(silent))
        .order_by(r.c.employee_id, r.c.scheduled_on)
    )
    out: Matches = {}
    for emp, scheduled_on in rows:
        out.setdefault(emp, {"kind": "pulse_unanswered", "surveys": []})["surveys"].append(scheduled_on.isoformat())
    return out


def requirement(cond: PulseUnanswered, locale: str | None) -> str:
    if fmt.is_en(locale):
        return f"the last {cond.surveys} pulses went unanswered"
    return f"最近{cond.surveys}次问卷均未作答"


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    n = len(evidence["surveys"])
    if fmt.is_en(locale):
        return f"the last {n} pulses went unanswered (sent {fmt.days(evidence['surveys'], locale)})"
    return f"最近{n}次问卷均未作答（{fmt.days(evidence['surveys'], locale)}发出）"


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    return {"count": str(len(evidence["surveys"])), "dates": fmt.days(evidence["surveys"], locale)}


def observe(cond: PulseUnanswered, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    r = _ranked(cond, ctx, employee_id)
    rows = ctx.session.execute(
        select(r.c.scheduled_on, r.c.missed).where(r.c.rn <= cond.surveys).order_by(r.c.scheduled_on)
    )
    en = fmt.is_en(locale)
    items = [
        f"{fmt.day(d, locale)} {('missed' if en else '未答') if m else ('answered' if en else '已答')}" for d, m in rows
    ]
    return fmt.list_join(items, locale) if items else ("no decided pulses" if en else "无已结束的问卷")
