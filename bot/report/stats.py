"""Small statistics the report needs: percentiles and working time between two instants."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta, tzinfo

from bot.core.workcalendar import WorkCalendar


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (0..1) by linear interpolation between ranks, as PostgreSQL's percentile_cont."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


class WorkingTime:
    """Measures the working time between two instants: workdays only, between ``start`` and ``end`` local time."""

    def __init__(self, calendar: WorkCalendar, tz: tzinfo, start: time, end: time) -> None:
        self.calendar, self.tz = calendar, tz
        # A misconfigured shift (end not after start) counts whole workdays rather than nothing.
        self.start, self.end = (start, end) if end > start else (time(0, 0), time.max)

    def minutes(self, since: datetime, until: datetime) -> float:
        """Working minutes in ``[since, until]`` (0 when ``until`` is not after ``since``)."""
        if until <= since:
            return 0.0
        total = 0.0
        day = since.astimezone(self.tz).date()
        last = until.astimezone(self.tz).date()
        while day <= last:
            if self.calendar.is_workday(day):
                open_at = datetime.combine(day, self.start, tzinfo=self.tz)
                close_at = datetime.combine(day, self.end, tzinfo=self.tz)
                overlap = min(until, close_at) - max(since, open_at)
                if overlap > timedelta(0):
                    total += overlap.total_seconds() / 60
            day += timedelta(days=1)
        return total
