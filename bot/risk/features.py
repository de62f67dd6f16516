"""Person-period rows for the attrition model, built set-based in SQL and never reading the future.

A *snapshot* is a day ``s``: everyone employed on ``s`` (hired on or before it, not left by it)
gets one row whose features use only data dated on or before ``s`` — attendance facts, metrics,
pulse answers and care tags of the windows below — and whose label, when asked for, is whether
they left voluntarily (any reason but ``involuntary``) in ``(s, s + label_days]``. Each source is
one grouped query over all snapshots at once (a ``VALUES`` list joined by date range).

Features (see docs/risk.md):

=====================  =================================================================
late_nights_30d        days in the last 30 leaving at 21:00 or later, after a shift that
                       ended earlier (a night shift working its hours does not count)
overtime_hours_30d     hours of overtime in the last 30 days (against the person's shift)
late_arrivals_30d      days arriving late in the last 30 days
leave_days_30d         days on approved leave in the last 30 days
perf_change            relative change of the performance metrics ([risk].performance_metrics):
                       mean of the last 30 days against the 60 days before (−0.3 = down 30 %)
first_year             1 in the first 12 months after hiring
tenure_years           years since hiring
enps_low               1 when the latest eNPS answer of the last 180 days is 6 or lower
stress_high            1 when the latest stress answer of the last 180 days is 8 or higher
care_tags_90d          care tags raised in the last 90 days (attrition-risk tags excluded)
=====================  =================================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Date, Integer, and_, case, column, func, or_, select, values
from sqlalchemy.orm import Session

from bot.models import AttendanceDay, Employee, Metric, SurveyAnswer, Tag

FEATURES: tuple[str, ...] = (
    "late_nights_30d",
    "overtime_hours_30d",
    "late_arrivals_30d",
    "leave_days_30d",
    "perf_change",
    "first_year",
    "tenure_years",
    "enps_low",
    "stress_high",
    "care_tags_90d",
)
LATE_NIGHT_MIN = 21 * 60
RISK_RULES = ("attrition_risk",)


@dataclass
class PersonPeriods:
    """Rows of (employee, snapshot): ids, the feature matrix in ``FEATURES`` order and labels."""

    employee_ids: np.ndarray
    snapshots: list[date]
    snapshot_of_row: np.ndarray  # index into ``snapshots``
    x: np.ndarray
    y: np.ndarray | None

    def __len__(self) -> int:
        return len(self.employee_ids)


def _snaps(snapshots: Sequence[date]) -> Any:
    rows = [
        (i, s, s - timedelta(days=30), s - timedelta(days=90), s - timedelta(days=180)) for i, s in enumerate(snapshots)
    ]
    cols: list[Any] = [
        column("k", Integer),
        column("s", Date),
        column("lo30", Date),
        column("lo90", Date),
        column("lo180", Date),
    ]
    return values(*cols, name="snaps").data(rows).cte("snaps")


def _population(session: Session, snaps: Any, label_days: int | None) -> list[tuple[Any, ...]]:
    e = Employee
    employed = and_(
        or_(e.hired_on.is_(None), e.hired_on <= snaps.c.s),
        or_(e.left_on.is_(None), e.left_on > snaps.c.s),
    )
    cols: list[Any] = [e.id, snaps.c.k, e.hired_on]
    if label_days is not None:
        until = (
            snaps.c.s + label_days
            if session.get_bind().dialect.name == "postgresql"
            else func.date(snaps.c.s, f"+{label_days} days")
        )
        left = and_(e.left_on.is_not(None), e.left_on <= until, func.coalesce(e.leave_reason, "") != "involuntary")
        cols.append(case((left, 1), else_=0))
    # A fixed row order makes the fit reproducible to the last bit on both databases.
    return list(session.execute(select(*cols).select_from(snaps).join(e, employed).order_by(snaps.c.k, e.id)))


def _facts(session: Session, snaps: Any) -> list[tuple[Any, ...]]:
    ad = AttendanceDay
    recent = and_(ad.day > snaps.c.lo30, ad.day <= snaps.c.s)
    late_night = and_(
        ad.on_leave.is_(False),
        ad.last_out_min >= LATE_NIGHT_MIN,
        or_(ad.sched_end_min.is_(None), ad.sched_end_min <= LATE_NIGHT_MIN),
    )
    query = (
        select(
            ad.employee_id,
            snaps.c.k,
            func.sum(case((late_night, 1), else_=0)),
            func.sum(ad.overtime_minutes) / 60.0,
            func.sum(case((ad.late_minutes > 0, 1), else_=0)),
            func.sum(case((ad.on_leave.is_(True), 1), else_=0)),
        )
        .select_from(snaps)
        .join(ad, recent)
        .group_by(ad.employee_id, snaps.c.k)
    )
    return list(session.execute(query))


def _metrics(session: Session, snaps: Any, names: Sequence[str]) -> list[tuple[Any, ...]]:
    m = Metric
    is_recent = m.day > snaps.c.lo30
    query = (
        select(
            m.employee_id,
            snaps.c.k,
            m.metric,
            func.avg(case((is_recent, m.value), else_=None)),
            func.avg(case((is_recent, None), else_=m.value)),
        )
        .select_from(snaps)
        .join(m, and_(m.day > snaps.c.lo90, m.day <= snaps.c.s, m.metric.in_(list(names))))
        .group_by(m.employee_id, snaps.c.k, m.metric)
    )
    return list(session.execute(query))


def _pulses(session: Session, snaps: Any) -> list[tuple[Any, ...]]:
    a = SurveyAnswer
    window = and_(a.answered_on > snaps.c.lo180, a.answered_on <= snaps.c.s, a.question_key.in_(("enps", "stress")))
    latest = (
        select(a.employee_id, snaps.c.k, a.question_key, func.max(a.answered_on).label("on"))
        .select_from(snaps)
        .join(a, window)
        .group_by(a.employee_id, snaps.c.k, a.question_key)
        .subquery()
    )
    query = (
        select(latest.c.employee_id, latest.c.k, latest.c.question_key, func.avg(a.value))
        .select_from(latest)
        .join(
            a,
            and_(
                a.employee_id == latest.c.employee_id,
                a.question_key == latest.c.question_key,
                a.answered_on == latest.c.on,
            ),
        )
        .group_by(latest.c.employee_id, latest.c.k, latest.c.question_key)
    )
    return list(session.execute(query))


def _tags(session: Session, snaps: Any) -> list[tuple[Any, ...]]:
    t = Tag
    query = (
        select(t.employee_id, snaps.c.k, func.count(t.id))
        .select_from(snaps)
        .join(t, and_(t.raised_on > snaps.c.lo90, t.raised_on <= snaps.c.s, t.rule_id.not_in(RISK_RULES)))
        .group_by(t.employee_id, snaps.c.k)
    )
    return list(session.execute(query))


class _Rows:
    """Finds the row of (employee id, snapshot index) pairs by binary search over one int64 key.

    Why not a dict of tuples: at 100,000 people × 24 months that dict alone held millions of
    Python tuples; two int64 arrays do the same lookup vectorised in a fraction of the memory.
    """

    def __init__(self, emp: np.ndarray, k: np.ndarray) -> None:
        self.width = int(emp.max()) + 1 if len(emp) else 1
        keys = k * self.width + emp
        self.order = np.argsort(keys, kind="stable")
        self.sorted = keys[self.order]

    def find(self, emp: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row indices of the pairs that are rows, and the mask of which pairs those were."""
        if not len(self.sorted) or not len(emp):
            return np.zeros(0, dtype=np.int64), np.zeros(len(emp), dtype=bool)
        query = k * self.width + emp
        at = np.minimum(np.searchsorted(self.sorted, query), len(self.sorted) - 1)
        hit = (self.sorted[at] == query) & (emp < self.width)
        return self.order[at[hit]], hit


def _columns(result: list[tuple[Any, ...]], width: int) -> np.ndarray:
    """A query result as a float64 matrix (NULL → 0; Decimal sums → float)."""
    if not result:
        return np.zeros((0, width), dtype=np.float64)
    return np.nan_to_num(np.array(result, dtype=np.float64), nan=0.0)


def person_periods(
    session: Session, snapshots: Sequence[date], *, label_days: int | None, metrics: Sequence[str]
) -> PersonPeriods:
    """The rows of every snapshot (labels over ``label_days`` after it, or none when None)."""
    snaps = _snaps(snapshots)
    pop = _population(session, snaps, label_days)
    n = len(pop)
    x = np.zeros((n, len(FEATURES)), dtype=np.float64)
    col = {name: j for j, name in enumerate(FEATURES)}
    emp = np.fromiter((r[0] for r in pop), dtype=np.int64, count=n)
    k = np.fromiter((r[1] for r in pop), dtype=np.int64, count=n)
    hired = np.fromiter((r[2].toordinal() if r[2] is not None else -1 for r in pop), dtype=np.int64, count=n)
    y = np.fromiter((r[3] for r in pop), dtype=np.int64, count=n) if label_days is not None else None
    del pop  # millions of tuples at scale: free them before the feature queries run
    snap_day = np.array([s.toordinal() for s in snapshots], dtype=np.int64)
    known = hired >= 0
    tenure = (snap_day[k] - hired) / 365.25
    # Unknown hire date: a settled employee (3 years), not a new one.
    x[:, col["tenure_years"]] = np.where(known, tenure, 3.0)
    x[:, col["first_year"]] = (known & (tenure < 1.0)).astype(np.float64)
    rows = _Rows(emp, k)

    facts = _columns(_facts(session, snaps), 6)
    j, hit = rows.find(facts[:, 0].astype(np.int64), facts[:, 1].astype(np.int64))
    for c, name in enumerate(("late_nights_30d", "overtime_hours_30d", "late_arrivals_30d", "leave_days_30d")):
        x[j, col[name]] = facts[hit, 2 + c]
    del facts

    found = _metrics(session, snaps, metrics)
    j, hit = rows.find(np.array([r[0] for r in found], dtype=np.int64), np.array([r[1] for r in found], dtype=np.int64))
    changes: dict[int, list[float]] = {}
    for jj, (_e, _k, _metric, recent, prior) in zip(
        j.tolist(), (r for r, h in zip(found, hit, strict=True) if h), strict=True
    ):
        if recent is not None and prior:
            changes.setdefault(jj, []).append(max(-1.0, min(1.0, (float(recent) - float(prior)) / abs(float(prior)))))
    for jj, values_ in changes.items():
        x[jj, col["perf_change"]] = sum(values_) / len(values_)

    answers = _pulses(session, snaps)
    j, hit = rows.find(
        np.array([r[0] for r in answers], dtype=np.int64), np.array([r[1] for r in answers], dtype=np.int64)
    )
    for jj, (_e, _k, key, value) in zip(j.tolist(), (r for r, h in zip(answers, hit, strict=True) if h), strict=True):
        if value is not None:
            if key == "enps":
                x[jj, col["enps_low"]] = 1.0 if float(value) <= 6 else 0.0
            else:
                x[jj, col["stress_high"]] = 1.0 if float(value) >= 8 else 0.0

    tags = _columns(_tags(session, snaps), 3)
    j, hit = rows.find(tags[:, 0].astype(np.int64), tags[:, 1].astype(np.int64))
    x[j, col["care_tags_90d"]] = tags[hit, 2]
    return PersonPeriods(emp, list(snapshots), k, x, y)


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every month from ``first``'s month on, up to ``last`` inclusive."""
    out = []
    day = first.replace(day=1)
    if day < first:
        day = (day + timedelta(days=32)).replace(day=1)
    while day <= last:
        out.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return out
