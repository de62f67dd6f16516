"""Metric conditions: week-over-week change, against the team, thresholds (both backends)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import Employee
from rules.conditions.metric_change import complete_weeks
from rules.context import EvalContext
from tests import rules_builders as b

DIP = {"kind": "metric_change", "metric": "calls", "op": "<=", "value": -15, "weeks": 2}


def weekly(runtime: Any, userid: str, values: list[float | None], first_monday: str = "2026-11-02", **kw: Any) -> None:
    """Calls on every workday of consecutive weeks starting ``first_monday`` (None: no data that week)."""
    start = b.d(first_monday)
    with runtime.db.session() as s:
        emp = b.employee(s, userid, **kw)
        for i, value in enumerate(values):
            if value is None:
                continue
            monday = date.fromordinal(start.toordinal() + 7 * i)
            for day in b.workdays(monday, date.fromordinal(monday.toordinal() + 6)):
                b.metric(s, emp, "calls", day, value)


CHANGE_CASES = [
    pytest.param([100, 80, 64], {"a": [-20.0, -20.0]}, id="two-weeks-down-20pct"),
    pytest.param([100, 100, 80], {}, id="only-one-week-down"),
    pytest.param([100, 80, 90], {}, id="down-then-up"),
    pytest.param([100, None, 64], {}, id="missing-week"),
    pytest.param([100, 86, 74], {}, id="minus-14pct-is-not-enough"),
]


@pytest.mark.parametrize(("values", "expected"), CHANGE_CASES)
def test_metric_change(runtime: Any, values: list[float | None], expected: dict[str, list[float]]) -> None:
    weekly(runtime, "a", values)
    found = b.run(runtime, DIP, "2026-11-20")
    assert {u: ev["changes"] for u, ev in found.items()} == expected


def test_metric_change_evidence_lists_weeks_and_values(runtime: Any) -> None:
    weekly(runtime, "a", [100, 80, 64])
    ev = b.run(runtime, DIP, "2026-11-20")["a"]
    assert ev["weeks"] == [
        {"from": "2026-11-02", "to": "2026-11-08", "value": 100},
        {"from": "2026-11-09", "to": "2026-11-15", "value": 80},
        {"from": "2026-11-16", "to": "2026-11-22", "value": 64},
    ]


def test_metric_change_needs_enough_days_per_week(runtime: Any) -> None:
    weekly(runtime, "a", [100, 80])
    with runtime.db.session() as s:
        emp = b.employee(s, "b")
        for day in b.workdays("2026-11-02", "2026-11-13"):
            b.metric(s, emp, "calls", day, 100 if day.day < 9 else 80)
        b.metric(s, emp, "calls", "2026-11-20", 10)  # one day only in the last week
        a = s.scalar(select(Employee.id).where(Employee.userid == "a"))
        b.metric(s, a, "calls", "2026-11-19", 60)
        b.metric(s, a, "calls", "2026-11-20", 60)
    assert set(b.run(runtime, DIP, "2026-11-20")) == {"a"}


@pytest.mark.parametrize(
    ("fact_end", "last_week"),
    [
        ("2026-11-20", ("2026-11-16", "2026-11-22")),  # Friday: nothing left to work this week
        ("2026-11-19", ("2026-11-09", "2026-11-15")),  # Thursday: Friday still to come
        ("2026-10-09", ("2026-09-28", "2026-10-04")),  # Friday before the 调休 Saturday 2026-10-10
        ("2026-10-10", ("2026-10-05", "2026-10-11")),  # the working Saturday completes the week
    ],
)
def test_complete_weeks_respect_adjusted_saturdays(runtime: Any, fact_end: str, last_week: tuple[str, str]) -> None:
    ctx = EvalContext(None, b.d(fact_end), b.d(fact_end), runtime.calendar, runtime.tz)  # type: ignore[arg-type]
    start, end = complete_weeks(ctx, 1)[0]
    assert (start.isoformat(), end.isoformat()) == last_week


LOW_VS_TEAM = {"kind": "metric_vs_team", "metric": "calls", "team": "department", "op": "<=", "ratio": 0.7, "days": 3}


def team(runtime: Any, dept: str, people: dict[str, dict[str, float | None]]) -> None:
    """``{"a": {"2026-11-18": 50, ...}}`` calls per person and day in department ``dept``."""
    with runtime.db.session() as s:
        for userid, days in people.items():
            emp = b.employee(s, userid, department=dept)
            for day, value in days.items():
                if value is not None:
                    b.metric(s, emp, "calls", day, value)


def days(value: float, start: str = "2026-11-16", end: str = "2026-11-20") -> dict[str, float | None]:
    return {d.isoformat(): value for d in b.workdays(start, end)}


def test_metric_vs_team(runtime: Any) -> None:
    team(
        runtime,
        "电销一部",
        {
            "low": days(50),
            "t1": days(100),
            "t2": days(100),
            "t3": days(110),
            "dip2": {**days(100), "2026-11-19": 50, "2026-11-20": 50},
            "leave": {**days(50), "2026-11-18": None, "2026-11-17": 40},
            "weekend": {**days(50), "2026-11-21": 300},
        },
    )
    team(runtime, "小团队", {"x": days(50), "y": days(100)})
    found = b.run(runtime, LOW_VS_TEAM, "2026-11-20")
    assert set(found) == {"low", "leave", "weekend"}
    ev = found["low"]
    assert [d["date"] for d in ev["days"]] == ["2026-11-18", "2026-11-19", "2026-11-20"]
    # 2026-11-18: six people have data ("leave" has none); the average leaves the person out.
    first = ev["days"][0]
    assert first["value"] == 50 and first["team_size"] == 6
    assert first["team_avg"] == pytest.approx((100 + 100 + 110 + 100 + 50) / 5)
    assert [d["date"] for d in found["leave"]["days"]] == ["2026-11-17", "2026-11-19", "2026-11-20"]


def test_metric_vs_team_by_manager(runtime: Any) -> None:
    with runtime.db.session() as s:
        boss = b.employee(s, "boss")
        other_boss = b.employee(s, "boss2")
        for userid, value, manager in [("a", 40, boss), ("b", 100, boss), ("c", 100, boss), ("d", 40, other_boss)]:
            emp = b.employee(s, userid, manager=manager, department="同一部门")
            for day in b.workdays("2026-11-16", "2026-11-20"):
                b.metric(s, emp, "calls", day, value)
    assert set(b.run(runtime, {**LOW_VS_TEAM, "team": "manager"}, "2026-11-20")) == {"a"}


REJECTION = {
    "kind": "metric_threshold",
    "metric": "rejection_rate",
    "window_days": 7,
    "op": ">=",
    "value": 0.4,
    "min_points": 3,
}


@pytest.mark.parametrize(
    ("values", "condition", "expected"),
    [
        pytest.param(
            {"2026-11-18": 0.45, "2026-11-19": 0.5, "2026-11-20": 0.42}, REJECTION, 0.4567, id="avg-over-week"
        ),
        pytest.param({"2026-11-20": 0.9}, REJECTION, None, id="too-few-points"),
        pytest.param({"2026-11-10": 0.9, "2026-11-11": 0.9, "2026-11-12": 0.9}, REJECTION, None, id="outside-window"),
        pytest.param({"2026-11-18": 0.2, "2026-11-19": 0.3, "2026-11-20": 0.39}, REJECTION, None, id="below"),
        pytest.param(
            {"2026-11-18": 0.2, "2026-11-20": 0.5},
            {**REJECTION, "aggregate": "latest", "min_points": 1},
            0.5,
            id="latest",
        ),
        pytest.param(
            {"2026-11-18": 0.2, "2026-11-20": 0.5},
            {**REJECTION, "aggregate": "max", "min_points": 1},
            0.5,
            id="max",
        ),
    ],
)
def test_metric_threshold(
    runtime: Any, values: dict[str, float], condition: dict[str, Any], expected: float | None
) -> None:
    with runtime.db.session() as s:
        emp = b.employee(s, "a")
        for day, value in values.items():
            b.metric(s, emp, "rejection_rate", day, value)
    found = b.run(runtime, condition, "2026-11-20")
    if expected is None:
        assert found == {}
    else:
        assert found["a"]["value"] == pytest.approx(expected, abs=1e-4)
        assert (found["a"]["from"], found["a"]["to"]) == ("2026-11-14", "2026-11-20")
