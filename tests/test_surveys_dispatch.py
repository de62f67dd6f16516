"""Pulse dispatch: question bank, cadence, rotation, send window, holidays, leave, reminder, expiry, CLI."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.models import Approval, Employee, Survey, SurveyDelivery, SurveyQuestion
from bot.pipeline import outbox
from bot.surveys import rotation
from bot.surveys.bank import BANK, seed_questions
from bot.surveys.dispatch import dispatch
from tests.test_reminders_builders import at, make_org


def surveys(db: Any) -> list[Survey]:
    with db.session() as s:
        return list(s.scalars(select(Survey).order_by(Survey.id)))


def by_user(db: Any) -> dict[str, list[Survey]]:
    with db.session() as s:
        out: dict[str, list[Survey]] = {}
        for survey, userid in s.execute(select(Survey, Employee.userid).join(Employee).order_by(Survey.id)):
            out.setdefault(userid, []).append(survey)
        return out


def test_question_bank_is_seeded_once_and_edits_survive(runtime, db) -> None:
    with db.session() as s:
        assert seed_questions(s) == len(BANK)
        stress = s.scalars(select(SurveyQuestion).where(SurveyQuestion.key == "stress")).one()
        assert (stress.mode, stress.scale_min, stress.scale_max) == ("checkin", 0, 10)
        assert "HR 会看到你的回答" in stress.text_zh and "identified" in stress.text_en
        stress.text_zh = "【关怀问答 · 实名，HR 会看到你的回答】压力如何？"
    dispatch(runtime)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(SurveyQuestion)) == len(BANK)
        assert (
            s.scalars(select(SurveyQuestion.text_zh).where(SurveyQuestion.key == "stress")).one().endswith("压力如何？")
        )
        modes = {k: m for k, m in s.execute(select(SurveyQuestion.key, SurveyQuestion.mode))}
    assert {k for k, m in modes.items() if m == "team"} == {"supported", "stay_2y", "felt_cared"}
    assert {"mood", "stress", "workload", "supported", "enps", "stay_2y", "comment"} <= set(modes)
    team_texts = [q.text_zh for q in BANK if q.mode == "team"]
    assert all("只统计 5 人以上的汇总" in t for t in team_texts)


def test_dispatch_sends_the_first_question_to_everyone_due(runtime, db, fake_platform) -> None:
    make_org(db)
    result = dispatch(runtime)
    assert (result.workday, result.window_open, result.planned, result.sent) == (True, True, 5, 5)
    outbox.drain(runtime)
    rows = surveys(db)
    assert all(s.status == "sent" and len(s.question_keys) == 3 and s.question_keys[-1] == "comment" for s in rows)
    assert all(s.expires_at == at("2026-11-30 18:00") for s in rows)  # five workdays later, end of the window
    [first] = fake_platform.to("zhangsan")
    text = first.body["card"].markdown if first.kind == "card" else first.body["text"]
    assert "张三你好" in text and "共 2 题" in text and "第 1/2 题" in text
    assert dispatch(runtime).planned == 0  # idempotent
    assert len(fake_platform.to("zhangsan")) == 1
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(SurveyDelivery)) == 5


def test_colleagues_get_different_questions_and_each_person_rotates(runtime, db) -> None:
    keys = ["mood", "stress", "workload", "supported", "enps", "stay_2y"]
    first = {u: rotation.choose(u, keys, [], 2) for u in ("zhangsan", "zhaoliu", "mgr1", "hrbp1", "hrhead")}
    assert len({tuple(v) for v in first.values()}) > 1
    history: list[tuple[date, list[str]]] = []
    seen: list[str] = []
    for week in range(3):
        chosen = rotation.choose("zhangsan", keys, history, 2)
        history.append((date(2026, 11, 2 + 7 * week), chosen))
        seen += chosen
    assert sorted(seen) == sorted(keys)  # three pulses of two questions cover the whole bank


def test_cadence_weekly_for_new_hires_fortnightly_otherwise(runtime, db, clock) -> None:
    make_org(db)
    dispatch(runtime)
    clock.set(at("2026-11-30 10:00"))
    dispatch(runtime)
    assert {u: len(v) for u, v in by_user(db).items()}["zhaoliu"] == 2  # hired 2026-10-08: weekly
    assert len(by_user(db)["zhangsan"]) == 1
    clock.set(at("2026-12-07 10:00"))
    dispatch(runtime)
    counts = {u: len(v) for u, v in by_user(db).items()}
    assert counts == {"hrhead": 2, "hrbp1": 2, "mgr1": 2, "zhangsan": 2, "zhaoliu": 3}


@pytest.mark.parametrize("settings_overrides", [{"surveys": {"department_interval_days": {"销售一部": 7}}}])
def test_department_override(runtime, db, clock) -> None:
    make_org(db)
    dispatch(runtime)
    clock.set(at("2026-11-30 10:00"))
    dispatch(runtime)
    counts = {u: len(v) for u, v in by_user(db).items()}
    assert counts == {"hrhead": 1, "hrbp1": 1, "mgr1": 2, "zhangsan": 2, "zhaoliu": 2}


def test_only_between_nine_and_six_on_workdays(runtime, db, clock, fake_platform) -> None:
    make_org(db)
    clock.set(at("2026-11-23 08:30"))
    result = dispatch(runtime)
    assert (result.planned, result.sent, result.window_open) == (5, 0, False)
    assert all(s.status == "pending" for s in surveys(db))
    clock.set(at("2026-11-23 09:00"))
    assert dispatch(runtime).sent == 5
    clock.set(at("2026-11-28 10:00"))  # Saturday
    assert dispatch(runtime, date(2026, 11, 28)).workday is False


def test_evening_plan_goes_out_next_workday_morning(runtime, db, clock) -> None:
    make_org(db)
    clock.set(at("2026-11-27 18:30"))  # Friday after the window
    assert dispatch(runtime).sent == 0
    clock.set(at("2026-11-30 09:05"))
    result = dispatch(runtime)
    assert (result.planned, result.sent) == (0, 5)
    assert all(s.scheduled_on == date(2026, 11, 27) for s in surveys(db))


def test_no_pulses_on_holidays_but_on_the_adjusted_saturday(runtime, db, clock) -> None:
    make_org(db)
    clock.set(at("2026-10-02 10:00"))
    result = dispatch(runtime)
    assert (result.workday, result.planned, result.sent) == (False, 0, 0)
    clock.set(at("2026-10-10 10:00"))  # 调休 Saturday is a workday
    assert dispatch(runtime).sent == 5


def test_nobody_on_leave_or_paused_gets_a_pulse(runtime, db) -> None:
    org = make_org(db)
    with db.session() as s:
        s.add(
            Approval(
                userid="zhangsan",
                employee_id=org["zs"],
                kind="leave",
                status="approved",
                starts_at=at("2026-11-23 00:00"),
                ends_at=at("2026-11-25 00:00"),
                source="t",
                source_key="x",
            )
        )
        s.get(Employee, org["zl"]).surveys_paused = True
        s.get(Employee, org["mgr"]).status = "left"
    dispatch(runtime)
    assert set(by_user(db)) == {"hrhead", "hrbp1"}


def test_one_reminder_after_two_workdays_then_expiry(runtime, db, clock, fake_platform) -> None:
    make_org(db)
    dispatch(runtime)
    clock.set(at("2026-11-24 15:00"))
    assert dispatch(runtime).reminded == 0
    clock.set(at("2026-11-25 13:59"))
    assert dispatch(runtime).reminded == 0
    clock.set(at("2026-11-25 14:00"))
    assert dispatch(runtime).reminded == 5
    clock.set(at("2026-11-26 14:00"))
    assert dispatch(runtime).reminded == 0
    outbox.drain(runtime)
    reminder = fake_platform.to("zhangsan")[-1]
    text = reminder.body["card"].markdown if reminder.kind == "card" else reminder.body["text"]
    assert "还在等你" in text and "11月30日 18:00" in text
    clock.set(at("2026-11-30 17:59"))
    result = dispatch(runtime)
    assert (result.expired, result.sent) == (0, 1)  # 赵六 (weekly) gets a new pulse; the old one closes
    clock.set(at("2026-11-30 18:00"))
    assert dispatch(runtime).expired == 4
    statuses = {(u, s.scheduled_on): s.status for u, rows in by_user(db).items() for s in rows}
    assert statuses.pop(("zhaoliu", date(2026, 11, 30))) == "sent"
    assert set(statuses.values()) == {"expired"}


def test_cli_dispatch(runner, db, fake_platform) -> None:
    make_org(db)
    result = runner.invoke(args=["surveys", "dispatch", "--date", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert "planned 5, sent 5" in result.output and "outbox sent 5" in result.output
    assert len(fake_platform.to("zhangsan")) == 1
    holiday = runner.invoke(args=["surveys", "dispatch", "--date", "2026-10-01"])
    assert "not a workday" in holiday.output
    bad = runner.invoke(args=["surveys", "dispatch", "--date", "tomorrow"])
    assert bad.exit_code == 2 and "is not a date" in bad.output
