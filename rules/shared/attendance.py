"""One pass over ``attendance_days`` for every ``streak``, ``count_in_window``, ``period_sum`` and ``monthly_overtime``.

Per person (``GROUP BY employee_id``) over the days all of them read, in every context asked
for, the query returns numbers only (so PostgreSQL can aggregate in parallel):

* a mask of the leave days, and for each distinct day-level test (field, operator, threshold —
  shared by the conditions and contexts that ask the same) a mask of the days that pass it and
  how many do (bit *k* is the *k*-th day after the first day read);
* for each distinct period (week, month to date) of each summed field, its total.

``HAVING`` keeps only people some condition can match. The masks are turned into the shape the
kind's own query returns (``workdays.fetch``: leave and satisfying days of the window's
workdays) and the kind's own ``walk``/``build`` makes the evidence; the values of the days
named in the evidence are read afterwards for those people only. No join: people out of a
context's scope are dropped afterwards (the groups are per person). A window longer than a mask
(62 days, far beyond the library's) stays on its own path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select

from bot.core.chunks import chunked
from bot.core.sqlutil import IN_CHUNK
from bot.models import AttendanceDay
from rules.conditions import count_in_window, monthly_overtime, period_sum, streak
from rules.conditions.sqlbits import attendance_value, compare, holds, num, scanned, within_shift_hours
from rules.conditions.workdays import DayFact
from rules.context import Matches
from rules.model import CountInWindow, MonthlyOvertime, PeriodSum, Streak
from rules.shared import Wanted
from rules.shared.sql import (
    MASK_DAYS,
    at_least,
    counted_days,
    day_bit,
    days_in,
    dialect,
    literal,
    people_filter,
    same_contexts,
    unpack,
)

KINDS = (Streak, CountInWindow, PeriodSum, MonthlyOvertime)
_LEAVE = DayFact(True, False, None)


@dataclass
class _Test:
    """One day-level test (``field op value``) and the workday windows that use it."""

    fact: str  # the attendance field
    op: str
    value: float
    windows: list[tuple[Wanted, list[date], int]] = field(default_factory=list)  # (want, days, need)

    def sql(self) -> Any:
        ad = AttendanceDay
        # The threshold first: it is false for most rows, and both databases stop at the first false.
        sat = and_(compare(attendance_value(self.fact), self.op, literal(self.value)), ad.on_leave.is_(False))
        shift_ok = within_shift_hours(self.fact, self.op, literal(self.value))  # as in workdays.fetch
        return and_(sat, shift_ok) if shift_ok is not None else sat


@dataclass
class _Sum:
    want: Wanted
    spans: list[tuple[date, date]]  # most recent first; a month to date is one span


def _plan(items: list[Wanted]) -> tuple[dict[tuple[str, str, float], _Test], list[_Sum]]:
    tests: dict[tuple[str, str, float], _Test] = {}
    sums: list[_Sum] = []
    for w in items:
        cond, ctx = w.cond, w.ctx
        if isinstance(cond, Streak | CountInWindow):
            days, need = (streak.window if isinstance(cond, Streak) else count_in_window.window)(cond, ctx)  # type: ignore[arg-type]
            if not days:
                ctx.cache[w.key] = {}  # no workday in the window: nobody matches, as on its own path
                continue
            key = (cond.field, cond.op, cond.value)
            tests.setdefault(key, _Test(*key)).windows.append((w, days, need))
        elif isinstance(cond, PeriodSum):
            sums.append(_Sum(w, period_sum.spans_of(cond, ctx)))
        elif isinstance(cond, MonthlyOvertime):
            start = monthly_overtime.month_start(ctx.day)
            if ctx.fact_end < start:
                ctx.cache[w.key] = {}  # the 1st of the month: nothing to read, as on its own path
            else:
                sums.append(_Sum(w, [(start, ctx.fact_end)]))
    return tests, sums


def scan(work: Sequence[Wanted]) -> None:
    """Compute every attendance condition of ``work`` (within a mask's reach) into its context's cache."""
    tests, sums = _plan([w for w in work if isinstance(w.cond, KINDS)])
    windows = [win for t in tests.values() for win in t.windows]
    base = min((min(days) for _w, days, _n in windows), default=date.max)
    if windows and (max(max(days) for _w, days, _n in windows) - base).days >= MASK_DAYS:
        return  # an unusually long window: every condition here keeps its own path
    if not windows and not sums:
        return
    top = same_contexts([w.ctx for w, _d, _n in windows] + [s.want.ctx for s in sums])
    name = dialect(top.session)
    ad = AttendanceDay
    last = max([max(days) for _w, days, _n in windows] + [s.spans[0][1] for s in sums])
    first = min([base] + [s.spans[-1][0] for s in sums])
    masked = [ad.day >= base] if base > first else []  # the masks start at ``base``
    leave = func.sum(day_bit(ad.day, base, name)).filter(and_(ad.on_leave.is_(True), *masked))
    columns: list[Any] = [ad.employee_id.label("employee_id"), leave.label("leave")]
    for i, test in enumerate(tests.values()):
        columns.append(counted_days(ad.day, base, and_(test.sql(), *masked), name).label(f"t{i}"))
    totals: dict[tuple[str, date, date], str] = {}  # (field, from, to) → column
    for s in sums:
        for a, b in s.spans:
            key = (s.want.cond.field, a, b)  # type: ignore[attr-defined]
            if key not in totals:
                totals[key] = f"s{len(totals)}"
                columns.append(func.sum(attendance_value(key[0])).filter(ad.day.between(a, b)).label(totals[key]))
    grouped = (
        select(*columns)
        .where(scanned(ad.day, name).between(first, last), *people_filter(ad.employee_id, top))
        .group_by(ad.employee_id)
        .subquery()
    )
    wanted: list[Any] = []  # outside the grouping, so each aggregate is computed once
    for i, test in enumerate(tests.values()):
        wanted.append(at_least(grouped.c[f"t{i}"], min(need for _w, _d, need in test.windows)))
    for s in sums:
        cond: Any = s.want.cond
        op = cond.op if isinstance(cond, PeriodSum) else ">="
        wanted += [compare(grouped.c[totals[(cond.field, a, b)]], op, literal(cond.value)) for a, b in s.spans]
    rows = top.session.connection().execute(select(grouped).where(or_(*wanted))).all()
    for i, test in enumerate(tests.values()):
        _walk(test, rows, 2 + i, base)
    index = {key: 2 + len(tests) + k for k, key in enumerate(totals)}
    for s in sums:
        _build(s, rows, index)


def _walk(test: _Test, rows: Sequence[Any], at: int, base: date) -> None:
    """Each window of ``test``: the kind's walk over leave and satisfying days, then the values it names."""
    least = min(need for _w, _d, need in test.windows)
    found: dict[int, tuple[set[date], set[date]]] = {}
    for row in rows:
        mask, count = unpack(row[at])
        if count >= least:
            found[row[0]] = (days_in(row[1], base), days_in(mask, base))
    chosen: list[tuple[Wanted, Matches]] = []
    for w, days, need in test.windows:
        scope = w.ctx.scope_ids()
        facts: dict[int, dict[date, DayFact]] = {}
        for emp, (leave, sat) in found.items():
            mine = [d for d in days if d in sat]
            if len(mine) < need or emp not in scope:
                continue
            facts[emp] = {d: _LEAVE for d in days if d in leave}
            facts[emp].update({d: DayFact(False, True, None) for d in mine})
        walker = streak.walk if isinstance(w.cond, Streak) else count_in_window.walk
        chosen.append((w, walker(w.cond, days, facts)))  # type: ignore[arg-type]
    _values(test, chosen)
    for w, matches in chosen:
        w.ctx.cache[w.key] = matches


def _values(test: _Test, chosen: list[tuple[Wanted, Matches]]) -> None:
    """Fill in the value of every day the evidence names, read for the matched people only."""
    people = sorted({emp for _w, matches in chosen for emp in matches})
    if not people:
        return
    named = {date.fromisoformat(d["date"]) for _w, m in chosen for ev in m.values() for d in ev["days"]}
    session = chosen[0][0].ctx.session
    ad = AttendanceDay
    values: dict[tuple[int, str], Any] = {}
    for chunk in chunked(people, IN_CHUNK):
        query = select(ad.employee_id, ad.day, attendance_value(test.fact)).where(
            ad.employee_id.in_(chunk), ad.day.between(min(named), max(named)), test.sql()
        )
        for emp, day, value in session.connection().execute(query):
            values[(emp, day.isoformat())] = num(value)
    for _w, matches in chosen:
        for emp, ev in matches.items():
            for d in ev["days"]:
                d["value"] = values[(emp, d["date"])]


def _build(s: _Sum, rows: Sequence[Any], index: dict[tuple[str, date, date], int]) -> None:
    cond: Any = s.want.cond
    ctx = s.want.ctx
    op = cond.op if isinstance(cond, PeriodSum) else ">="
    scope = ctx.scope_ids()
    met: dict[int, dict[int, Any]] = {}
    for row in rows:
        if row[0] not in scope:
            continue
        for k, (a, b) in enumerate(s.spans):
            total = row[index[(cond.field, a, b)]]
            if total is not None and holds(total, op, cond.value):
                met.setdefault(row[0], {})[k] = total
    if isinstance(cond, PeriodSum):
        ctx.cache[s.want.key] = period_sum.build(cond, ctx, met)
    else:
        totals = {e: float(m[0]) for e, m in met.items()}
        ctx.cache[s.want.key] = monthly_overtime.build(cond, ctx, s.spans[0][0], totals)
