"""Attendance conditions (streak, count_in_window, period_sum) on fixed Asia/Shanghai dates.

Every case runs on SQLite and PostgreSQL. Decoys: a weekend inside a streak, late nights on a
weekend or holiday, the adjusted working Saturday 2026-10-10 (it counts), leave that breaks or
is skipped, non-consecutive weeks, and 2027 without calendar data.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.core.clock import FixedClock
from bot.core.workcalendar import WorkCalendar
from tests import rules_builders as b

LATE = {"kind": "streak", "field": "last_out_min", "op": ">=", "value": 1260, "days": 3}
LATE_SKIP = {**LATE, "on_leave": "skip"}

Day = tuple[str, str | None] | tuple[str, str | None, dict[str, Any]]


def seed(runtime: Any, people: dict[str, list[Day]]) -> None:
    """``{"a": [("2026-11-18", "21:42"), ("2026-11-17", None, {"on_leave": True})]}``."""
    with runtime.db.session() as s:
        for userid, days in people.items():
            emp = b.employee(s, userid)
            for entry in days:
                extra = entry[2] if len(entry) == 3 else {}  # type: ignore[misc]
                b.attendance(s, emp, entry[0], entry[1], **extra)


def dates(evidence: dict[str, Any]) -> list[str]:
    return [d["date"] for d in evidence["days"]]


STREAK_CASES = [
    pytest.param(
        LATE,
        "2026-11-20",
        {"a": [("2026-11-18", "21:42"), ("2026-11-19", "22:05"), ("2026-11-20", "21:37")]},
        {"a": ["2026-11-18", "2026-11-19", "2026-11-20"]},
        id="three-workdays",
    ),
    pytest.param(
        LATE,
        "2026-11-20",
        {"a": [("2026-11-18", "18:10"), ("2026-11-19", "22:05"), ("2026-11-20", "21:37")]},
        {},
        id="two-is-not-three",
    ),
    pytest.param(
        LATE,
        "2026-11-16",
        {"a": [("2026-11-12", "21:30"), ("2026-11-13", "21:15"), ("2026-11-16", "22:00")]},
        {"a": ["2026-11-12", "2026-11-13", "2026-11-16"]},
        id="weekend-inside-does-not-break",
    ),
    pytest.param(
        LATE,
        "2026-11-16",
        {
            "a": [
                ("2026-11-12", "18:05"),
                ("2026-11-13", "21:30"),
                ("2026-11-14", "22:30"),
                ("2026-11-15", "23:00"),
                ("2026-11-16", "21:10"),
            ]
        },
        {},
        id="weekend-late-nights-do-not-make-a-streak",
    ),
    pytest.param(
        LATE,
        "2026-10-03",
        {
            "a": [
                ("2026-09-28", "18:00"),
                ("2026-09-29", "18:20"),
                ("2026-09-30", "21:30"),
                ("2026-10-01", "22:00"),
                ("2026-10-02", "22:10"),
                ("2026-10-03", "21:45"),
            ]
        },
        {},
        id="holiday-late-nights-do-not-count",
    ),
    pytest.param(
        LATE,
        "2026-10-12",
        {"a": [("2026-10-09", "21:30"), ("2026-10-10", "21:40"), ("2026-10-12", "22:00")]},
        {"a": ["2026-10-09", "2026-10-10", "2026-10-12"]},
        id="adjusted-working-saturday-counts",
    ),
    pytest.param(
        LATE,
        "2026-10-12",
        {"a": [("2026-10-08", "21:30"), ("2026-10-09", "21:30"), ("2026-10-12", "22:00")]},
        {},
        id="absent-on-adjusted-saturday-breaks",
    ),
    pytest.param(
        LATE,
        "2026-11-19",
        {
            "a": [
                ("2026-11-16", "21:30"),
                ("2026-11-17", None, {"on_leave": True, "first_in": None}),
                ("2026-11-18", "21:40"),
                ("2026-11-19", "22:00"),
            ]
        },
        {},
        id="leave-breaks",
    ),
    pytest.param(
        LATE_SKIP,
        "2026-11-19",
        {
            "a": [
                ("2026-11-16", "21:30"),
                ("2026-11-17", None, {"on_leave": True, "first_in": None}),
                ("2026-11-18", "21:40"),
                ("2026-11-19", "22:00"),
            ]
        },
        {"a": ["2026-11-16", "2026-11-18", "2026-11-19"]},
        id="leave-skipped",
    ),
    pytest.param(
        LATE,
        "2026-11-20",
        {"a": [("2026-11-18", "01:10+1"), ("2026-11-19", "23:59"), ("2026-11-20", "21:00")]},
        {"a": ["2026-11-18", "2026-11-19", "2026-11-20"]},
        id="after-midnight-belongs-to-the-shift",
    ),
    pytest.param(
        LATE,
        "2026-11-19",
        {"a": [("2026-11-17", "18:00"), ("2026-11-18", "21:30"), ("2026-11-19", "21:40"), ("2026-11-20", "22:00")]},
        {},
        id="later-facts-are-not-read",
    ),
]


@pytest.mark.parametrize(("condition", "day", "people", "expected"), STREAK_CASES)
def test_streak(
    runtime: Any, condition: dict[str, Any], day: str, people: dict[str, list[Day]], expected: dict[str, list[str]]
) -> None:
    seed(runtime, people)
    found = b.run(runtime, condition, day)
    assert {u: dates(ev) for u, ev in found.items()} == expected


def test_streak_evidence_has_exact_values_and_skipped_leave(runtime: Any) -> None:
    seed(
        runtime,
        {
            "a": [
                ("2026-11-16", "21:30"),
                ("2026-11-17", None, {"on_leave": True, "first_in": None}),
                ("2026-11-18", "01:10+1"),
                ("2026-11-19", "22:05"),
            ]
        },
    )
    ev = b.run(runtime, LATE_SKIP, "2026-11-19")["a"]
    assert ev == {
        "kind": "streak",
        "field": "last_out_min",
        "op": ">=",
        "threshold": 1260,
        "days": [
            {"date": "2026-11-16", "value": 1290},
            {"date": "2026-11-18", "value": 1510},
            {"date": "2026-11-19", "value": 1325},
        ],
        "skipped_leave": ["2026-11-17"],
    }


def test_streak_in_2027_without_calendar_data_falls_back_and_with_a_holiday_file_counts(
    runtime: Any, clock: FixedClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock.set(datetime(2027, 1, 6, 6, 0, tzinfo=UTC))
    # 2027-01-01 is really a holiday; without data it is taken for a workday, where nobody punched.
    seed(runtime, {"a": [("2026-12-30", "21:30"), ("2026-12-31", "21:45"), ("2027-01-04", "22:00")]})
    runtime.calendar = WorkCalendar()
    with caplog.at_level("WARNING"):
        assert b.run(runtime, LATE, "2027-01-04") == {}
    assert "no holiday data for 2027" in caplog.text
    holidays = tmp_path / "holidays.toml"
    holidays.write_text('[2027]\nholidays = ["2027-01-01"]\nworkdays = []\n')
    runtime.calendar = WorkCalendar(holidays)
    assert dates(b.run(runtime, LATE, "2027-01-04")["a"]) == ["2026-12-30", "2026-12-31", "2027-01-04"]


LATE_ARRIVAL = {
    "kind": "count_in_window",
    "field": "late_minutes",
    "op": ">",
    "value": 0,
    "min_count": 3,
    "window_workdays": 5,
}
LEAVE = {"on_leave": True, "first_in": None}

COUNT_CASES = [
    pytest.param(
        LATE_ARRIVAL,
        {
            "a": [
                ("2026-11-16", "18:00", {"late": 12}),
                ("2026-11-17", "18:00"),
                ("2026-11-18", "18:00", {"late": 30}),
                ("2026-11-19", "18:00"),
                ("2026-11-20", "18:00", {"late": 5}),
            ]
        },
        {"a": (3, ["2026-11-16", "2026-11-18", "2026-11-20"])},
        id="three-of-five",
    ),
    pytest.param(
        LATE_ARRIVAL,
        {
            "a": [
                ("2026-11-16", "18:00", {"late": 12}),
                ("2026-11-13", "18:00", {"late": 9}),
                ("2026-11-20", "18:00", {"late": 5}),
            ]
        },
        {},
        id="third-late-is-outside-the-window",
    ),
    pytest.param(
        LATE_ARRIVAL,
        {
            "a": [
                ("2026-11-14", "18:00", {"late": 40}),
                ("2026-11-15", "18:00", {"late": 40}),
                ("2026-11-19", "18:00", {"late": 5}),
                ("2026-11-20", "18:00", {"late": 5}),
            ]
        },
        {},
        id="weekend-lates-do-not-count",
    ),
    pytest.param(
        LATE_ARRIVAL,
        {
            "a": [
                ("2026-11-12", "18:00", {"late": 10}),
                ("2026-11-16", "18:00", {"late": 10}),
                ("2026-11-18", "18:00", {"late": 10}),
                ("2026-11-19", None, LEAVE),
                ("2026-11-20", None, LEAVE),
            ]
        },
        {"a": (3, ["2026-11-12", "2026-11-16", "2026-11-18"])},
        id="leave-skipped-window-reaches-back",
    ),
    pytest.param(
        {**LATE_ARRIVAL, "on_leave": "include"},
        {
            "a": [
                ("2026-11-12", "18:00", {"late": 10}),
                ("2026-11-16", "18:00", {"late": 10}),
                ("2026-11-18", "18:00", {"late": 10}),
                ("2026-11-19", None, LEAVE),
                ("2026-11-20", None, LEAVE),
            ]
        },
        {},
        id="leave-included-counts-as-not-late",
    ),
]


@pytest.mark.parametrize(("condition", "people", "expected"), COUNT_CASES)
def test_count_in_window(
    runtime: Any, condition: dict[str, Any], people: dict[str, list[Day]], expected: dict[str, Any]
) -> None:
    seed(runtime, people)
    found = b.run(runtime, condition, "2026-11-20")
    assert {u: (ev["count"], dates(ev)) for u, ev in found.items()} == expected


LONG_WEEK = {"kind": "period_sum", "field": "worked_minutes", "period": "week", "op": ">=", "value": 3300}
ELEVEN_HOURS = {"worked": 660}

# Ten workday evenings to 20:00 (20 h of after-hours overtime) plus a rest-day Saturday worked
# 09:00–19:00: two decoy cases read the same days through different fields.
NOVEMBER_WORKDAYS = [f"2026-11-{d:02d}" for d in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13)]
NOVEMBER_EVENINGS = [
    *[(d, "20:00", {"overtime": 120}) for d in NOVEMBER_WORKDAYS],
    ("2026-11-07", "19:00", {"first_in": "09:00", "overtime": 0}),
]


def week(start: str, end: str, worked: int = 660) -> list[Day]:
    return [(day.isoformat(), "20:00", {"worked": worked}) for day in b.workdays(start, end)]


PERIOD_CASES = [
    pytest.param(
        LONG_WEEK,
        "2026-11-20",
        {"a": week("2026-11-16", "2026-11-20")},
        {"a": [("2026-11-16", "2026-11-20", 3300)]},
        id="current-week-reaches-55h",
    ),
    pytest.param(
        LONG_WEEK,
        "2026-11-21",
        {"a": [*week("2026-11-16", "2026-11-19"), ("2026-11-21", "20:00", ELEVEN_HOURS)]},
        {"a": [("2026-11-16", "2026-11-21", 3300)]},
        id="saturday-work-counts",
    ),
    pytest.param(
        LONG_WEEK,
        "2026-11-16",
        {"a": [*week("2026-11-09", "2026-11-13"), ("2026-11-16", "18:00", {"worked": 480})]},
        {"a": [("2026-11-09", "2026-11-15", 3300)]},
        id="monday-still-sees-last-week",
    ),
    pytest.param(
        {**LONG_WEEK, "periods": 2},
        "2026-11-20",
        {
            "a": [
                *week("2026-11-02", "2026-11-06"),
                *week("2026-11-09", "2026-11-13", 480),
                *week("2026-11-16", "2026-11-20"),
            ]
        },
        {},
        id="non-consecutive-weeks",
    ),
    pytest.param(
        {**LONG_WEEK, "periods": 2},
        "2026-11-20",
        {"a": [*week("2026-11-09", "2026-11-13"), *week("2026-11-16", "2026-11-20")]},
        {"a": [("2026-11-09", "2026-11-15", 3300), ("2026-11-16", "2026-11-20", 3300)]},
        id="two-consecutive-weeks",
    ),
    pytest.param(
        {"kind": "period_sum", "field": "legal_overtime_minutes", "period": "month", "op": ">=", "value": 1800},
        "2026-11-20",
        {"a": NOVEMBER_EVENINGS},
        {"a": [("2026-11-01", "2026-11-20", 1800)]},
        id="rest-day-work-is-overtime-in-full",
    ),
    pytest.param(
        {"kind": "period_sum", "field": "overtime_minutes", "period": "month", "op": ">=", "value": 1800},
        "2026-11-20",
        {"a": NOVEMBER_EVENINGS},
        {},
        id="after-hours-overtime-alone-is-below",
    ),
]


@pytest.mark.parametrize(("condition", "day", "people", "expected"), PERIOD_CASES)
def test_period_sum(
    runtime: Any, condition: dict[str, Any], day: str, people: dict[str, list[Day]], expected: dict[str, Any]
) -> None:
    seed(runtime, people)
    found = b.run(runtime, condition, day)
    assert {u: [(p["from"], p["to"], p["total"]) for p in ev["periods"]] for u, ev in found.items()} == expected


def test_people_who_left_or_have_not_started_are_not_evaluated(runtime: Any) -> None:
    from datetime import date

    with runtime.db.session() as s:
        for userid, extra in {
            "stays": {},
            "left": {"status": "left", "left_on": date(2026, 11, 21)},
            "new": {"hired_on": date(2026, 12, 1)},
        }.items():
            emp = b.employee(s, userid, **extra)
            for day in ["2026-11-18", "2026-11-19", "2026-11-20"]:
                b.attendance(s, emp, day, "22:00")
    assert set(b.run(runtime, LATE, "2026-11-20")) == {"stays"}
