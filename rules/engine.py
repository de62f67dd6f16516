"""Evaluating the rules: a whole day for everyone, or a few rules for one person right now.

``evaluate(runtime, day)`` runs every enabled rule (each in its own transaction, so one broken
rule does not stop the others), records the day in ``evaluation_runs`` and returns the ids of
the tags it raised. ``evaluate_employee`` re-evaluates the rules a new fact can change (a pulse
answer of stress 9 raises its tag the same day). Listeners registered with :func:`on_evaluated`
(reminders) hear about every evaluation after it is committed.

A rule's first evaluation (a new installation, or a rule newly switched on) backfills its tags
but marks those about a situation that already held on the previous workday ``quiet``: they show
on the dashboard and are not pushed as reminders, so day one does not flood HR with last month's
news. Dated rules (birthday, new-hire day, probation end) are always current.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.core.runtime import Runtime
from bot.models import EvaluationRun
from rules import conditions, shared
from rules.context import EvalContext, Matches, last_complete_day
from rules.lifecycle import RuleOutcome, apply, retire_rules
from rules.loader import RuleSet, load_rules
from rules.model import Rule
from rules.runs import finish_run, start_run

log = logging.getLogger(__name__)

Listener = Callable[[Runtime, "EvaluationResult"], None]
_listeners: list[Listener] = []


@dataclass
class EvaluationResult:
    """What an evaluation did; ``raised`` lists the ids of tags that are new."""

    day: date
    facts_through: date
    raised: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    rules: dict[str, RuleOutcome] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    employee_ids: tuple[int, ...] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def stats(self) -> dict[str, Any]:
        """A JSON summary for ``evaluation_runs.stats`` and logs."""
        return {
            "facts_through": self.facts_through.isoformat(),
            "raised": len(self.raised),
            "resolved": len(self.resolved),
            "expired": len(self.expired),
            "seconds": round(self.seconds, 3),
            "rules": {rule_id: o.stats() for rule_id, o in self.rules.items()},
            "errors": dict(self.errors),
        }


def on_evaluated(listener: Listener) -> Listener:
    """Register ``listener(runtime, result)``, called after every committed evaluation."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def _notify(runtime: Runtime, result: EvaluationResult) -> None:
    for listener in list(_listeners):
        try:
            listener(runtime, result)
        except Exception:
            log.exception("evaluation listener %s failed", getattr(listener, "__name__", listener))


def facts_through(runtime: Runtime, day: date) -> date:
    """The last day whose facts are complete when evaluating ``day`` now."""
    now_local = runtime.clock.now().astimezone(runtime.tz)
    return min(day, last_complete_day(now_local, runtime.settings.attendance.day_boundary))


DATED_KINDS = frozenset({"birthday", "work_anniversary", "tenure_milestone", "probation_ending"})


def first_evaluated(runtime: Runtime, ruleset: RuleSet, day: date) -> set[str]:
    """Rules evaluated for the first time on ``day``: absent from the last finished run before it."""
    with runtime.db.session() as session:
        stats = session.scalar(
            select(EvaluationRun.stats)
            .where(EvaluationRun.day < day, EvaluationRun.status.in_(("done", "failed")))
            .order_by(EvaluationRun.day.desc())
            .limit(1)
        )
    if stats is None:
        return set(ruleset.rules)  # a new installation
    known = set(stats.get("rules", {})) | set(stats.get("errors", {}))
    return set(ruleset.rules) - known


def _before_context(runtime: Runtime, session: Any, day: date, cache: dict[str, Matches]) -> EvalContext:
    """The evaluation context of the previous workday, as that day's evaluation would have seen it."""
    before = runtime.calendar.workdays_back(day - timedelta(days=1), 1)[0]
    at = datetime.combine(before, runtime.settings.rules.evaluation_time, runtime.tz)
    fact_end = min(before, last_complete_day(at, runtime.settings.attendance.day_boundary))
    return EvalContext(
        session,
        before,
        fact_end,
        runtime.calendar,
        runtime.tz,
        None,
        cache,
        None,
        runtime.settings.metrics.performance,
    )


def _held_before(
    runtime: Runtime, session: Any, rule: Rule, day: date, cache: dict[str, Matches], todo: list[Rule]
) -> set[int]:
    """Who already met ``rule`` on the previous workday.

    ``cache`` is shared by every backfilled rule of this evaluation (an empty one is first filled
    by the shared scans for all of ``todo``), so the previous day costs what one day costs.
    """
    ctx = _before_context(runtime, session, day, cache)
    if not cache:
        try:
            shared.prefill(ctx, todo)
        except Exception:  # the rule's own queries below still answer
            log.exception("shared scans of the previous workday failed for %s", day)
    return set(conditions.evaluate(rule.condition, ctx))


def _run_rules(
    runtime: Runtime,
    rules: Iterable[Rule],
    day: date,
    employee_ids: Sequence[int] | None,
    backfill: set[str] | None = None,
) -> EvaluationResult:
    started = time.perf_counter()
    result = EvaluationResult(day, facts_through(runtime, day), employee_ids=tuple(employee_ids or ()) or None)
    if employee_ids is not None and not employee_ids:
        return result
    cache: dict[str, Matches] = {}  # the same sub-condition in several rules is computed once
    scope: set[int] | None = None  # and the people in scope are looked up once
    rules = list(rules)
    before_cache: dict[str, Matches] = {}  # the previous workday, for backfilled rules (quiet tags)
    backfilled = [r for r in rules if backfill and r.id in backfill and r.condition.kind not in DATED_KINDS]
    try:  # conditions reading the same table share one pass over it (rules.shared)
        with runtime.db.session() as session:
            ctx = EvalContext(
                session,
                day,
                result.facts_through,
                runtime.calendar,
                runtime.tz,
                employee_ids,
                cache,
                None,
                runtime.settings.metrics.performance,
            )
            scope = ctx.scope_ids()
            shared.prefill(ctx, rules)
    except Exception:  # each rule then computes its own conditions, and reports its own error
        log.exception("shared scans failed on %s", day)
    for rule in rules:
        t0 = time.perf_counter()
        try:
            with runtime.db.session() as session:
                ctx = EvalContext(
                    session,
                    day,
                    result.facts_through,
                    runtime.calendar,
                    runtime.tz,
                    employee_ids,
                    cache,
                    scope,
                    runtime.settings.metrics.performance,
                )
                scope = ctx.scope_ids()
                matches = conditions.evaluate(rule.condition, ctx)
                quiet: set[int] = set()
                if backfill and rule.id in backfill and rule.condition.kind not in DATED_KINDS and matches:
                    quiet = _held_before(runtime, session, rule, day, before_cache, backfilled) & set(matches)
                outcome = apply(
                    session, rule, day, matches, scope, now=runtime.clock.now(), employee_ids=employee_ids, quiet=quiet
                )
        except Exception as exc:
            log.exception("rule %s failed on %s", rule.id, day)
            result.errors[rule.id] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
            continue
        outcome.seconds = time.perf_counter() - t0
        result.rules[rule.id] = outcome
        result.raised += outcome.raised
        result.resolved += outcome.resolved
        result.expired += outcome.expired
    result.seconds = time.perf_counter() - started
    return result


def evaluate(runtime: Runtime, day: date | None = None, *, rules: RuleSet | None = None) -> EvaluationResult:
    """Evaluate every enabled rule for everyone on ``day`` (default today) and record the run."""
    day = day or runtime.today()
    ruleset = rules if rules is not None else load_rules(runtime.settings.rules)
    backfill = first_evaluated(runtime, ruleset, day)
    with runtime.db.session() as session:
        start_run(session, day, runtime.clock.now())
    result = _run_rules(runtime, ruleset, day, None, backfill)
    try:
        with runtime.db.session() as session:
            result.expired += retire_rules(session, set(ruleset.rules), day)
    except Exception as exc:
        log.exception("retiring tags of switched-off rules failed on %s", day)
        result.errors["(retire)"] = type(exc).__name__
    with runtime.db.session() as session:
        finish_run(session, day, result.stats(), ok=result.ok, now=runtime.clock.now())
    log.info(
        "evaluated %s (facts through %s): %d raised, %d resolved, %d expired, %d rule errors in %.1fs",
        day,
        result.facts_through,
        len(result.raised),
        len(result.resolved),
        len(result.expired),
        len(result.errors),
        result.seconds,
    )
    _notify(runtime, result)
    return result


def evaluate_range(runtime: Runtime, start: date, end: date) -> list[EvaluationResult]:
    """Evaluate each day from ``start`` to ``end`` inclusive, in order (rules loaded once)."""
    ruleset = load_rules(runtime.settings.rules)
    out = []
    day = start
    while day <= end:
        out.append(evaluate(runtime, day, rules=ruleset))
        day = date.fromordinal(day.toordinal() + 1)
    return out


def select_rules(
    ruleset: RuleSet, *, sources: Iterable[str] | None = None, rule_ids: Iterable[str] | None = None
) -> list[Rule]:
    """The rules reading any of ``sources`` (attendance, metrics, pulse, employee, life_events) or named."""
    wanted_sources = set(sources or ())
    wanted_ids = set(rule_ids or ())
    chosen = []
    for rule in ruleset:
        if (sources is None and rule_ids is None) or rule.id in wanted_ids or rule.data_sources & wanted_sources:
            chosen.append(rule)
    return chosen


def evaluate_employee(
    runtime: Runtime,
    employee_id: int,
    *,
    day: date | None = None,
    sources: Iterable[str] | None = None,
    rule_ids: Iterable[str] | None = None,
    rules: RuleSet | None = None,
) -> EvaluationResult:
    """Evaluate (some) rules for one person now; tags raised here count for today like the nightly run.

    ``sources={"pulse"}`` re-evaluates exactly the rules that read pulse answers, so a stress
    answer ≥ 8 raises its tag the same day. No ``evaluation_runs`` row is written.
    """
    ruleset = rules if rules is not None else load_rules(runtime.settings.rules)
    chosen = select_rules(ruleset, sources=sources, rule_ids=rule_ids)
    result = _run_rules(runtime, chosen, day or runtime.today(), (employee_id,))
    _notify(runtime, result)
    return result
