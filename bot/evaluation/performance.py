"""Performance after care: relative change of performance metrics N weeks after vs N weeks before.

*Cared* people are measured around their first care action of the period (a reminder marked
done), the other tagged people around their first tag; with evaluation mode on, the arms are
measured around the first tag (intention to treat). Group means of fewer than
``[report].min_group_size`` people are suppressed. The cared/not-cared split is observational —
HR chooses whom to talk to — which is why the by-arm comparison exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.core.runtime import Runtime
from bot.core.settings.evaluation import ARMS
from bot.evaluation import changes
from bot.evaluation.assignment import arms_by_employee
from bot.evaluation.stats import NONE, Estimate, mean_difference


@dataclass(frozen=True)
class GroupPerformance:
    """Mean relative change over ``people`` with values on both sides; ``None`` when suppressed."""

    people: int
    suppressed: bool
    change: float | None


@dataclass(frozen=True)
class PerformanceAfterCare:
    """Cared vs not cared (observational), and care vs holdout arm (randomised) when evaluation is on."""

    weeks: int
    metrics: tuple[str, ...]
    cared: GroupPerformance
    not_cared: GroupPerformance
    difference: Estimate
    arms: dict[str, GroupPerformance] | None


def _group(values: list[float], floor: int) -> GroupPerformance:
    if len(values) < floor:
        return GroupPerformance(len(values), True, None)
    return GroupPerformance(len(values), False, sum(values) / len(values))


def build(
    runtime: Runtime, session: Session, tagged: Mapping[int, date], cared: Mapping[int, date]
) -> PerformanceAfterCare:
    """The section for the people tagged or cared for in the period."""
    weeks = runtime.settings.evaluation.performance_weeks
    floor = runtime.settings.report.min_group_size
    metrics = changes.performance_metrics(runtime.settings)
    not_cared = {e: d for e, d in tagged.items() if e not in cared}
    values = changes.performance_changes(session, {**not_cared, **cared}, metrics, weeks)
    cared_values = changes.subset(values, cared)
    other_values = changes.subset(values, not_cared)
    cared_group, other_group = _group(cared_values, floor), _group(other_values, floor)
    difference = (
        NONE if cared_group.suppressed or other_group.suppressed else mean_difference(cared_values, other_values)
    )
    arms: dict[str, GroupPerformance] | None = None
    evaluation = runtime.settings.evaluation
    if evaluation.enabled:
        by_arm = arms_by_employee(session, evaluation.unit, list(tagged))
        itt = changes.performance_changes(session, {e: tagged[e] for e in by_arm}, metrics, weeks)
        arms = {arm: _group(changes.subset(itt, [e for e, a in by_arm.items() if a == arm]), floor) for arm in ARMS}
    return PerformanceAfterCare(weeks, tuple(sorted(metrics)), cared_group, other_group, difference, arms)
