"""The engine: idempotent days, tag lifecycle (keep, resolve, expire, cooldown), catch-up, one person now."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.core.clock import FixedClock
from bot.models import Employee, EvaluationRun, Tag
from bot.tags.jobs import run_due
from rules import engine
from rules.loader import RuleSet
from rules.model import Rule
from rules.runs import due_days
from tests import rules_builders as b

LATE = {"kind": "streak", "field": "last_out_min", "op": ">=", "value": 1260, "days": 3}
STRESS = {"kind": "pulse_latest", "question": "stress", "op": ">=", "value": 8}


def rule(rule_id: str, condition: dict[str, Any], **kw: Any) -> Rule:
    return Rule.model_validate(
        {
            "id": rule_id,
            "name": {"zh": rule_id, "en": rule_id},
            "why": {"zh": "原因", "en": "why"},
            "severity": kw.pop("severity", "high"),
            "category": "workload",
            "condition": condition,
            **kw,
        }
    )


def ruleset(*rules: Rule) -> RuleSet:
    return RuleSet({r.id: r for r in rules}, {r.id: Path("test.toml") for r in rules})


def late_nights(runtime: Any, userid: str, days: list[str], normal: list[str] = ()) -> int:  # type: ignore[assignment]
    with runtime.db.session() as s:
        emp = s.scalar(select(Employee.id).where(Employee.userid == userid)) or b.employee(s, userid)
        for day in days:
            b.attendance(s, emp, day, "21:50")
        for day in normal:
            b.attendance(s, emp, day, "18:05")
    return emp


def tags(runtime: Any) -> list[tuple[str, str, str, date | None, date]]:
    with runtime.db.session() as s:
        rows = s.execute(
            select(Tag.rule_id, Tag.status, Tag.raised_on, Tag.resolved_on, Tag.last_seen_on).order_by(Tag.id)
        ).all()
    return [(r, st, raised.isoformat(), res, seen) for r, st, raised, res, seen in rows]


def day(value: str) -> date:
    return date.fromisoformat(value)


def test_rerunning_a_day_creates_nothing_new(runtime: Any) -> None:
    late_nights(runtime, "a", ["2026-11-18", "2026-11-19", "2026-11-20"])
    rules = ruleset(rule("late", LATE))
    first = engine.evaluate(runtime, day("2026-11-20"), rules=rules)
    second = engine.evaluate(runtime, day("2026-11-20"), rules=rules)
    assert len(first.raised) == 1 and second.raised == [] and second.rules["late"].kept == 1
    assert len(tags(runtime)) == 1
    with runtime.db.session() as s:
        run = s.scalar(select(EvaluationRun).where(EvaluationRun.day == day("2026-11-20")))
        assert run is not None and run.status == "done"
        assert run.stats["rules"]["late"]["kept"] == 1 and run.stats["attempts"] == 2


def test_lifecycle_keep_resolve_cooldown_and_raise_again(runtime: Any, clock: FixedClock) -> None:
    clock.set(datetime(2026, 12, 10, 6, 0, tzinfo=UTC))
    late_nights(
        runtime,
        "a",
        [
            *["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"],
            *["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-30", "2026-12-01", "2026-12-02"],
        ],
        normal=["2026-11-23", "2026-11-27"],
    )
    rules = ruleset(rule("late", LATE, cooldown_days=7, expires_after_days=None))
    raised = engine.evaluate(runtime, day("2026-11-18"), rules=rules).raised
    assert engine.evaluate(runtime, day("2026-11-20"), rules=rules).rules["late"].kept == 1
    resolved = engine.evaluate(runtime, day("2026-11-23"), rules=rules).resolved
    assert resolved == raised
    back = engine.evaluate(runtime, day("2026-11-26"), rules=rules)
    assert back.raised == [] and back.rules["late"].cooling_down == 1
    again = engine.evaluate(runtime, day("2026-12-02"), rules=rules)
    assert len(again.raised) == 1
    assert tags(runtime) == [
        ("late", "resolved", "2026-11-18", day("2026-11-23"), day("2026-11-20")),
        ("late", "active", "2026-12-02", None, day("2026-12-02")),
    ]
    with runtime.db.session() as s:
        evidence = s.scalar(select(Tag.evidence).where(Tag.id == again.raised[0]))
    assert [d["date"] for d in evidence["days"]] == ["2026-11-30", "2026-12-01", "2026-12-02"]


def test_tags_expire_and_then_cool_down(runtime: Any) -> None:
    late_nights(runtime, "a", ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"])
    rules = ruleset(rule("late", LATE, cooldown_days=7, expires_after_days=2))
    first = engine.evaluate(runtime, day("2026-11-18"), rules=rules)
    assert engine.evaluate(runtime, day("2026-11-19"), rules=rules).rules["late"].kept == 1
    expired = engine.evaluate(runtime, day("2026-11-20"), rules=rules)
    assert expired.expired == first.raised and expired.raised == []
    assert tags(runtime) == [("late", "expired", "2026-11-18", day("2026-11-20"), day("2026-11-19"))]


def test_an_older_day_never_overrides_a_later_one(runtime: Any) -> None:
    late_nights(runtime, "a", ["2026-11-18", "2026-11-19", "2026-11-20"], normal=["2026-11-17"])
    rules = ruleset(rule("late", LATE))
    engine.evaluate(runtime, day("2026-11-20"), rules=rules)
    older = engine.evaluate(runtime, day("2026-11-17"), rules=rules)
    assert older.raised == older.resolved == older.expired == []
    assert tags(runtime) == [("late", "active", "2026-11-20", None, day("2026-11-20"))]


def test_people_who_leave_and_rules_switched_off_stop_being_active(runtime: Any) -> None:
    late_nights(runtime, "a", ["2026-11-18", "2026-11-19", "2026-11-20"])
    late_nights(runtime, "b", ["2026-11-18", "2026-11-19", "2026-11-20"])
    both = ruleset(rule("late", LATE), rule("late_too", LATE))
    engine.evaluate(runtime, day("2026-11-20"), rules=both)
    with runtime.db.session() as s:
        s.execute(update(Employee).where(Employee.userid == "a").values(status="left", left_on=day("2026-11-20")))
    result = engine.evaluate(runtime, day("2026-11-21"), rules=ruleset(rule("late", LATE)))
    assert len(result.expired) == 3  # a's "late", a's and b's "late_too"
    assert sorted(st for _r, st, *_ in tags(runtime)) == ["active", "expired", "expired", "expired"]


def test_a_failing_rule_does_not_stop_the_others(runtime: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from rules.conditions import tenure

    def broken(*_a: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(tenure, "evaluate", broken)
    late_nights(runtime, "a", ["2026-11-18", "2026-11-19", "2026-11-20"])
    result = engine.evaluate(
        runtime,
        day("2026-11-20"),
        rules=ruleset(rule("new", {"kind": "tenure", "min_days": 0, "max_days": 30}), rule("late", LATE)),
    )
    assert result.errors == {"new": "RuntimeError: boom"} and len(result.raised) == 1
    with runtime.db.session() as s:
        assert s.scalar(select(EvaluationRun.status)) == "failed"


def test_one_person_now_raises_pulse_tags_the_same_day(runtime: Any) -> None:
    heard: list[engine.EvaluationResult] = []

    def listener(_runtime: Any, result: engine.EvaluationResult) -> None:
        heard.append(result)

    engine.on_evaluated(listener)
    try:
        with runtime.db.session() as s:
            a = b.employee(s, "a")
            b.answer(s, a, "stress", 9, "2026-11-23")
            b.answer(s, b.employee(s, "b"), "stress", 9, "2026-11-23")
        late_nights(runtime, "a", ["2026-11-18", "2026-11-19", "2026-11-20"])
        rules = ruleset(rule("stress", STRESS), rule("late", LATE))
        result = engine.evaluate_employee(runtime, a, sources={"pulse"}, rules=rules)
    finally:
        engine._listeners.remove(listener)
    assert set(result.rules) == {"stress"} and len(result.raised) == 1
    assert heard == [result]
    assert tags(runtime) == [("stress", "active", "2026-11-23", None, day("2026-11-23"))]
    with runtime.db.session() as s:
        assert s.scalar(select(EvaluationRun.id)) is None


def at(clock: FixedClock, local: str) -> None:
    clock.set(datetime.fromisoformat(local).replace(tzinfo=b.SH).astimezone(UTC))


def done(runtime: Any, *days: str, status: str = "done", attempts: int = 1) -> None:
    with runtime.db.session() as s:
        for d in days:
            s.add(EvaluationRun(day=day(d), status=status, stats={"attempts": attempts}))


def test_due_days_start_today_and_wait_for_the_configured_time(runtime: Any, clock: FixedClock) -> None:
    at(clock, "2026-11-23T06:00")
    assert due_days(runtime) == []
    at(clock, "2026-11-23T06:30")
    assert due_days(runtime) == [day("2026-11-23")]


def test_due_days_catch_up_missed_and_failed_days_within_the_window(runtime: Any, clock: FixedClock) -> None:
    done(runtime, "2026-11-01", "2026-11-17", "2026-11-19")
    done(runtime, "2026-11-18", status="failed", attempts=3)
    done(runtime, "2026-11-20", status="failed", attempts=1)
    at(clock, "2026-11-23T07:00")
    assert due_days(runtime) == [day(d) for d in ["2026-11-16", "2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]]


def test_missed_day_is_caught_up_on_the_next_run(
    runtime: Any, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.tags.jobs.load_rules", lambda _cfg: ruleset(rule("late", LATE)))
    late_nights(runtime, "a", ["2026-11-18", "2026-11-19", "2026-11-20"], normal=["2026-11-17"])
    done(runtime, "2026-11-19")
    at(clock, "2026-11-23T07:00")
    results = run_due(runtime)
    assert [r.day.isoformat() for r in results] == ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]
    assert [len(r.raised) for r in results] == [1, 0, 0, 0]
    assert tags(runtime) == [("late", "active", "2026-11-20", None, day("2026-11-23"))]
    assert run_due(runtime) == []


def test_the_daily_jobs_are_registered_at_the_configured_time(runtime: Any) -> None:
    from bot.pipeline.scheduler import registered_jobs

    jobs = registered_jobs()
    daily, sweep = jobs["rules.evaluate"], jobs["rules.catch_up"]
    assert daily.trigger == "cron" and sweep.trigger == "interval"
    args = {k: v(runtime.settings) if callable(v) else v for k, v in daily.trigger_args.items()}
    assert args == {"hour": 6, "minute": 30}
