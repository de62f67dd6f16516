"""``monthly_overtime``: legal overtime of the current calendar month to date against the 36-hour cap.

Labour Law art. 41 allows at most 36 hours of overtime a month. The month is the evaluation
day's calendar month in the company time zone, summed from its 1st to the last complete fact
day — so on 1 December nothing of November (let alone October) is described. From ``value``
the evidence says "approaching the cap"; above ``cap`` it says "exceeded", names art. 41 and
raises the tag's severity. The advice follows the day the text is read: once the month has
ended it no longer suggests sparing "the rest of this month".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from bot.core.chunks import chunked
from bot.core.sqlutil import IN_CHUNK
from bot.models import AttendanceDay, Employee
from rules import fmt
from rules.conditions.sqlbits import attendance_value, compare, num
from rules.context import EvalContext, Matches
from rules.model import MonthlyOvertime

PLACEHOLDERS = frozenset({"month", "total", "cap", "state", "over", "dates", "to", "advice"})

_STATE = {
    False: ("接近{cap}上限", "close to the {cap} cap"),
    True: ("已超过{cap}上限（《劳动法》第41条）", "over the {cap} cap (Labour Law art. 41)"),
}
# (exceeded, month over) → what to do, in both languages.
_ADVICE = {
    (False, False): (
        "提醒主管：本月剩余时间尽量不再安排加班，必要时调整排班或分配。",
        "Ask the manager to avoid further overtime for the rest of the month and rebalance the work if needed.",
    ),
    (True, False): (
        "本月加班已超过法定上限：请主管立即停止安排加班、调整排班，并核对每一笔加班审批。",
        "This month's overtime is over the legal cap: ask the manager to stop scheduling overtime now, "
        "rebalance the work and check every overtime approval.",
    ),
    (False, True): (
        "{month}已结束：核对当月加班审批与调休/加班费记录；下月排班留意不要再接近上限。",
        "{month} is over: check its overtime approvals and time off or pay; keep next month's plan clear of the cap.",
    ),
    (True, True): (
        "{month}加班超过了法定上限：核对加班审批，按《劳动法》第44条足额支付加班费或安排调休，"
        "并与主管复盘排班，避免再次超限。",
        "{month} went over the legal cap: check the approvals, pay or give time off in full (Labour Law art. 44) "
        "and review the scheduling with the manager so it does not happen again.",
    ),
}


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _sums(cond: MonthlyOvertime, ctx: EvalContext, start: date, employee_id: int | None = None) -> Any:
    value = attendance_value(cond.field)
    query = (
        select(AttendanceDay.employee_id, func.coalesce(func.sum(value), 0))
        .join(Employee, Employee.id == AttendanceDay.employee_id)
        .where(ctx.in_scope(), AttendanceDay.day.between(start, ctx.fact_end))
        .group_by(AttendanceDay.employee_id)
    )
    if employee_id is not None:
        query = query.where(AttendanceDay.employee_id == employee_id)
    return query, func.coalesce(func.sum(value), 0)


def evaluate(cond: MonthlyOvertime, ctx: EvalContext) -> Matches:
    """People whose overtime this month (1st to the last complete day) reaches ``value``."""
    start = _month_start(ctx.day)
    if ctx.fact_end < start:
        return {}  # the 1st of the month: no complete day of this month yet
    query, total = _sums(cond, ctx, start)
    totals = {emp: float(t) for emp, t in ctx.session.execute(query.having(compare(total, ">=", cond.value)))}
    days: dict[int, list[dict[str, Any]]] = {}
    value = attendance_value(cond.field)
    for chunk in chunked(sorted(totals), IN_CHUNK):
        rows = ctx.session.execute(
            select(AttendanceDay.employee_id, AttendanceDay.day, value)
            .where(
                AttendanceDay.employee_id.in_(chunk),
                AttendanceDay.day.between(start, ctx.fact_end),
                value > 0,
            )
            .order_by(AttendanceDay.employee_id, AttendanceDay.day)
        )
        for emp, day, minutes in rows:
            days.setdefault(emp, []).append({"day": day.isoformat(), "minutes": num(minutes)})
    out: Matches = {}
    for emp, minutes in totals.items():
        exceeded = minutes > cond.cap
        evidence: dict[str, Any] = {
            "kind": "monthly_overtime",
            "field": cond.field,
            "month": start.isoformat()[:7],
            "from": start.isoformat(),
            "to": ctx.fact_end.isoformat(),
            "total": num(minutes),
            "threshold": num(cond.value),
            "cap": num(cond.cap),
            "exceeded": exceeded,
            "days": days.get(emp, []),
        }
        if exceeded:
            evidence["severity"] = cond.above_cap_severity
        out[emp] = evidence
    return out


def _month_label(month: str, locale: str | None) -> str:
    first = date.fromisoformat(f"{month}-01")
    return first.strftime("%B") if fmt.is_en(locale) else f"{first.month}月"


def _month_over(evidence: dict[str, Any]) -> bool:
    """Whether the text is read after the month (``as_of`` set by the reader, else the facts' end)."""
    read_on = date.fromisoformat(evidence.get("as_of") or evidence["to"])
    return read_on.isoformat()[:7] > evidence["month"]


def _dates(evidence: dict[str, Any], locale: str | None) -> str:
    items = [f"{fmt.day(d['day'], locale)} {fmt.duration(d['minutes'], locale)}" for d in evidence["days"]]
    return fmt.list_join(items, locale)


def requirement(cond: MonthlyOvertime, locale: str | None) -> str:
    what = fmt.label(fmt.FIELD_LABELS, cond.field, locale)
    limit, cap = fmt.hours_or_minutes(cond.value, locale), fmt.hours_or_minutes(cond.cap, locale)
    if fmt.is_en(locale):
        return f"{what} this calendar month to date ≥ {limit} (cap {cap})"
    return f"本月至今{what}合计 ≥ {limit}（上限{cap}）"


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    values = placeholders(evidence, locale)
    if fmt.is_en(locale):
        extra = f", {values['over']} over" if evidence["exceeded"] else ""
        head = f"{values['month']} overtime {values['state']}"
        return f"{head}: {values['total']} by {values['to']}{extra}: {values['dates']}"
    extra = f"，超出{values['over']}" if evidence["exceeded"] else ""
    return f"{values['month']}加班{values['state']}：截至{values['to']}共{values['total']}{extra}：{values['dates']}"


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    en = fmt.is_en(locale)
    month = _month_label(evidence["month"], locale)
    cap = fmt.hours_or_minutes(evidence["cap"], locale)
    exceeded = bool(evidence["exceeded"])
    state = _STATE[exceeded][1 if en else 0].format(cap=cap)
    advice = _ADVICE[(exceeded, _month_over(evidence))][1 if en else 0].format(month=month)
    over = max(0.0, float(evidence["total"]) - float(evidence["cap"]))
    return {
        "month": month,
        "total": fmt.hours_or_minutes(evidence["total"], locale),
        "cap": cap,
        "state": state,
        "over": fmt.hours_or_minutes(over, locale) if exceeded else "",
        "dates": _dates(evidence, locale),
        "to": fmt.day(evidence["to"], locale),
        "advice": advice,
    }


def observe(cond: MonthlyOvertime, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    start = _month_start(ctx.day)
    if ctx.fact_end < start:
        return "no complete day of this month yet" if fmt.is_en(locale) else "本月还没有完整的考勤日"
    query, _ = _sums(cond, ctx, start, employee_id)
    total = next((float(t) for _e, t in ctx.session.execute(query)), 0.0)
    span = f"{fmt.day(start, locale)}–{fmt.day(ctx.fact_end, locale)}"
    return f"{span} {fmt.hours_or_minutes(total, locale)}"
