"""The report's new-hire section on a synthetic cohort with known numbers: JSON, CSV and Markdown."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest

from bot.models import Employee, Journey, JourneyStep

PERIOD = ["--from", "2026-08-01", "--to", "2026-08-31"]


@pytest.fixture
def org(runtime: Any) -> None:
    """Cohorts 2026-03 (6), 2026-05 (2), 2026-07 (5) and 2026-08 (6, with journeys and HR check-ins)."""
    with runtime.db.session() as s:

        def hire(userid: str, hired: date, ends: date, left: date | None = None) -> Employee:
            emp = Employee(userid=userid, name=userid, hired_on=hired, probation_ends_on=ends, left_on=left)
            if left is not None:
                emp.status, emp.leave_reason = "left", "voluntary"
            s.add(emp)
            s.flush()
            return emp

        # March: one leaves in probation (early too), one after probation (day 121), four stay.
        hire("m1", date(2026, 3, 2), date(2026, 6, 1), date(2026, 4, 15))
        hire("m2", date(2026, 3, 2), date(2026, 6, 1), date(2026, 7, 1))
        for i in range(3, 7):
            hire(f"m{i}", date(2026, 3, 2), date(2026, 6, 1))
        hire("may1", date(2026, 5, 11), date(2026, 8, 11), date(2026, 6, 1))
        hire("may2", date(2026, 5, 11), date(2026, 8, 11))
        # July: nobody's probation or 90 days are over by 08-31 — their rates are not known yet.
        hire("j1", date(2026, 7, 20), date(2026, 10, 20), date(2026, 8, 10))
        hire("j2", date(2026, 7, 20), date(2026, 10, 20), date(2026, 9, 5))  # after the period: not known
        for i in range(3, 6):
            hire(f"j{i}", date(2026, 7, 20), date(2026, 10, 20))
        old = Journey(employee_id=hire("j6", date(2026, 7, 20), date(2026, 10, 20)).id)
        old.name, old.started_on, old.source = "default", date(2026, 7, 20), "import"  # before the period
        s.add(old)
        # August: six journeys started in the period; HR's day-7 check-ins (due 08-12, 3 workdays → 08-17).
        outcomes = [
            ("done", date(2026, 8, 12)),
            ("done", date(2026, 8, 14)),
            ("done", date(2026, 8, 17)),  # the deadline day itself: on time
            ("done", date(2026, 8, 18)),  # late
            ("overdue", None),  # open
            ("skipped", date(2026, 8, 13)),  # not applicable: counts nowhere
        ]
        for i, (status, done_on) in enumerate(outcomes, start=1):
            emp = hire(f"a{i}", date(2026, 8, 3), date(2026, 11, 3))
            journey = Journey(employee_id=emp.id, name="default", started_on=date(2026, 8, 3), source="import")
            s.add(journey)
            s.flush()
            s.add(
                JourneyStep(
                    journey_id=journey.id,
                    step_key="hr_checkin_7",
                    day=7,
                    assignee_role="hr",
                    due_on=date(2026, 8, 12),
                    status=status,
                    done_on=done_on,
                )
            )
            if i == 1:  # one admin task (one new hire: suppressed) and a task due after the period
                s.add(
                    JourneyStep(
                        journey_id=journey.id,
                        step_key="admin_prepare",
                        day=-2,
                        assignee_role="admin",
                        due_on=date(2026, 7, 30),
                        status="done",
                        done_on=date(2026, 7, 30),
                    )
                )
                s.add(
                    JourneyStep(
                        journey_id=journey.id,
                        step_key="hr_checkin_30",
                        day=30,
                        assignee_role="hr",
                        due_on=date(2026, 9, 14),
                        status="pending",
                    )
                )


def _empty(month: str, people: int, suppressed: bool) -> dict[str, Any]:
    none: dict[str, Any] = dict.fromkeys(
        (
            "probation_decided",
            "probation_passed",
            "probation_pass_rate",
            "early_observed",
            "early_leavers",
            "early_leaver_rate",
        )
    )
    if not suppressed:
        none |= {"probation_decided": 0, "probation_passed": 0, "early_observed": 0, "early_leavers": 0}
    return {"month": month, "people": people, "suppressed": suppressed} | none


EXPECTED = {
    "journeys_started": 6,
    "early_days": 90,
    "steps_by_role": [
        {
            "role": "hr",
            "hires": 5,
            "suppressed": False,
            "due": 5,
            "on_time": 3,
            "late": 1,
            "open": 1,
            "on_time_rate": 0.6,
        },
    ],
    "cohorts": [
        {
            "month": "2026-03",
            "people": 6,
            "suppressed": False,
            "probation_decided": 6,
            "probation_passed": 5,
            "probation_pass_rate": 0.8333,
            "early_observed": 6,
            "early_leavers": 1,
            "early_leaver_rate": 0.1667,
        },
        _empty("2026-05", 2, True),
        _empty("2026-07", 6, False),
        _empty("2026-08", 6, False),
    ],
}


def test_new_hire_section_in_json(runner: Any, org: None) -> None:
    result = runner.invoke(args=["report", *PERIOD, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["new_hires"] == EXPECTED


def test_new_hire_section_in_csv_and_markdown(runner: Any, org: None) -> None:
    out = runner.invoke(args=["report", *PERIOD, "--format", "csv"]).output
    rows = {(r["section"], r["metric"], r["group"]): r for r in csv.DictReader(io.StringIO(out))}
    assert rows[("new_hires", "journeys_started", "")]["value"] == "6"
    assert rows[("new_hires", "on_time_rate", "hr")]["value"] == "0.6"
    assert rows[("new_hires", "probation_pass_rate", "2026-03")]["value"] == "0.8333"
    assert rows[("new_hires", "early_leaver_rate", "2026-03")]["value"] == "0.1667"
    assert rows[("new_hires", "probation_pass_rate", "2026-05")]["note"] == "suppressed"
    assert rows[("new_hires", "probation_pass_rate", "2026-05")]["value"] == ""
    md = runner.invoke(args=["report", *PERIOD]).output
    assert "## 六、新员工入职" in md and "本期开始的入职旅程：6 个" in md
    assert "| HR | 5 | 5 | 3 | 1 | 1 | 60.0% |" in md
    assert "| 2026-03 | 6 | 83.3% (5/6) | 16.7% (1/6) |" in md
    assert "| 2026-05 | 2 | 样本不足 | 样本不足 |" in md


def test_new_hire_section_in_english(runtime: Any, org: None) -> None:
    from bot.report.period import Period
    from bot.report.service import generate, render

    period = Period(date(2026, 8, 1), date(2026, 8, 31), runtime.tz)
    en = render(generate(runtime, period, "en", actor="test", channel="cli", fmt="md"), "md", "en", runtime)
    assert "## 6. New hires" in en and "Onboarding journeys started: 6" in en
    assert "| 2026-05 | 2 | insufficient sample | insufficient sample |" in en
