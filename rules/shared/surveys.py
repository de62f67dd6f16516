"""One pass over ``surveys`` for every ``pulse_unanswered`` condition with the same lookback.

The library asks "the last 3 pulses unanswered" (``silent``) and "the last 2" (a signal of
``attrition_risk``): the same ranking of each person's decided pulses, cut at a different
length. The ranking is computed once, cut at the longest length, and only people whose shortest
cut is all missed are read (nobody else can match any of them).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel
from sqlalchemy import and_, func, select

from rules.conditions import pulse_unanswered
from rules.context import EvalContext, Matches
from rules.model import PulseUnanswered


def scan(ctx: EvalContext, todo: Mapping[str, BaseModel]) -> dict[str, Matches]:
    """Matches per condition key for ``pulse_unanswered`` conditions sharing a ranking (groups of ≥ 2)."""
    groups: dict[tuple[int, bool], list[tuple[str, PulseUnanswered]]] = {}
    for key, cond in todo.items():
        if isinstance(cond, PulseUnanswered):
            groups.setdefault((cond.lookback_days, cond.exclude_paused), []).append((key, cond))
    out: dict[str, Matches] = {}
    for group in groups.values():
        if len(group) > 1:
            out.update(_group(ctx, group))
    return out


def _group(ctx: EvalContext, group: list[tuple[str, PulseUnanswered]]) -> dict[str, Matches]:
    shortest = min(cond.surveys for _k, cond in group)
    longest = max(cond.surveys for _k, cond in group)
    r = pulse_unanswered._ranked(group[0][1], ctx)  # the ranking depends on lookback and paused only
    silent = (
        select(r.c.employee_id)
        .where(r.c.rn <= shortest)
        .group_by(r.c.employee_id)
        .having(and_(func.count() == shortest, func.sum(r.c.missed) == shortest))
    )
    rows = ctx.session.execute(
        select(r.c.employee_id, r.c.scheduled_on, r.c.missed)
        .where(r.c.rn <= longest, r.c.employee_id.in_(silent))
        .order_by(r.c.employee_id, r.c.rn)
    )
    ranked: dict[int, list[tuple[date, bool]]] = {}
    for emp, scheduled_on, missed in rows:
        ranked.setdefault(emp, []).append((scheduled_on, bool(missed)))
    out: dict[str, Matches] = {}
    for key, cond in group:
        matches: Matches = {}
        for emp, pulses in ranked.items():
            last = pulses[: cond.surveys]
            if len(last) == cond.surveys and all(missed for _d, missed in last):
                dates = sorted(d.isoformat() for d, _m in last)
                matches[emp] = {"kind": "pulse_unanswered", "surveys": dates}
        out[key] = matches
    return out
