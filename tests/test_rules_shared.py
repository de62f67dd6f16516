"""Shared scans (``rules.shared``) give exactly what each condition kind's own queries give.

On SQLite and PostgreSQL, over a planted organisation (``tests/rules_planted.py``), three proofs:

* condition by condition — the library's and a spread of parameters it does not use — for an
  evaluation day and its previous workday computed together in one pass, for everyone and for a
  few people;
* the whole library over three days with and without the shared scans: the same tags, statuses,
  quiet flags and evidence (a first evaluation, which also reads the previous workday, then
  daily ones), and a re-run that writes nothing;
* evaluating one person now (a pulse answer) gives the same as on the kinds' own path.
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
from rules import conditions, engine, shared
from rules.context import EvalContext
from rules.loader import load_rules
from rules.model import (
    CountInWindow,
    MetricChange,
    MetricThreshold,
    MetricVsTeam,
    MonthlyOvertime,
    PeriodSum,
    PulseLatest,
    PulseTrend,
    PulseUnanswered,
    Streak,
)
from rules.shared import metrics
from tests import rules_planted

EXTRA: list[BaseModel] = [
    Streak(kind="streak", field="last_out_min", op=">=", value=1260, days=2, on_leave="skip", max_skipped=2),
    Streak(kind="streak", field="first_in_min", op="<", value=540, days=4, on_leave="skip"),
    Streak(kind="streak", field="legal_overtime_minutes", op=">", value=120, days=2),
    CountInWindow(kind="count_in_window", field="late_minutes", op=">=", value=10, min_count=2, window_workdays=6),
    CountInWindow(
        kind="count_in_window",
        field="late_minutes",
        op=">",
        value=0,
        min_count=2,
        window_workdays=4,
        on_leave="include",
    ),
    CountInWindow(kind="count_in_window", field="last_out_min", op=">", value=1230.5, min_count=3, window_workdays=8),
    PeriodSum(kind="period_sum", field="worked_minutes", period="week", op=">=", value=2400, periods=2),
    PeriodSum(kind="period_sum", field="legal_overtime_minutes", period="month", op=">=", value=600),
    PeriodSum(kind="period_sum", field="worked_minutes", period="week", op="<", value=2000),
    MonthlyOvertime(kind="monthly_overtime", value=600, cap=900),
    MonthlyOvertime(kind="monthly_overtime", field="overtime_minutes", value=300, cap=2160),
    MetricChange(kind="metric_change", metric="calls", aggregate="sum", op="<=", value=-10, weeks=1, min_days=3),
    MetricChange(kind="metric_change", metric="sales", op=">=", value=5, weeks=2, min_days=1),
    MetricThreshold(
        kind="metric_threshold", metric="rejection_rate", aggregate="max", window_days=10, op=">", value=0.6
    ),
    MetricThreshold(kind="metric_threshold", metric="calls", aggregate="sum", window_days=5, op="<", value=300),
    MetricThreshold(kind="metric_threshold", metric="sales", aggregate="min", window_days=14, op="<=", value=40),
    MetricVsTeam(kind="metric_vs_team", metric="calls", team="manager", op="<=", ratio=0.9, days=2, min_team_size=2),
    MetricVsTeam(kind="metric_vs_team", metric="sales", op=">=", ratio=1.2, days=2, lookback_workdays=6),
    PulseLatest(kind="pulse_latest", question="mood", op="<=", value=2, max_age_days=10),
    PulseLatest(kind="pulse_latest", question="enps", op="<=", value=6, max_age_days=30),
    PulseTrend(kind="pulse_trend", question="mood", direction="rising", answers=2, min_change=1, lookback_days=40),
    PulseTrend(kind="pulse_trend", question="stress", answers=3, min_change=1, lookback_days=30),
    PulseUnanswered(kind="pulse_unanswered", surveys=1, lookback_days=20, exclude_paused=False),
    PulseUnanswered(kind="pulse_unanswered", surveys=2, lookback_days=60),
]


@pytest.fixture
def planted(runtime: Runtime) -> Runtime:
    counts = rules_planted.load(runtime)
    assert counts["attendance_days"] > 2500 and counts["answers"] > 600
    return runtime


def _contexts(runtime: Runtime, session: Any, day: date, people: list[int] | None) -> tuple[EvalContext, EvalContext]:
    ctx = EvalContext(
        session, day, engine.facts_through(runtime, day), runtime.calendar, runtime.tz, people, {}, None,
        runtime.settings.metrics.performance,
    )  # fmt: skip
    return ctx, engine._before_context(runtime, session, day, {}, people)


def _own(runtime: Runtime, session: Any, ctx: EvalContext, cond: Any) -> Any:
    alone = EvalContext(
        session, ctx.day, ctx.fact_end, runtime.calendar, runtime.tz, ctx.employee_ids, {}, None,
        runtime.settings.metrics.performance,
    )  # fmt: skip
    return conditions.KINDS[cond.kind].evaluate(cond, alone)


def _library(runtime: Runtime) -> list[Any]:
    return list(load_rules(runtime.settings.rules))


class _Rule:
    def __init__(self, cond: BaseModel) -> None:
        self.condition = cond


def test_every_shared_condition_equals_its_own_query(planted: Runtime) -> None:
    rules = _library(planted) + [_Rule(c) for c in EXTRA]
    compared = matched = 0
    with planted.db.session() as session:
        some = list(session.scalars(select(Employee.id).order_by(Employee.id).limit(40)))[::3]
        for day in rules_planted.DAYS:
            for people in (None, some):
                ctx, before = _contexts(planted, session, day, people)
                work = shared.plan([(ctx, rules), (before, rules)])
                for scanner in shared._scanners():
                    scanner(work)
                metrics.scan_teams(work, {})  # for everyone
                for w in work:
                    if w.key not in w.ctx.cache:
                        continue  # not a shared kind (dates, tenure, life events, …)
                    alone = _own(planted, session, w.ctx, w.cond)
                    assert w.ctx.cache[w.key] == alone, (w.ctx.day, people is not None, w.cond)
                    compared += 1
                    matched += len(alone)
    assert compared >= 2 * 3 * 2 * 30  # every shareable leaf, both contexts, three days, both scopes
    assert matched > 1000  # and not between empty results


def test_a_team_comparison_under_all_is_computed_for_who_meets_the_rest(planted: Runtime) -> None:
    """``sales_pressure`` = all(below the team, stress ≥ 8): the comparison is needed only for the stressed."""
    rules = [r for r in _library(planted) if r.id == "sales_pressure"]
    narrowed_some = 0
    with planted.db.session() as session:
        for day in rules_planted.DAYS:
            ctx, before = _contexts(planted, session, day, None)
            asked = [(ctx, rules), (before, rules)]
            work = shared.plan(asked)
            for scanner in shared._scanners():
                scanner(work)
            narrowed = shared.narrowing(asked)
            metrics.scan_teams(work, narrowed)
            for w in work:
                if not isinstance(w.cond, MetricVsTeam):
                    continue
                allowed = narrowed[(id(w.ctx), w.key)]
                assert allowed is not None and len(allowed) < 40  # the stressed few, not everyone
                alone = _own(planted, session, w.ctx, w.cond)
                assert w.ctx.cache[w.key] == {e: ev for e, ev in alone.items() if e in allowed}
                narrowed_some += len(alone) - len(w.ctx.cache[w.key])
    assert narrowed_some > 0  # people below their team who are not stressed were left out


def _tags(runtime: Runtime) -> list[tuple[Any, ...]]:
    with runtime.db.session() as s:
        rows = s.execute(
            select(
                Tag.rule_id, Employee.userid, Tag.raised_on, Tag.status, Tag.severity, Tag.quiet, Tag.last_seen_on,
                Tag.resolved_on, Tag.expires_on, Tag.score, Tag.evidence,
            ).join(Employee, Employee.id == Tag.employee_id)
        ).all()  # fmt: skip
    return sorted((*r[:-1], json.dumps(r[-1], sort_keys=True, ensure_ascii=False)) for r in rows)


def _forget(runtime: Runtime) -> None:
    with runtime.db.session() as s:
        s.execute(delete(Tag))
        s.execute(delete(EvaluationRun))


def _evaluate_days(runtime: Runtime) -> list[tuple[Any, ...]]:
    results = engine.evaluate_range(runtime, rules_planted.DAYS[0], rules_planted.DAYS[-1])
    return [(r.day, len(r.raised), len(r.resolved), len(r.expired), r.errors) for r in results]


def test_the_library_raises_the_same_tags_with_and_without_shared_scans(
    planted: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as m:
        m.setattr(shared, "prefill", lambda *args, **kwargs: None)
        alone = _evaluate_days(planted)
    expected = _tags(planted)
    _forget(planted)
    together = _evaluate_days(planted)
    assert together == alone
    assert _tags(planted) == expected
    rules = {row[0] for row in expected}
    assert {"high_pressure", "often_late", "long_week", "overtime_near_limit", "silent", "mood_falling"} <= rules
    assert {"high_stress", "rejection_spike", "performance_dip", "sales_pressure"} <= rules, rules
    assert any(row[5] for row in expected) and not all(row[5] for row in expected)  # quiet and loud tags
    again = engine.evaluate(planted, rules_planted.DAYS[-1])  # a re-run writes nothing and raises nothing
    assert again.raised == [] and again.resolved == [] and _tags(planted) == expected


def test_one_person_now_is_the_same_on_both_paths(planted: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    with planted.db.session() as s:
        people = list(s.scalars(select(Employee.id).where(Employee.status == "active").order_by(Employee.id)))
    chosen = people[::7]
    for emp in chosen:
        engine.evaluate_employee(planted, emp, day=rules_planted.DAYS[-1])
    expected = _tags(planted)
    _forget(planted)
    with monkeypatch.context() as m:
        m.setattr(shared, "prefill", lambda *args, **kwargs: None)  # every condition on its own path
        for emp in chosen:
            engine.evaluate_employee(planted, emp, day=rules_planted.DAYS[-1])
    assert _tags(planted) == expected
    assert len({row[0] for row in expected}) >= 5
