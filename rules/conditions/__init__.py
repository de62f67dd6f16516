"""The condition vocabulary: one module per kind, each compiling its condition to a few SQL queries.

Every module offers ``evaluate(cond, ctx) -> Matches`` (set-based: a bounded number of queries
for everyone in scope), ``requirement`` (what it asks, in words), ``describe`` (evidence in
words), ``placeholders`` (values for rule templates) and ``observe`` (one person's facts, for
``carebot rules explain``).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from pydantic import BaseModel

from bot.core.settings.metric_catalogue import PERFORMANCE_GROUP
from rules.conditions import (
    birthday,
    composite,
    count_in_window,
    life_event,
    metric_change,
    metric_threshold,
    metric_vs_team,
    monthly_overtime,
    period_sum,
    probation_ending,
    pulse_latest,
    pulse_trend,
    pulse_unanswered,
    score,
    streak,
    tenure,
    tenure_milestone,
    voice_request,
    work_anniversary,
)
from rules.context import EvalContext, Matches

KINDS: dict[str, ModuleType] = {
    "streak": streak,
    "count_in_window": count_in_window,
    "period_sum": period_sum,
    "monthly_overtime": monthly_overtime,
    "metric_change": metric_change,
    "metric_vs_team": metric_vs_team,
    "metric_threshold": metric_threshold,
    "pulse_latest": pulse_latest,
    "pulse_trend": pulse_trend,
    "pulse_unanswered": pulse_unanswered,
    "birthday": birthday,
    "work_anniversary": work_anniversary,
    "tenure": tenure,
    "tenure_milestone": tenure_milestone,
    "probation_ending": probation_ending,
    "life_event": life_event,
    "voice_request": voice_request,
    "all": composite,
    "any": composite,
    "not": composite,
    "score": score,
}


def _module(kind: str) -> ModuleType:
    return KINDS[kind]


def _each_metric(cond: BaseModel, ctx: EvalContext) -> list[BaseModel]:
    """``metric = "performance"`` stands for every performance metric of the catalogue, in order."""
    if getattr(cond, "metric", None) != PERFORMANCE_GROUP:
        return [cond]
    return [cond.model_copy(update={"metric": name}) for name in ctx.performance_metrics]


def evaluate(cond: BaseModel, ctx: EvalContext) -> Matches:
    """Evidence per employee id for everyone in scope meeting ``cond`` (memoised per evaluation).

    A condition on the performance group holds when it holds for any performance metric; the
    evidence is that of the first one in catalogue order and names it.
    """
    key = cond.model_dump_json()
    cached = ctx.cache.get(key)
    if cached is None:
        each = _each_metric(cond, ctx)
        if each == [cond]:
            cached = _module(cond.kind).evaluate(cond, ctx)  # type: ignore[attr-defined]
        else:  # each metric through the cache too: the shared scans fill it per metric
            cached = {}
            for one in each:
                for emp, evidence in evaluate(one, ctx).items():
                    cached.setdefault(emp, evidence)
        ctx.cache[key] = cached
    return cached


def requirement(cond: BaseModel, locale: str | None) -> str:
    """What ``cond`` asks for, in words."""
    text: str = _module(cond.kind).requirement(cond, locale)  # type: ignore[attr-defined]
    return text


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    """Evidence in words: the dates and values that met the condition."""
    text: str = _module(evidence["kind"]).describe(evidence, locale)
    return text


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    """Template values a rule text may use for this evidence."""
    values: dict[str, str] = _module(evidence["kind"]).placeholders(evidence, locale)
    return values


def placeholder_names(kind: str) -> frozenset[str]:
    """The placeholders a condition kind provides."""
    names: frozenset[str] = _module(kind).PLACEHOLDERS
    return names


def observe(cond: BaseModel, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    """One person's relevant facts, for explaining why a condition does or does not hold."""
    texts = []
    for one in _each_metric(cond, ctx):
        text: str = _module(one.kind).observe(one, ctx, employee_id, locale)  # type: ignore[attr-defined]
        texts.append(text)
    return "; ".join(texts)
