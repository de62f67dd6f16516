"""An employee's own performance metrics as a weekly trend, against their target or the team median.

Weeks start on Monday. A week's figure is the sum of the daily values, or their mean for ratios
(a rate summed over days means nothing). The reference line is the person's own target metric
(``<metric>_target``, when the catalogue has one and the person has values) or else the median of
their department — only when the department has at least ``TEAM_MIN`` active people and at least
``TEAM_MIN`` of them have a figure that week, so the median never is one colleague's number.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.settings.metric_catalogue import MetricDef, MetricsSection
from bot.models import Employee, Metric

WEEKS = 8
TEAM_MIN = 5
# Until the catalogue marks metrics with ``performance = true``, these are the performance metrics.
DEFAULT_PERFORMANCE = ("sales", "calls")
Reference = Literal["target", "team_median"]


@dataclass(frozen=True)
class Week:
    """One week: the person's figure and the reference (None when unknown or withheld)."""

    start: date
    value: float | None
    reference: float | None


@dataclass(frozen=True)
class Trend:
    """One metric's weeks, oldest first, and what the reference line is."""

    metric: MetricDef
    reference: Reference | None
    weeks: tuple[Week, ...]

    @property
    def has_data(self) -> bool:
        return any(w.value is not None for w in self.weeks)


def performance_metrics(metrics: MetricsSection) -> list[MetricDef]:
    """The catalogue's performance metrics (the ``performance`` flag, or sales and calls without it)."""
    if "performance" in MetricDef.model_fields:
        return [m for m in metrics.catalogue if getattr(m, "performance", False)]
    return [m for m in metrics.catalogue if m.name in DEFAULT_PERFORMANCE]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _aggregate(metric: MetricDef, values: Iterable[float]) -> float:
    vals = list(values)
    return statistics.fmean(vals) if metric.unit == "ratio" else float(sum(vals))


def _weekly(
    session: Session, metric: MetricDef, name: str, employee_ids: object, first: date, last: date
) -> dict[int, dict[date, float]]:
    """Per employee and week start: the week's figure of metric ``name`` (one query)."""
    rows = session.execute(
        select(Metric.employee_id, Metric.day, Metric.value).where(
            Metric.metric == name,
            Metric.day.between(first, last),
            Metric.employee_id.in_(employee_ids),  # type: ignore[arg-type]
        )
    )
    raw: dict[int, dict[date, list[float]]] = defaultdict(lambda: defaultdict(list))
    for emp, day, value in rows:
        raw[int(emp)][week_start(day)].append(float(value))
    return {emp: {wk: _aggregate(metric, vals) for wk, vals in weeks.items()} for emp, weeks in raw.items()}


def _team_ids(session: Session, employee: Employee) -> list[int] | None:
    """The active members of the employee's department, or None when it is too small to compare with."""
    if employee.department_id is None:
        return None
    ids = list(
        session.scalars(
            select(Employee.id).where(Employee.department_id == employee.department_id, Employee.status == "active")
        )
    )
    return ids if len(ids) >= TEAM_MIN else None


def _has_values(session: Session, employee_id: int, name: str) -> bool:
    found = session.scalar(
        select(func.count()).select_from(Metric).where(Metric.employee_id == employee_id, Metric.metric == name)
    )
    return bool(found)


def trends(session: Session, metrics: MetricsSection, employee: Employee, today: date) -> list[Trend]:
    """The employee's performance metrics over the last ``WEEKS`` weeks (this week included)."""
    last_week = week_start(today)
    starts = [last_week - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    first, last = starts[0], today
    team: list[int] | None = None
    team_loaded = False
    out: list[Trend] = []
    for metric in performance_metrics(metrics):
        own = _weekly(session, metric, metric.name, [employee.id], first, last).get(employee.id, {})
        target_name = f"{metric.name}_target"
        reference: Reference | None = None
        ref_by_week: dict[date, float] = {}
        if metrics.get(target_name) is not None and _has_values(session, employee.id, target_name):
            reference = "target"
            ref_by_week = _weekly(session, metric, target_name, [employee.id], first, last).get(employee.id, {})
        else:
            if not team_loaded:
                team, team_loaded = _team_ids(session, employee), True
            if team is not None:
                reference = "team_median"
                per_person = _weekly(session, metric, metric.name, team, first, last)
                for wk in starts:
                    figures = [weeks[wk] for weeks in per_person.values() if wk in weeks]
                    if len(figures) >= TEAM_MIN:
                        ref_by_week[wk] = float(statistics.median(figures))
        weeks = tuple(Week(wk, own.get(wk), ref_by_week.get(wk)) for wk in starts)
        out.append(Trend(metric, reference, weeks))
    return out
