"""The shift day: which local day a punch belongs to, and each day's windows in UTC.

A punch before ``[attendance].day_boundary`` (05:00 by default) belongs to the previous day's
shift, so leaving at 01:30 after a long evening is "late out" on the day the work started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.config import AttendanceSection
from bot.core.workcalendar import DayKind, WorkCalendar

MINUTES_PER_DAY = 24 * 60


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


@dataclass(frozen=True)
class Shift:
    """The scheduled shift in minutes after local midnight, the day boundary and the late grace."""

    tz: ZoneInfo
    start_min: int
    end_min: int
    boundary: time
    grace_min: int
    break_start_min: int = 0
    break_end_min: int = 0

    @classmethod
    def from_settings(cls, section: AttendanceSection, tz: ZoneInfo) -> Shift:
        """The shift configured in ``[attendance]`` for the company time zone."""
        start, end = _minutes(section.workday_start), _minutes(section.workday_end)
        return cls(
            tz=tz,
            start_min=start,
            # A shift ending at or before its start (22:00-06:00) ends the next morning.
            end_min=end if end > start else end + MINUTES_PER_DAY,
            boundary=section.day_boundary,
            grace_min=section.late_grace_minutes,
            break_start_min=_minutes(section.break_start),
            break_end_min=max(_minutes(section.break_start), _minutes(section.break_end)),
        )

    @property
    def midpoint_min(self) -> int:
        """Halfway through the shift: a lone punch after it is read as a clock-out."""
        return (self.start_min + self.end_min) // 2

    def shift_day(self, at: datetime) -> date:
        """The local day whose shift the instant ``at`` belongs to."""
        local = at.astimezone(self.tz)
        day = local.date()
        if local.time() < self.boundary:
            day -= timedelta(days=1)
        return day

    def local(self, day: date, minutes: int) -> datetime:
        """The UTC instant ``minutes`` after local midnight of ``day`` (wall clock)."""
        extra, rem = divmod(minutes, MINUTES_PER_DAY)
        wall = datetime.combine(day + timedelta(days=extra), time(rem // 60, rem % 60), self.tz)
        return wall.astimezone(UTC)

    def window(self, day: date) -> DayWindow:
        """The instants that delimit ``day``'s shift, scheduled hours and local midnight."""
        boundary = _minutes(self.boundary)
        midnight = datetime.combine(day, time(0, 0), self.tz).astimezone(UTC)
        return DayWindow(
            day=day,
            lo=self.local(day, boundary),
            hi=self.local(day + timedelta(days=1), boundary),
            sched_start=self.local(day, self.start_min),
            sched_end=self.local(day, self.end_min),
            midnight_epoch=int(midnight.timestamp()),
        )


@dataclass(frozen=True)
class DayWindow:
    """One shift day: punches in ``[lo, hi)`` belong to it; ``sched_*`` are the scheduled hours."""

    day: date
    lo: datetime
    hi: datetime
    sched_start: datetime
    sched_end: datetime
    midnight_epoch: int


def day_rows(shift: Shift, calendar: WorkCalendar, start: date, end: date) -> list[tuple[DayWindow, DayKind]]:
    """Every day from ``start`` to ``end`` inclusive with its windows and calendar kind."""
    return [(shift.window(day), kind) for day, kind in calendar.days(start, end)]


def local_days(shift: Shift, starts_at: datetime, ends_at: datetime, *, limit: int = 366) -> list[date]:
    """The local dates an interval touches (at most ``limit``, a guard against bogus intervals)."""
    first = starts_at.astimezone(shift.tz).date()
    last = min(ends_at.astimezone(shift.tz).date(), first + timedelta(days=limit - 1))
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
