"""The Chinese statutory work calendar, including adjusted working weekends (调休).

Bundled data comes from ``chinese-calendar``; years it does not cover can be supplied by the admin
in a TOML holiday file (``[calendar].holiday_file``)::

    [2027]
    holidays = ["2027-01-01", "2027-02-06", ...]   # statutory days off (incl. bridged weekdays)
    workdays = ["2027-02-14"]                      # weekends that are working days (调休)

A year found in neither falls back to Monday–Friday with a warning; it never crashes.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import chinese_calendar

from bot.errors import ConfigError

log = logging.getLogger(__name__)

DayKind = Literal["workday", "restday", "holiday"]


@dataclass
class _YearData:
    holidays: set[date] = field(default_factory=set)
    workdays: set[date] = field(default_factory=set)


def _bundled_years() -> set[int]:
    return {d.year for d in chinese_calendar.constants.holidays} | {d.year for d in chinese_calendar.constants.workdays}


def load_holiday_file(path: str | Path) -> dict[int, _YearData]:
    """Parse an admin holiday file; errors name the file, the year and the bad value."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read holiday file {p}: {exc}") from exc
    years: dict[int, _YearData] = {}
    for year_key, section in raw.items():
        if not (isinstance(year_key, str) and year_key.isdigit() and isinstance(section, dict)):
            raise ConfigError(f"holiday file {p}: top-level keys must be years like [2027], got {year_key!r}")
        year = int(year_key)
        data = _YearData()
        for kind in ("holidays", "workdays"):
            for value in section.get(kind, []):
                try:
                    day = date.fromisoformat(str(value))
                except ValueError as exc:
                    raise ConfigError(f"holiday file {p}: [{year}].{kind}: {value!r} is not YYYY-MM-DD") from exc
                if day.year != year:
                    raise ConfigError(f"holiday file {p}: [{year}].{kind}: {value} is not in {year}")
                getattr(data, kind).add(day)
        unknown = set(section) - {"holidays", "workdays"}
        if unknown:
            raise ConfigError(f"holiday file {p}: [{year}]: unknown key {sorted(unknown)[0]!r}")
        years[year] = data
    return years


class WorkCalendar:
    """Answers "is this a workday?" for any date; caches per day."""

    def __init__(self, holiday_file: str | Path | None = None) -> None:
        self._extra: dict[int, _YearData] = load_holiday_file(holiday_file) if holiday_file else {}
        self._bundled = _bundled_years()
        self._warned: set[int] = set()
        self._cache: dict[date, DayKind] = {}

    def has_year(self, year: int) -> bool:
        """Whether real holiday data (bundled or admin-supplied) exists for ``year``."""
        return year in self._extra or year in self._bundled

    def missing_years(self, today: date) -> list[int]:
        """The current and next year, where no holiday data exists for them."""
        return [y for y in (today.year, today.year + 1) if not self.has_year(y)]

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
                "no holiday data for %s: treating Monday-Friday as workdays; add the year to [calendar].holiday_file",
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
