"""The figures behind the dashboard's charts: aggregates only, within the viewer's scope.

Every function returns plain numbers; :mod:`handlers.dashboard.charts` turns them into SVG. Groups
smaller than ``[report].min_group_size`` (k ≥ 5) are returned as ``None`` so no chart can single
anyone out (a department × rule cell of 2 people, a pulse week with 3 answers).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from bot.models import CareAction, Department, Employee, Reminder, SurveyAnswer, Tag
from handlers.api.tags import active_on

TOP_RULES = 6
OTHER = "__other__"


def week_starts(today: date, weeks: int) -> list[date]:
    """The Mondays of the last ``weeks`` weeks, oldest first (this week's included)."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def month_starts(today: date, months: int) -> list[date]:
    """The first days of the last ``months`` months, oldest first (this month's included)."""
    out, y, m = [], today.year, today.month
    for _ in range(months):
        out.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return list(reversed(out))


def active_tags_by_rule(
    s: Session, scope: ColumnElement[bool], days: list[date]
) -> tuple[list[str], dict[str, list[float | None]]]:
    """Tags active on each of ``days`` by rule: the busiest rules by name, the rest as ``OTHER``."""
    counts: dict[str, list[float | None]] = defaultdict(lambda: [0.0] * len(days))
    for i, day in enumerate(days):
        rows = s.execute(
            select(Tag.rule_id, func.count())
            .join(Employee, Employee.id == Tag.employee_id)
            .where(active_on(day), scope)
            .group_by(Tag.rule_id)
        ).all()
        for rule_id, n in rows:
            counts[rule_id][i] = float(n)
    ranked = sorted(counts, key=lambda r: (-sum(v or 0 for v in counts[r]), r))
    top, rest = ranked[:TOP_RULES], ranked[TOP_RULES:]
    out = {r: counts[r] for r in top}
    if rest:
        out[OTHER] = [float(sum(counts[r][i] or 0 for r in rest)) for i in range(len(days))]
    return list(out), out


def department_by_rule(
    s: Session, scope: ColumnElement[bool], since: date, today: date, k: int
) -> tuple[list[str], list[str], dict[tuple[str, str], int | None]]:
    """People tagged since ``since`` by department × rule; cells of 1..k−1 people are ``None``."""
    rows = s.execute(
        select(Department.name, Tag.rule_id, func.count(func.distinct(Tag.employee_id)))
        .join(Employee, Employee.id == Tag.employee_id)
        .join(Department, Department.id == Employee.department_id)
        .where(Tag.raised_on >= since, Tag.raised_on <= today, scope)
        .group_by(Department.name, Tag.rule_id)
    ).all()
    cells: dict[tuple[str, str], int | None] = {}
    totals: dict[str, int] = defaultdict(int)
    for dept, rule_id, n in rows:
        cells[(dept, rule_id)] = n if n >= k else None
        totals[rule_id] += n
    departments = sorted({d for d, _, _ in rows})
    rules = sorted(totals, key=lambda r: (-totals[r], r))
    return departments, rules, cells


@dataclass(frozen=True)
class Funnel:
    """Reminders created since a day, and what became of them; hours from send to action."""

    created: int
    sent: int
    acted: int
    done: int
    dismissed: int
    snoozed_open: int
    hours_to_act: list[float]


def reminder_funnel(s: Session, scope: ColumnElement[bool], since: datetime) -> Funnel:
    """The reminder funnel of reminders created at or after ``since`` (about people in scope)."""
    base = (
        select(Reminder.status, Reminder.sent_at, Reminder.acted_at)
        .join(Tag, Tag.id == Reminder.tag_id)
        .join(Employee, Employee.id == Tag.employee_id)
        .where(Reminder.created_at >= since, scope)
    )
    rows = s.execute(base).all()
    sent = [r for r in rows if r.sent_at is not None]
    acted = [r for r in sent if r.status in ("done", "dismissed") and r.acted_at is not None]
    hours = [max(0.0, (r.acted_at - r.sent_at).total_seconds() / 3600) for r in acted]
    return Funnel(
        created=len(rows),
        sent=len(sent),
        acted=len(acted),
        done=sum(1 for r in acted if r.status == "done"),
        dismissed=sum(1 for r in acted if r.status == "dismissed"),
        snoozed_open=sum(1 for r in sent if r.status in ("open", "snoozed")),
        hours_to_act=hours,
    )


HOUR_BUCKETS = ((1, "<1h"), (4, "1–4h"), (9, "4–9h"), (24, "9–24h"), (72, "1–3d"), (10**9, ">3d"))


def bucket_hours(hours: list[float]) -> list[tuple[str, float]]:
    """Counts of ``hours`` in the buckets of :data:`HOUR_BUCKETS`."""
    out = []
    low = 0.0
    for high, label in HOUR_BUCKETS:
        out.append((label, float(sum(1 for h in hours if low <= h < high))))
        low = high
    return out


def pulse_weekly(
    s: Session, scope: ColumnElement[bool], weeks: list[date], keys: tuple[str, ...], k: int
) -> dict[str, list[float | None]]:
    """Mean answer per question and week; weeks with fewer than ``k`` respondents are ``None``."""
    start, end = weeks[0], weeks[-1] + timedelta(days=7)
    rows = s.execute(
        select(SurveyAnswer.question_key, SurveyAnswer.answered_on, SurveyAnswer.employee_id, SurveyAnswer.value)
        .join(Employee, Employee.id == SurveyAnswer.employee_id)
        .where(
            SurveyAnswer.question_key.in_(keys),
            SurveyAnswer.value.is_not(None),
            SurveyAnswer.answered_on >= start,
            SurveyAnswer.answered_on < end,
            scope,
        )
    ).all()
    acc: dict[tuple[str, int], list[float]] = defaultdict(list)
    people: dict[tuple[str, int], set[int]] = defaultdict(set)
    for key, day, emp_id, value in rows:
        if value is None:
            continue
        idx = (day - start).days // 7
        acc[(key, idx)].append(float(value))
        people[(key, idx)].add(emp_id)
    out: dict[str, list[float | None]] = {}
    for key in keys:
        series: list[float | None] = []
        for i in range(len(weeks)):
            values = acc.get((key, i), [])
            series.append(round(sum(values) / len(values), 2) if len(people[(key, i)]) >= k else None)
        out[key] = series
    return out


@dataclass(frozen=True)
class MonthTurnover:
    """Leavers of one month: cared for before leaving, tagged but not cared for, never tagged."""

    month: date
    cared: int
    not_cared: int
    untagged: int
    headcount: int
    holdout: int = 0  # evaluation mode: their reminders were held back on purpose

    @property
    def left(self) -> int:
        return self.cared + self.not_cared + self.untagged + self.holdout


def turnover_by_month(
    s: Session, scope: ColumnElement[bool], months: list[date], window_days: int
) -> list[MonthTurnover]:
    """Leavers per month split by whether a reminder about them was followed up in the window before."""
    out = []
    for i, first in enumerate(months):
        nxt = months[i + 1] if i + 1 < len(months) else date(first.year + first.month // 12, first.month % 12 + 1, 1)
        rows = s.execute(
            select(Employee.id, Employee.left_on).where(Employee.left_on >= first, Employee.left_on < nxt, scope)
        ).all()
        cared = not_cared = untagged = holdout = 0
        for emp_id, left_on in rows:
            if left_on is None:
                continue
            since = left_on - timedelta(days=window_days)
            care = s.scalar(
                select(CareAction.id)
                .where(
                    CareAction.employee_id == emp_id,
                    CareAction.kind.in_(("done", "talk")),
                    CareAction.acted_at >= datetime.combine(since, time(0), UTC),
                )
                .limit(1)
            )
            tagged = s.scalar(
                select(Tag.id).where(and_(Tag.employee_id == emp_id, Tag.raised_on.between(since, left_on))).limit(1)
            )
            held = s.scalar(
                select(Reminder.id)
                .join(Tag, Tag.id == Reminder.tag_id)
                .where(Tag.employee_id == emp_id, Reminder.status == "held_out", Tag.raised_on.between(since, left_on))
                .limit(1)
            )
            if care is not None:
                cared += 1
            elif held is not None:
                holdout += 1
            elif tagged is not None:
                not_cared += 1
            else:
                untagged += 1
        headcount = (
            s.scalar(
                select(func.count())
                .select_from(Employee)
                .where(
                    scope,
                    func.coalesce(Employee.hired_on, first) <= first,
                    (Employee.left_on.is_(None)) | (Employee.left_on >= first),
                )
            )
            or 0
        )
        out.append(MonthTurnover(first, cared, not_cared, untagged, headcount, holdout))
    return out
