"""Differencing attacks on the team pulse: an attacker's queries across periods, days and surfaces.

The attacks of issue 12: two overlapping report periods (11 respondents, then 12) gave one
person's answer as 12 × mean₂ − 11 × mean₁; a manager's ``/team`` on two days did the same from
"3.0（5人）" and "3.3（6人）". With fixed closed windows, minimum increments and no exact counts,
every such pair of queries returns figures from which no single answer can be computed.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.core.clock import FixedClock
from bot.core.runtime import Runtime
from bot.models import Department, Employee, Survey, SurveyAnswer
from bot.privacy import aggregates
from tests.commands_org import reply_text

SECRET = 1.0  # the one answer the attacker wants


def _org(runtime: Runtime, answers: list[tuple[str, float]]) -> dict[str, int]:
    """A manager with 12 reports in one department; ``answers``: (ISO day, value) per report in order."""
    with runtime.db.session() as s:
        dept = Department(name="销售部")
        s.add(dept)
        s.flush()
        boss = Employee(userid="boss", name="老板", department_id=dept.id)
        s.add(boss)
        s.flush()
        ids = {"boss": boss.id}
        for i, (day, value) in enumerate(answers):
            emp = Employee(userid=f"e{i}", name=f"员工{i}", department_id=dept.id, manager_id=boss.id)
            s.add(emp)
            s.flush()
            ids[emp.userid] = emp.id
            at = datetime.fromisoformat(day).replace(hour=3, tzinfo=UTC)
            survey = Survey(employee_id=emp.id, scheduled_on=at.date(), question_keys=["supported"], sent_at=at)
            s.add(survey)
            s.flush()
            s.add(
                SurveyAnswer(
                    survey_id=survey.id,
                    employee_id=emp.id,
                    question_key="supported",
                    mode="team",
                    value=value,
                    answered_on=at.date(),
                    answered_at=at,
                )
            )
    return ids


# 11 people answer 3.0 early in November; the 12th answers later, after the attacker's first query.
ELEVEN = [("2026-11-03", 3.0)] * 11


def _report(runner: Any, start: str, end: str) -> dict[str, Any]:
    result = runner.invoke(args=["report", "--from", start, "--to", end, "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)["team_pulse"]
    return data


def _company(data: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in data["company"] if r["question"] == "supported")


def test_overlapping_report_periods_cannot_be_subtracted(runner: Any, runtime: Runtime) -> None:
    _org(runtime, [*ELEVEN, ("2026-11-12", SECRET)])
    # The attacker asks for Nov 1–11 (before the 12th answer) and Nov 1–12 (with it).
    before, after = _report(runner, "2026-11-01", "2026-11-11"), _report(runner, "2026-11-01", "2026-11-12")
    # Both periods map onto the same closed window: the same figure, nothing to subtract.
    assert before == after
    assert before["window"] == {"from": "2026-11-01", "to": "2026-11-15"}
    row = _company(before)
    assert row["respondents"] == 10  # 12 people, never the exact count
    assert row["average"] == 2.8  # (11 × 3 + 1) / 12 = 2.83, to one decimal


def test_a_window_too_thin_on_its_own_hides_the_union(runner: Any, runtime: Runtime, clock: FixedClock) -> None:
    # 11 answers in the first half of November, 1 in the second: Nov 1–30 minus Nov 1–15 would be one person.
    _org(runtime, [*ELEVEN, ("2026-11-20", SECRET)])
    clock.set(datetime(2026, 12, 2, 6, tzinfo=UTC))
    first = _company(_report(runner, "2026-11-01", "2026-11-15"))
    both = _company(_report(runner, "2026-11-01", "2026-11-30"))
    assert first["suppressed"] is False and first["average"] == 3.0
    assert both["suppressed"] is True and both["average"] is None  # complementary suppression in time


def test_a_period_inside_an_open_window_shows_no_team_pulse(runner: Any, runtime: Runtime) -> None:
    _org(runtime, [("2026-11-17", 3.0)] * 12)
    data = _report(runner, "2026-11-16", "2026-11-22")  # the clock is Nov 23: Nov 16–30 is still open
    assert data["window"] is None and data["company"] == []


def test_team_on_two_days_shows_the_same_figure(client: Any, runtime: Runtime, clock: FixedClock) -> None:
    _org(runtime, [("2026-11-03", 3.0)] * 5 + [("2026-11-10", 5.0)])
    first = reply_text(client, "boss", "/team")
    # A day later, with one more answer in the open window, the manager asks again.
    with runtime.db.session() as s:
        extra = Employee(userid="late", name="晚到", manager_id=_boss_id(s))
        s.add(extra)
        s.flush()
        at = datetime(2026, 11, 23, 2, tzinfo=UTC)
        survey = Survey(employee_id=extra.id, scheduled_on=at.date(), question_keys=["supported"], sent_at=at)
        s.add(survey)
        s.flush()
        s.add(
            SurveyAnswer(
                survey_id=survey.id,
                employee_id=extra.id,
                question_key="supported",
                mode="team",
                value=SECRET,
                answered_on=at.date(),
                answered_at=at,
            )
        )
    clock.set(datetime(2026, 11, 24, 6, tzinfo=UTC))
    second = reply_text(client, "boss", "/team")
    line = [ln for ln in first.splitlines() if "平均" in ln]
    assert line and line == [ln for ln in second.splitlines() if "平均" in ln]
    assert "（5–9人）" in line[0] and "（6人）" not in first  # a band, never the exact count


def _boss_id(s: Any) -> int:
    from sqlalchemy import select

    found = s.scalar(select(Employee.id).where(Employee.userid == "boss"))
    assert found is not None
    return int(found)


def test_managers_never_learn_who_has_not_answered(client: Any, runtime: Runtime) -> None:
    _org(runtime, [("2026-11-03", 3.0)] * 5)
    with runtime.db.session() as s:
        silent = Employee(userid="silent", name="沉默", manager_id=_boss_id(s))
        s.add(silent)
        s.flush()
        s.add(
            Survey(
                employee_id=silent.id,
                scheduled_on=date(2026, 11, 3),
                question_keys=["supported"],
                sent_at=datetime(2026, 11, 3, 3, tzinfo=UTC),
                status="expired",
            )
        )
    for person in ("沉默", "员工0"):
        text = reply_text(client, "boss", f"/status {person}")
        assert "问卷" not in text and "回答" not in text


@pytest.mark.parametrize(
    ("day", "window"),
    [
        (date(2026, 11, 1), (date(2026, 11, 1), date(2026, 11, 15))),
        (date(2026, 11, 15), (date(2026, 11, 1), date(2026, 11, 15))),
        (date(2026, 11, 16), (date(2026, 11, 16), date(2026, 11, 30))),
        (date(2026, 2, 28), (date(2026, 2, 16), date(2026, 2, 28))),
        (date(2028, 2, 29), (date(2028, 2, 16), date(2028, 2, 29))),
        (date(2026, 12, 31), (date(2026, 12, 16), date(2026, 12, 31))),
    ],
)
def test_fixed_windows(day: date, window: tuple[date, date]) -> None:
    assert aggregates.window_of(day) == window
    assert aggregates.last_closed_window(window[1] + timedelta(days=1)) == window


def test_counts_are_bands_or_multiples_of_five() -> None:
    assert [aggregates.band(n) for n in (5, 9, 10, 19, 20, 120, 600)] == [
        "5–9",
        "5–9",
        "10–19",
        "10–19",
        "20–49",
        "100–499",
        "500+",
    ]
    assert [aggregates.floor_count(n) for n in (0, 4, 5, 11, 12, 19)] == [0, 0, 5, 10, 10, 15]
    assert aggregates.closed_windows(date(2026, 10, 20), date(2026, 11, 20), date(2026, 11, 23)) == [
        (date(2026, 10, 16), date(2026, 10, 31)),
        (date(2026, 11, 1), date(2026, 11, 15)),
    ]
