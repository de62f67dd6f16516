"""Which calendar dates a date condition looks at on the evaluation day (workday-aware).

HR reads reminders on workdays: on a workday before a weekend or holiday, "tomorrow" also covers
the days off up to the next workday (a Sunday birthday is noticed on Friday), and a milestone
that fell on days off is noticed on the first workday after.
"""

from __future__ import annotations

from datetime import date, timedelta

from rules.context import EvalContext

MAX_GAP = 16  # the longest run of days off (Spring Festival with bridging) plus margin


def upcoming(ctx: EvalContext, days_ahead: int, workdays_only: bool) -> list[date]:
    """Dates whose event is noticed today: ``day + days_ahead`` (plus following days off)."""
    if not workdays_only:
        return [ctx.day + timedelta(days=days_ahead)]
    if not ctx.calendar.is_workday(ctx.day):
        return []
    gap = 1
    while gap < MAX_GAP and not ctx.calendar.is_workday(ctx.day + timedelta(days=gap)):
        gap += 1
    return [ctx.day + timedelta(days=days_ahead + i) for i in range(gap)]


def since_last_workday(ctx: EvalContext, workdays_only: bool) -> list[date]:
    """Today, plus the days off since the previous workday when only workdays notice things."""
    if not workdays_only:
        return [ctx.day]
    if not ctx.calendar.is_workday(ctx.day):
        return []
    out = [ctx.day]
    back = ctx.day - timedelta(days=1)
    while len(out) < MAX_GAP and not ctx.calendar.is_workday(back):
        out.append(back)
        back -= timedelta(days=1)
    return sorted(out)


def month_day_keys(day: date) -> list[str]:
    """``MM-DD`` keys celebrated on ``day``: 29 February is celebrated on 28 February in other years."""
    keys = [day.strftime("%m-%d")]
    if day.month == 2 and day.day == 28 and not _leap(day.year):
        keys.append("02-29")
    return keys


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
