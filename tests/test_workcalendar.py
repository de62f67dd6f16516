"""The Chinese work calendar: holidays, 调休 Saturdays, and years without bundled data."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest

from bot.core.errors import ConfigError
from bot.core.workcalendar import WorkCalendar


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2026, 10, 1), "holiday"),  # National Day
        (date(2026, 10, 10), "workday"),  # adjusted working Saturday (调休)
        (date(2026, 10, 11), "restday"),  # plain Sunday
        (date(2026, 11, 23), "workday"),  # plain Monday
        (date(2026, 2, 17), "holiday"),  # Spring Festival
    ],
)
def test_bundled_years(day: date, kind: str) -> None:
    assert WorkCalendar().kind(day) == kind


def test_missing_year_falls_back_to_weekdays_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    cal = WorkCalendar()
    with caplog.at_level(logging.WARNING):
        assert cal.kind(date(2027, 1, 4)) == "workday"
        assert cal.kind(date(2027, 1, 9)) == "restday"
    assert sum("2027" in r.getMessage() for r in caplog.records) == 1
    assert cal.missing_years(date(2026, 11, 30)) == []  # next year is not asked for before December
    assert cal.missing_years(date(2026, 12, 1)) == [2027]
    assert cal.missing_years(date(2027, 3, 1)) == [2027]


def test_holiday_file_covers_2027(tmp_path: Path) -> None:
    f = tmp_path / "holidays.toml"
    f.write_text('[2027]\nholidays = ["2027-01-01", "2027-02-08"]\nworkdays = ["2027-02-06"]\n')
    cal = WorkCalendar(f)
    assert cal.kind(date(2027, 1, 1)) == "holiday"
    assert cal.kind(date(2027, 2, 6)) == "workday"  # a Saturday made a workday
    assert cal.kind(date(2027, 2, 7)) == "restday"
    assert cal.missing_years(date(2026, 12, 1)) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[2027]\nholidays = ["2027-13-01"]\n', "[2027].holidays"),
        ('[2027]\nholidays = ["2028-01-01"]\n', "is not in 2027"),
        ("[next]\nholidays = []\n", "must be years"),
        ("[2027]\nholiday = []\n", "unknown key"),
    ],
)
def test_bad_holiday_file_names_the_problem(tmp_path: Path, content: str, message: str) -> None:
    f = tmp_path / "h.toml"
    f.write_text(content)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        WorkCalendar(f)


def test_workday_arithmetic_skips_holidays_and_counts_tiaoxiu() -> None:
    cal = WorkCalendar()
    # Sept 30 (Wed) → the National Day week is off; work resumes Thu Oct 8, then the 调休 Saturday Oct 10.
    assert cal.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert cal.add_workdays(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert cal.workdays_back(date(2026, 10, 12), 3) == [date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 12)]
