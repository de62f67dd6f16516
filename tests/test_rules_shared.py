"""Shared scans (``rules.shared``) give exactly what each condition kind's own queries give.

Two proofs on SQLite and PostgreSQL over the demo organisation (late nights, late mornings,
leave, weekend work, silence): condition by condition for a spread of parameters the library
does not use (leave skipped or breaking, non-growing thresholds, several periods), and the whole
library over five days (raised, kept, resolved, with their evidence) with and without them.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import delete, select

from bot.core.runtime import Runtime
from bot.models import Employee, EvaluationRun, Tag
from bot.ops.demo.loader import load_demo
from rules import conditions, engine, shared
from rules.context import EvalContext
from rules.model import CountInWindow, PeriodSum, PulseUnanswered, Streak
from tests.test_rules_backends import pulses

CONDITIONS: list[BaseModel] = [
    Streak(kind="streak", field="last_out_min", op=">=", value=1260, days=3),
    Streak(kind="streak", field="last_out_min", op=">=", value=1200, days=2, on_leave="skip", max_skipped=2),
    Streak(kind="streak", field="first_in_min", op="<", value=540, days=4, on_leave="skip"),
    CountInWindow(kind="count_in_window", field="late_minutes", op=">", value=0, min_count=3, window_workdays=5),
    CountInWindow(
        kind="count_in_window",
        field="late_minutes",
        op=">=",
        value=10,
        min_count=2,
        window_workdays=6,
        on_leave="include",
    ),
    CountInWindow(kind="count_in_window", field="last_out_min", op=">=", value=1260, min_count=5, window_workdays=10),
    PeriodSum(kind="period_sum", field="worked_minutes", period="week", op=">=", value=2400, periods=2),
    PeriodSum(kind="period_sum", field="legal_overtime_minutes", period="month", op=">=", value=600),
    PeriodSum(kind="period_sum", field="worked_minutes", period="week", op="<", value=2000),
    PulseUnanswered(kind="pulse_unanswered", surveys=1),
    PulseUnanswered(kind="pulse_unanswered", surveys=2),
    PulseUnanswered(kind="pulse_unanswered", surveys=3),
]
DAYS = [date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 23)]


@pytest.fixture
def demo(runtime: Runtime) -> Runtime:
    load_demo(runtime, size=160, seed=11, days=40)
    pulses(runtime, seed=11)
    return runtime


def _context(runtime: Runtime, session: Any, day: date) -> EvalContext:
    return EvalContext(session, day, engine.facts_through(runtime, day), runtime.calendar, runtime.tz)


@pytest.mark.parametrize("day", DAYS)
def test_each_shared_condition_equals_its_own_query(demo: Runtime, day: date) -> None:
    with demo.db.session() as session:
        ctx = _context(demo, session, day)
        todo = {c.model_dump_json(): c for c in CONDITIONS}
        together = {**shared.attendance.scan(ctx, todo), **shared.surveys.scan(ctx, todo)}
        assert set(together) == set(todo)  # every condition above is shareable
        matched = 0
        for key, cond in todo.items():
            alone = conditions.KINDS[cond.kind].evaluate(cond, _context(demo, session, day))
            assert together[key] == alone, cond
            matched += len(alone)
    assert matched > 30  # the comparison is not between empty results


def _tags(runtime: Runtime) -> list[tuple[Any, ...]]:
    with runtime.db.session() as s:
        rows = s.execute(
            select(
                Tag.rule_id, Employee.userid, Tag.raised_on, Tag.status, Tag.last_seen_on, Tag.resolved_on, Tag.evidence
            ).join(Employee, Employee.id == Tag.employee_id)
        ).all()
    return sorted((*r[:6], json.dumps(r[6], sort_keys=True, ensure_ascii=False)) for r in rows)


def _forget_evaluations(runtime: Runtime) -> None:
    with runtime.db.session() as s:
        s.execute(delete(Tag))
        s.execute(delete(EvaluationRun))


def test_the_library_raises_the_same_tags_with_and_without_shared_scans(
    demo: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forget_evaluations(demo)  # the demo replays its history: both runs start from no tags and no runs
    with monkeypatch.context() as m:
        m.setattr(shared, "prefill", lambda ctx, rules: None)  # every condition on its own path
        alone = [(len(r.raised), len(r.resolved), r.errors) for r in engine.evaluate_range(demo, DAYS[0], DAYS[-1])]
    expected = _tags(demo)
    _forget_evaluations(demo)
    together = [(len(r.raised), len(r.resolved), r.errors) for r in engine.evaluate_range(demo, DAYS[0], DAYS[-1])]
    assert together == alone
    assert _tags(demo) == expected
    rules = {row[0] for row in expected}
    assert {"high_pressure", "often_late", "long_week", "silent"} <= rules, rules
    again = engine.evaluate(demo, DAYS[-1])  # a re-run writes nothing and raises nothing
    assert again.raised == [] and again.resolved == [] and _tags(demo) == expected
