"""The report's ``experiment`` section: intention-to-treat comparison of the care and holdout arms.

Population: people *tagged in the period* (their first tag of the period raised in it, on or after
``[evaluation].start`` when one is set) who have an arm. Each is compared in the arm they were assigned to,
whatever HR then did (intention to treat); how many of each arm HR actually cared for is shown
beside, never used to pick groups. Outcomes, all measured from the first tag of the period:
leaving within ``[report].turnover_window_days`` (all leavers and voluntary ones), the change of
the check-in pulse question, and the relative change of performance metrics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.runtime import Runtime
from bot.core.settings.evaluation import ARMS, Arm
from bot.evaluation import changes
from bot.evaluation.assignment import arms_by_employee
from bot.evaluation.stats import NONE, Estimate, mean_difference, proportion_difference
from bot.models import EvaluationAssignment

PULSE_QUESTION = "mood"  # the identified check-in (1–5, higher is better) compared between the arms


@dataclass(frozen=True)
class ArmFigures:
    """One arm: people tagged in the period, leavers among them; counts ``None`` when suppressed."""

    employees: int
    left: int | None
    left_voluntary: int | None
    cared: int | None  # what HR did: people a reminder about was marked done in the period
    pulse_people: int  # people with check-in answers before and after their first tag
    performance_people: int  # people with performance values before and after their first tag


@dataclass(frozen=True)
class Experiment:
    """The whole comparison; differences are care − holdout."""

    enabled: bool
    holdout_share: float
    realised_holdout_share: float | None
    unit: str
    start: date | None
    suppressed: bool
    arms: dict[Arm, ArmFigures]
    turnover: Estimate
    turnover_voluntary: Estimate
    pulse: Estimate
    performance: Estimate
    pulse_question: str
    window_days: int
    performance_weeks: int


def realised_share(session: Session, unit: str) -> float | None:
    """The share of assigned units in the holdout (beside the configured share)."""
    rows = dict(
        session.execute(
            select(EvaluationAssignment.arm, func.count())
            .where(EvaluationAssignment.unit == unit)
            .group_by(EvaluationAssignment.arm)
        ).all()
    )
    total = sum(int(n) for n in rows.values())
    return int(rows.get("holdout", 0)) / total if total else None


def build(
    runtime: Runtime,
    session: Session,
    tagged: Mapping[int, date],
    cared: Mapping[int, date],
    leavers: Mapping[int, str | None],
) -> Experiment:
    """The experiment section for the people ``tagged`` in the period (reference day = first tag)."""
    cfg, report = runtime.settings.evaluation, runtime.settings.report
    # A configured start leaves out people first tagged before it; without one, every tagged person
    # with an arm counts (an experiment switched on mid-period dilutes the estimate, never biases it).
    start = cfg.start
    in_scope = {e: d for e, d in tagged.items() if start is None or d >= start}
    arms = arms_by_employee(session, cfg.unit, list(in_scope)) if cfg.enabled and in_scope else {}
    groups: dict[Arm, list[int]] = {arm: sorted(e for e, a in arms.items() if a == arm) for arm in ARMS}
    refs = {e: in_scope[e] for e in arms}
    pulse = changes.pulse_changes(session, refs, PULSE_QUESTION, report.pulse_window_days)
    perf = changes.performance_changes(
        session, refs, changes.performance_metrics(runtime.settings), cfg.performance_weeks
    )
    floor = report.min_group_size
    suppressed = not cfg.enabled or any(len(groups[a]) < floor for a in ARMS)

    def figures(arm: Arm) -> ArmFigures:
        people = groups[arm]
        hidden = len(people) < floor
        left = [leavers[p] for p in people if p in leavers]
        return ArmFigures(
            employees=len(people),
            left=None if hidden else len(left),
            left_voluntary=None if hidden else sum(1 for r in left if r == "voluntary"),
            cared=None if hidden else sum(1 for p in people if p in cared),
            pulse_people=sum(1 for p in people if p in pulse),
            performance_people=sum(1 for p in people if p in perf),
        )

    figs = {arm: figures(arm) for arm in ARMS}

    def turnover(voluntary: bool) -> Estimate:
        if suppressed:
            return NONE
        c, h = figs["care"], figs["holdout"]
        count_c = c.left_voluntary if voluntary else c.left
        count_h = h.left_voluntary if voluntary else h.left
        assert count_c is not None and count_h is not None
        return proportion_difference(count_c, c.employees, count_h, h.employees)

    def means(values: Mapping[int, float]) -> Estimate:
        care, hold = changes.subset(values, groups["care"]), changes.subset(values, groups["holdout"])
        if suppressed or len(care) < floor or len(hold) < floor:
            return NONE
        return mean_difference(care, hold)

    return Experiment(
        enabled=cfg.enabled,
        holdout_share=cfg.holdout_share,
        realised_holdout_share=realised_share(session, cfg.unit) if cfg.enabled else None,
        unit=cfg.unit,
        start=start,
        suppressed=suppressed,
        arms=figs,
        turnover=turnover(False),
        turnover_voluntary=turnover(True),
        pulse=means(pulse),
        performance=means(perf),
        pulse_question=PULSE_QUESTION,
        window_days=report.turnover_window_days,
        performance_weeks=cfg.performance_weeks,
    )
