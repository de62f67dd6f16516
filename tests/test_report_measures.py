"""The seeds' measures and honest figures: felt-cared share and trend, HR time from recorded durations."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.models import CareAction, Employee, Reminder, Survey, SurveyAnswer
from bot.reminders.actions import act
from bot.reminders.planner import plan
from tests.evaluation_org import company, tag

PERIOD = ["--from", "2026-11-02", "--to", "2026-11-15"]


def _report(runner: Any, *args: str) -> dict[str, Any]:
    result = runner.invoke(args=["report", *PERIOD, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def _team_answer(s: Any, emp: int, day: date, value: float) -> None:
    survey = Survey(employee_id=emp, scheduled_on=day, question_keys=["felt_cared"], status="answered")
    s.add(survey)
    s.flush()
    s.add(
        SurveyAnswer(
            survey_id=survey.id,
            employee_id=emp,
            question_key="felt_cared",
            mode="team",
            value=value,
            answered_on=day,
            answered_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
        )
    )


def test_felt_cared_share_per_period_and_trend(runtime: Any, runner: Any) -> None:
    # Six 14-day periods ending 2026-11-15; in each, 20 people answer once; 6, 8, 9, 11, 12, 13 answer 4–5
    # (30 % … 65 %, the seeds' figures). In the oldest period only 3 answer: too few to show.
    highs = [None, 8, 9, 11, 12, 13]
    with runtime.db.session() as s:
        ids = list(company(s, 20).values())[:20]
        end = date(2026, 11, 15)
        for k, high in enumerate(highs):
            day = end - timedelta(days=14 * (5 - k) + 3)
            people = ids[:3] if high is None else ids
            for i, emp in enumerate(people):
                _team_answer(s, emp, day, 5 if high is not None and i < high else 2)
    fc = _report(runner)["felt_cared"]
    shares = [p["share_4_5"] for p in fc["periods"]]
    assert shares == [None, 0.4, 0.45, 0.55, 0.6, 0.65]
    assert fc["periods"][0]["respondents"] == 3 and fc["periods"][0]["suppressed"] is True
    assert fc["trend"] == 0.25  # 40 % → 65 %
    md = runner.invoke(args=["report", *PERIOD]).output
    assert (
        "### 感到被关心（回答 4–5 分的比例）" in md and "趋势：从最早有数据的时段到最近时段变化 +25.0 个百分点。" in md
    )


def test_no_saving_is_claimed_without_any_care(runtime: Any, runner: Any) -> None:
    with runtime.db.session() as s:
        company(s, 10)
    hr = _report(runner)["hr_time"]
    assert hr["care_actions"] == 0 and hr["care_minutes"] == 0
    assert hr["saved_minutes"] is None and hr["saved_share"] is None  # not "节省 100 %"
    md = runner.invoke(args=["report", *PERIOD]).output
    assert "100.0%" not in md and "本期没有关怀沟通，无从比较" in md


def test_care_time_uses_the_minutes_hr_recorded(runtime: Any, runner: Any, client: Any) -> None:
    with runtime.db.session() as s:
        ids = company(s, 10)
        for i in range(3):
            tag(s, ids[f"u000{i}"], "high_pressure", date(2026, 11, 9))
        plan(runtime, s)
        hr = s.scalar(select(Employee).where(Employee.userid == "hr1"))
        rems = list(s.scalars(select(Reminder).order_by(Reminder.id)))
        assert act(runtime, s, rems[0].id, hr, "done", "聊过了", minutes=40).ok
        assert act(runtime, s, rems[1].id, hr, "done").ok
        assert act(runtime, s, rems[1].id, hr, "done", minutes=25).ok  # recorded after the fact
        assert not act(runtime, s, rems[2].id, hr, "done", minutes=0).ok  # out of range: refused
        for c in s.scalars(select(CareAction)):
            c.acted_at = datetime(2026, 11, 10, 3, 0, tzinfo=UTC)  # inside the period
        assert sorted(c.minutes or 0 for c in s.scalars(select(CareAction))) == [25, 40]
    hr_time = _report(runner)["hr_time"]
    assert (hr_time["care_actions"], hr_time["recorded_actions"], hr_time["recorded_minutes"]) == (2, 2, 65)
    assert hr_time["care_minutes"] == 65  # not 2 × 15


def test_done_command_takes_a_duration(runtime: Any, client: Any) -> None:
    from handlers.commands.reminder_actions import split_minutes

    assert split_minutes("30分钟 聊过了") == (30, "聊过了")
    assert split_minutes("45min") == (45, "")
    assert split_minutes("20 分钟，安排调休") == (20, "安排调休")
    assert split_minutes("聊了30分钟") == (None, "聊了30分钟")
