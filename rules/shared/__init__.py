"""Scans shared between conditions: one pass over each table for every condition that reads it.

Each condition kind compiles to its own queries (``rules.conditions``), which is simple and is
what one-person explanations use. Evaluating the whole library that way reads the attendance
facts six times, the metrics eight times and the surveys five times — and twice as often on a
rule's first evaluation, which also looks at the previous workday (quiet tags). Before the rules
run, :func:`prefill` computes every shareable condition of every context asked for (the day, and
the previous workday when rules are backfilled) in one query per table, and stores the results
in each context's cache under the key ``conditions.evaluate`` uses, so the rules find them there.

The scans are written so that their results are the same as the kinds' own by construction:
SQL keeps only people some condition *can* match (a necessary condition, cheap to aggregate),
and the kind's own Python turns their rows into evidence (``walk``/``build``), or a check that
mirrors the kind's SQL exactly decides. ``tests/test_rules_shared.py`` compares both paths
condition by condition and over the whole library, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.core.settings.metric_catalogue import PERFORMANCE_GROUP
from rules.context import EvalContext
from rules.model import AllOf, AnyOf, NotOf, Rule, Score

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Wanted:
    """One condition to compute for one evaluation context; the result goes to ``ctx.cache[key]``."""

    ctx: EvalContext
    key: str
    cond: BaseModel


Scanner = Callable[[Sequence[Wanted]], None]


def leaves(cond: BaseModel) -> Iterator[BaseModel]:
    """The non-composite conditions inside ``cond`` (itself when it is one)."""
    if isinstance(cond, AllOf | AnyOf):
        for child in cond.of:
            yield from leaves(child)
    elif isinstance(cond, NotOf):
        yield from leaves(cond.of)
    elif isinstance(cond, Score):
        for signal in cond.signals:
            yield from leaves(signal.condition)
    else:
        yield cond


def _each_metric(cond: BaseModel, ctx: EvalContext) -> list[BaseModel]:
    """``metric = "performance"`` is computed per performance metric (as ``conditions.evaluate`` does)."""
    if getattr(cond, "metric", None) != PERFORMANCE_GROUP:
        return [cond]
    return [cond.model_copy(update={"metric": name}) for name in ctx.performance_metrics]


def plan(asked: Iterable[tuple[EvalContext, Iterable[Rule]]]) -> list[Wanted]:
    """Every leaf condition of the rules, per context, not yet in that context's cache."""
    work: list[Wanted] = []
    for ctx, rules in asked:
        seen: set[str] = set()
        for rule in rules:
            for cond in leaves(rule.condition):
                for one in _each_metric(cond, ctx):
                    key = one.model_dump_json()
                    if key not in ctx.cache and key not in seen:
                        seen.add(key)
                        work.append(Wanted(ctx, key, one))
    return work


def _scanners() -> tuple[Scanner, ...]:
    from rules.shared import answers, attendance, metrics, surveys  # they import the condition kinds

    return (attendance.scan, metrics.scan, answers.scan, surveys.scan)


Narrowed = dict[tuple[int, str], frozenset[int] | None]  # (id(ctx), key) → who can matter (None: everyone)


def narrowing(asked: Iterable[tuple[EvalContext, Iterable[Rule]]]) -> Narrowed:
    """For every leaf not yet computed, the people whose result can matter to any rule.

    A condition under ``all`` matters only for people who meet all its siblings; when those are
    already computed (in the cache), the condition needs computing for them alone — the
    intersection of the siblings' matches, and the ``all`` keeps no one else. Anywhere else
    (a rule of its own, ``any``, ``not``, a score signal) it matters for everyone.
    """
    out: Narrowed = {}
    for ctx, rules in asked:
        for rule in rules:
            _visit(rule.condition, ctx, None, out)
    return out


def _visit(cond: BaseModel, ctx: EvalContext, allowed: frozenset[int] | None, out: Narrowed) -> None:
    if isinstance(cond, AllOf):
        for i, child in enumerate(cond.of):
            known = _met(list(cond.of[:i]) + list(cond.of[i + 1 :]), ctx)
            narrowed = known if allowed is None else allowed if known is None else allowed & known
            _visit(child, ctx, narrowed, out)
    elif isinstance(cond, AnyOf):
        for child in cond.of:
            _visit(child, ctx, allowed, out)
    elif isinstance(cond, NotOf):
        _visit(cond.of, ctx, allowed, out)
    elif isinstance(cond, Score):
        for signal in cond.signals:
            _visit(signal.condition, ctx, allowed, out)
    else:
        for one in _each_metric(cond, ctx):
            key = (id(ctx), one.model_dump_json())
            before = out.get(key, frozenset())
            out[key] = None if before is None or allowed is None else before | allowed


def _met(siblings: Sequence[BaseModel], ctx: EvalContext) -> frozenset[int] | None:
    """Who meets every one of ``siblings``, when all are computed leaves; None when unknown yet."""
    found: frozenset[int] | None = None
    for sibling in siblings:
        if isinstance(sibling, AllOf | AnyOf | NotOf | Score):
            return None
        people: set[int] = set()
        for one in _each_metric(sibling, ctx):
            matches = ctx.cache.get(one.model_dump_json())
            if matches is None:
                return None
            people.update(matches)
        found = frozenset(people) if found is None else found & people
    return found


def prefill(ctx: EvalContext, rules: Iterable[Rule], before: tuple[EvalContext, Iterable[Rule]] | None = None) -> None:
    """Compute the shareable conditions of ``rules`` (and of ``before``'s rules in its context) in shared scans.

    Every context must use the same session and the same ``employee_ids``; ``before``'s day
    is earlier than ``ctx``'s (its people are a subset of ``ctx``'s population).
    """
    asked: list[tuple[EvalContext, Iterable[Rule]]] = [(ctx, rules)]
    if before is not None:
        asked.append(before)
    work = plan(asked)
    if not work:
        return
    tune(ctx.session)
    for scanner in _scanners():
        scanner(work)
    from rules.shared import metrics

    metrics.scan_teams(work, narrowing(asked))  # last: the cheaper conditions beside it narrow it down


def tune(session: Session) -> None:
    """PostgreSQL settings for this transaction's analytic queries (``SET LOCAL``: gone at commit).

    The default 4 MB of ``work_mem`` makes the grouped scans sort on disk instead of hashing in
    memory; JIT compilation costs ~50 ms per query here and saves less than that.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL work_mem = '64MB'"))
        session.execute(text("SET LOCAL jit = off"))
