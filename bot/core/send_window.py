"""Send windows: the bot speaks only on workdays between two local times (company time zone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from bot.core.runtime import Runtime


@dataclass(frozen=True)
class Window:
    """Local times of day between which messages may go out on workdays."""

    start: time
    end: time


def local_instant(runtime: Runtime, day: date, at: time) -> datetime:
    """The UTC instant of local time ``at`` on ``day`` in the company time zone."""
    return datetime.combine(day, at, tzinfo=runtime.tz).astimezone(UTC)


def is_open(runtime: Runtime, window: Window, at: datetime) -> bool:
    """Whether ``at`` falls on a workday inside the window."""
    local = at.astimezone(runtime.tz)
    return runtime.calendar.is_workday(local.date()) and window.start <= local.time() < window.end


def next_open(runtime: Runtime, window: Window, earliest: datetime) -> datetime:
    """The first instant at or after ``earliest`` at which the window is open."""
    local = earliest.astimezone(runtime.tz)
    day = local.date()
    if runtime.calendar.is_workday(day):
        if local.time() < window.start:
            return local_instant(runtime, day, window.start)
        if local.time() < window.end:
            return earliest.astimezone(UTC)
    return local_instant(runtime, runtime.calendar.add_workdays(day, 1), window.start)


def workday_start(runtime: Runtime, window: Window, day: date) -> datetime:
    """The window's opening on ``day`` if it is a workday, else on the next workday."""
    if not runtime.calendar.is_workday(day):
        day = runtime.calendar.add_workdays(day, 1)
    return local_instant(runtime, day, window.start)
