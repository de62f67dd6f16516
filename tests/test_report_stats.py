"""Report statistics: percentiles and working time across weekends, holidays and 调休 Saturdays."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.core.workcalendar import WorkCalendar
from bot.report.stats import WorkingTime, percentile

TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([], 0.5, None),
        ([4.0], 0.9, 4.0),
        ([3.0, 1.0, 2.0], 0.5, 2.0),
        ([1.0, 2.0, 3.0, 4.0], 0.5, 2.5),
        ([1.0, 1.0, 5.0, 7.0, 9.0, 26.5, 34.0], 0.9, 29.5),  # rank 5.4: 26.5 + 0.4 × 7.5
        ([10.0, 20.0], 0.9, 19.0),
    ],
)
def test_percentile_interpolates_like_percentile_cont(values: list[float], q: float, expected: float | None) -> None:
    result = percentile(values, q)
    assert result is None if expected is None else result == pytest.approx(expected)


@pytest.fixture
def clock() -> WorkingTime:
    return WorkingTime(WorkCalendar(), TZ, time(9, 0), time(18, 0))


@pytest.mark.parametrize(
    ("since", "until", "hours"),
    [
        ("2026-11-03 10:00", "2026-11-03 11:00", 1),
        ("2026-11-03 07:00", "2026-11-03 08:30", 0),  # before the working day
        ("2026-11-03 17:30", "2026-11-04 09:30", 1),  # overnight: half an hour each side
        ("2026-11-06 17:00", "2026-11-09 10:00", 2),  # Friday to Monday: the weekend is not counted
        ("2026-09-30 17:00", "2026-10-08 10:00", 2),  # across National Day (10-01..07 off)
        ("2026-10-09 17:00", "2026-10-10 10:00", 2),  # 2026-10-10 is a working Saturday (调休)
        ("2026-11-03 12:00", "2026-11-03 11:00", 0),  # acted before it was sent: nothing
        ("2027-03-05 17:00", "2027-03-08 10:00", 2),  # 2027 without calendar data: Monday to Friday
    ],
)
def test_working_time_counts_workdays_only(clock: WorkingTime, since: str, until: str, hours: float) -> None:
    assert clock.minutes(at(since), at(until)) == pytest.approx(hours * 60)


def test_a_misconfigured_working_day_counts_whole_workdays() -> None:
    whole = WorkingTime(WorkCalendar(), TZ, time(18, 0), time(9, 0))
    assert whole.minutes(at("2026-11-06 22:00"), at("2026-11-09 02:00")) == pytest.approx(4 * 60, abs=0.01)
