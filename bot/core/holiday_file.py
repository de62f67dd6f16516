"""Admin holiday files: parsing, validation, and the merged file ``carebot calendar import`` writes.

A year is a TOML table of statutory days off and adjusted working weekends (调休)::

    [2027]
    holidays = [
        "2027-01-01",                                        # one day
        "2027-02-06..2027-02-12",                            # a range, both ends included
        { from = "2027-10-01", to = "2027-10-07", name = "国庆节" },
    ]
    workdays = ["2027-02-14"]                                # weekends worked instead (调休)

Rules checked: dates are real and in the section's year; a range runs forwards and spans at most
:data:`MAX_RANGE_DAYS` days; a 调休 workday falls on a Saturday or Sunday; no day is both.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.core.errors import ConfigError

MAX_RANGE_DAYS = 16  # the longest statutory break (Spring Festival with bridging) plus margin


@dataclass
class YearData:
    """One year's statutory days off and adjusted working weekends."""

    holidays: set[date] = field(default_factory=set)
    workdays: set[date] = field(default_factory=set)


def _day(value: Any, where: str, year: int) -> date:
    try:
        day = date.fromisoformat(str(value).strip())
    except ValueError:
        raise ConfigError(f"{where}: {value!r} is not YYYY-MM-DD") from None
    if day.year != year:
        raise ConfigError(f"{where}: {day} is not in {year}")
    return day


def _span(first: date, last: date, where: str) -> list[date]:
    if last < first:
        raise ConfigError(f"{where}: the range {first}..{last} ends before it starts")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise ConfigError(f"{where}: the range {first}..{last} is longer than {MAX_RANGE_DAYS} days")
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _holiday_entry(entry: Any, where: str, year: int) -> list[date]:
    if isinstance(entry, dict):
        unknown = set(entry) - {"from", "to", "name"}
        if unknown or "from" not in entry:
            raise ConfigError(f'{where}: a range is {{ from = "YYYY-MM-DD", to = "YYYY-MM-DD", name = "…" }}')
        first = _day(entry["from"], where, year)
        return _span(first, _day(entry.get("to", entry["from"]), where, year), where)
    text = str(entry)
    if ".." in text:
        a, b = text.split("..", 1)
        return _span(_day(a, where, year), _day(b, where, year), where)
    return [_day(text, where, year)]


def parse_year(year: int, section: Any, where: str) -> YearData:
    """Validate one ``[YYYY]`` table; errors name ``where``, the key and the bad value."""
    if not isinstance(section, dict):
        raise ConfigError(f"{where}: [{year}] must be a table with holidays and workdays")
    unknown = set(section) - {"holidays", "workdays"}
    if unknown:
        raise ConfigError(f"{where}: [{year}]: unknown key {sorted(unknown)[0]!r}")
    data = YearData()
    for entry in section.get("holidays", []):
        data.holidays.update(_holiday_entry(entry, f"{where}: [{year}].holidays", year))
    for value in section.get("workdays", []):
        day = _day(value, f"{where}: [{year}].workdays", year)
        if day.weekday() < 5:
            raise ConfigError(
                f"{where}: [{year}].workdays: {day} is a {day:%A}; adjusted workdays (调休) are Saturdays or Sundays"
            )
        data.workdays.add(day)
    both = sorted(data.holidays & data.workdays)
    if both:
        raise ConfigError(f"{where}: [{year}]: {both[0]} is listed as both a holiday and a workday")
    return data


def read(path: str | Path) -> dict[int, YearData]:
    """Every year of a holiday file, validated."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read holiday file {p}: {exc}") from exc
    years: dict[int, YearData] = {}
    for key, section in raw.items():
        if not (isinstance(key, str) and key.isdigit() and len(key) == 4):
            raise ConfigError(f"holiday file {p}: top-level keys must be years like [2027], got {key!r}")
        years[int(key)] = parse_year(int(key), section, f"holiday file {p}")
    return years


def read_one_year(path: str | Path) -> tuple[int, YearData]:
    """An import file: exactly one year."""
    years = read(path)
    if len(years) != 1:
        found = ", ".join(str(y) for y in sorted(years)) or "none"
        raise ConfigError(f"holiday file {path}: one year per file, found {found}")
    [(year, data)] = years.items()
    return year, data


def _list(days: set[date]) -> str:
    return "[" + ", ".join(f'"{d.isoformat()}"' for d in sorted(days)) + "]"


def render(years: dict[int, YearData]) -> str:
    """The merged file as CareBot writes it: one table per year, sorted day lists."""
    out = ["# Statutory holidays for years the bundled calendar lacks; written by `carebot calendar import`.", ""]
    for year in sorted(years):
        out += [
            f"[{year}]",
            f"holidays = {_list(years[year].holidays)}",
            f"workdays = {_list(years[year].workdays)}",
            "",
        ]
    return "\n".join(out)


def write(path: str | Path, years: dict[int, YearData]) -> None:
    """Replace ``path`` atomically (a crash never leaves half a file for the next start)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".holidays-", suffix=".toml", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(render(years))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
