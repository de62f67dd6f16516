"""Headcount over the period and turnover, overall and among the tagged (cared vs not).

A person counts as employed on day *d* when hired on or before *d* (or no hire date is known)
and not yet gone: ``left_on`` is the first day away, as the directory sync records it. Rows a
sweep cannot place (``status = left`` without ``left_on``, or ``left_on`` before ``hired_on``)
are left out rather than guessed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, func, not_, or_, select
from sqlalchemy.orm import Session

from bot.core.workcalendar import WorkCalendar
from bot.models import Employee
from bot.report.model import LeaverGroup, OverallTurnover
from bot.report.period import Period


def _placeable() -> ColumnElement[bool]:
    return and_(
        or_(Employee.status != "left", Employee.left_on.is_not(None)),
        not_(and_(Employee.left_on.is_not(None), Employee.hired_on.is_not(None), Employee.left_on < Employee.hired_on)),
    )


@dataclass(frozen=True)
class Headcount:
    """Employed people on each day of the period, from two grouped queries and a sweep."""

    by_day: dict[date, int]

    def on(self, day: date) -> int:
        return self.by_day.get(day, 0)

    def employee_workdays(self, calendar: WorkCalendar) -> int:
        """Σ over the period's workdays of the people employed that day."""
        return sum(n for day, n in self.by_day.items() if calendar.is_workday(day))


def headcount(session: Session, period: Period) -> Headcount:
    """The headcount of every day of ``period``."""
    hires = session.execute(
        select(Employee.hired_on, func.count()).where(_placeable()).group_by(Employee.hired_on)
    ).all()
    exits = session.execute(
        select(Employee.left_on, func.count())
        .where(_placeable(), Employee.left_on.is_not(None))
        .group_by(Employee.left_on)
    ).all()
    joined: dict[date, int] = {}
    for day, n in hires:
        key = period.start if day is None or day < period.start else day
        joined[key] = joined.get(key, 0) + int(n)
    gone: dict[date, int] = {}
    for day, n in exits:
        key = max(day or period.start, period.start)
        gone[key] = gone.get(key, 0) + int(n)
    by_day: dict[date, int] = {}
    current = 0
    day = period.start
    while day <= period.end:
        current += joined.get(day, 0) - gone.get(day, 0)
        by_day[day] = current
        day += timedelta(days=1)
    return Headcount(by_day)


def _split(reasons: Collection[str | None]) -> tuple[int, int, int]:
    """(voluntary, involuntary, other): a missing or unknown reason counts as other."""
    voluntary = sum(1 for r in reasons if r == "voluntary")
    involuntary = sum(1 for r in reasons if r == "involuntary")
    return voluntary, involuntary, len(reasons) - voluntary - involuntary


def overall(session: Session, period: Period, heads: Headcount) -> OverallTurnover:
    """Everyone who left during the period, by reason, against the first and last day's headcount."""
    rows = session.execute(
        select(Employee.leave_reason, func.count())
        .where(_placeable(), Employee.left_on.between(period.start, period.end))
        .group_by(Employee.leave_reason)
    ).all()
    counts = {reason: int(n) for reason, n in rows}
    left = sum(counts.values())
    voluntary, involuntary = counts.get("voluntary", 0), counts.get("involuntary", 0)
    return OverallTurnover(
        heads.on(period.start),
        heads.on(period.end),
        left,
        voluntary,
        involuntary,
        left - voluntary - involuntary,
    )


def tagged_leavers(session: Session, tagged: Mapping[int, date], window: int) -> dict[int, str | None]:
    """Of the tagged, who left within ``window`` days after their reference day, with the reason."""
    if not tagged:
        return {}
    first, last = min(tagged.values()), max(tagged.values()) + timedelta(days=window)
    rows = session.execute(
        select(Employee.id, Employee.left_on, Employee.leave_reason).where(
            _placeable(), Employee.left_on.between(first, last)
        )
    )
    out: dict[int, str | None] = {}
    for emp, left_on, reason in rows:
        ref = tagged.get(int(emp))
        if ref is not None and left_on is not None and ref <= left_on <= ref + timedelta(days=window):
            out[int(emp)] = reason
    return out


def leaver_group(people: Collection[int], leavers: Mapping[int, str | None], min_group: int) -> LeaverGroup:
    """The group's leavers by reason, or only its size when it is too small to show."""
    if len(people) < min_group:
        return LeaverGroup(len(people), True, None, None, None, None)
    reasons = [leavers[p] for p in people if p in leavers]
    voluntary, involuntary, other = _split(reasons)
    return LeaverGroup(len(people), False, len(reasons), voluntary, involuntary, other)
