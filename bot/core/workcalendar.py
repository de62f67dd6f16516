"""The Chinese statutory work calendar, including adjusted working weekends (调休).

Bundled data comes from ``chinese-calendar``; years it does not cover can be supplied by the admin
in a TOML holiday file (``[calendar].holiday_file``)::

    [2027]
    holidays = ["2027-01-01", "2027-02-06..2027-02-12"]   # statutory days off (days or ranges)
    workdays = ["2027-02-14"]                             # weekends that are working days (调休)

``carebot calendar import FILE`` validates a year and merges it into that file (bot/core/holiday_file.py).
A year found in neither falls back to Monday–Friday with a warning; it never crashes. From
1 December, ``doctor`` and the dashboard also warn when next year is missing.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import chinese_calendar

from bot.core.holiday_file import YearData
from bot.core.holiday_file import read as read_holiday_file

log = logging.getLogger(__name__)

# Where `carebot calendar import` keeps imported years when [calendar].holiday_file is not set;
# read at start whenever it exists.
DEFAULT_HOLIDAY_FILE = "instance/holidays.toml"

DayKind = Literal["workday", "restday", "holiday"]


def _bundled_years() -> set[int]:
    return {d.year for d in chinese_calendar.constants.holidays} | {d.year for d in chinese_calendar.constants.workdays}


def holiday_file_path(configured: str) -> str:
    """The holiday file in use: the configured one, else :data:`DEFAULT_HOLIDAY_FILE`."""
    return configured or DEFAULT_HOLIDAY_FILE


def from_settings(configured: str) -> WorkCalendar:
    """The calendar with the holiday file in use, when it exists (an invalid one fails the start)."""
    path = Path(holiday_file_path(configured))
    if configured and not path.exists():
        # Not an error: the file is created by the first `carebot calendar import`.
        log.warning("[calendar].holiday_file %s does not exist yet; import a year with `carebot calendar import`", path)
    return WorkCalendar(path if path.exists() else None)


def load_holiday_file(path: str | Path) -> dict[int, YearData]:
    """Parse an admin holiday file; errors name the file, the year and the bad value."""
    return read_holiday_file(path)


class WorkCalendar:
    """Answers "is this a workday?" for any date; caches per day."""

    def __init__(self, holiday_file: str | Path | None = None) -> None:
        self._extra: dict[int, YearData] = load_holiday_file(holiday_file) if holiday_file else {}
        self._bundled = _bundled_years()
        self._warned: set[int] = set()
        self._cache: dict[date, DayKind] = {}

    def has_year(self, year: int) -> bool:
        """Whether real holiday data (bundled or admin-supplied) exists for ``year``."""
        return year in self._extra or year in self._bundled

    def missing_years(self, today: date) -> list[int]:
        """Years without holiday data that matter now: this year, and from 1 December next year."""
        wanted = [today.year, today.year + 1] if today.month == 12 else [today.year]
        return [y for y in wanted if not self.has_year(y)]

    def kind(self, day: date) -> DayKind:
        """``workday``, ``restday`` (weekend) or ``holiday`` (statutory day off)."""
        cached = self._cache.get(day)
        if cached is None:
            cached = self._cache[day] = self._kind(day)
        return cached

    def _kind(self, day: date) -> DayKind:
        extra = self._extra.get(day.year)
        if extra is not None:
            if day in extra.workdays:
                return "workday"
            if day in extra.holidays:
                return "holiday"
            return "restday" if day.weekday() >= 5 else "workday"
        if day.year in self._bundled:
            try:
                on_holiday, name = chinese_calendar.get_holiday_detail(day)
            except NotImplementedError:
                pass
            else:
                if not on_holiday:
                    return "workday"
                return "holiday" if name else "restday"
        if day.year not in self._warned:
            self._warned.add(day.year)
            log.warning(
                "no holiday data for %s: treating Monday-Friday as workdays; import it with `carebot calendar import`",
                day.year,
            )
        return "restday" if day.weekday() >= 5 else "workday"

    def is_workday(self, day: date) -> bool:
        return self.kind(day) == "workday"

    def workdays_back(self, end: date, count: int) -> list[date]:
        """The last ``count`` workdays up to and including ``end``, oldest first."""
        out: list[date] = []
        day = end
        while len(out) < count:
            if self.is_workday(day):
                out.append(day)
            day -= timedelta(days=1)
        return list(reversed(out))

    def add_workdays(self, start: date, count: int) -> date:
        """The date ``count`` workdays after ``start`` (``start`` itself not counted)."""
        day = start
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def days(self, start: date, end: date) -> list[tuple[date, DayKind]]:
        """Every date from ``start`` to ``end`` inclusive with its kind."""
        out = []
        day = start
        while day <= end:
            out.append((day, self.kind(day)))
            day += timedelta(days=1)
        return out
