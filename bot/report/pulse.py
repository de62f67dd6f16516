"""Pulse figures: check-in answers around care (difference in differences) and team-pulse aggregates.

Check-in answers are identified, but only group means leave this module; team-pulse answers are
only ever averaged over at least ``min_group`` distinct respondents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.models import Department, Employee, Reminder, SurveyAnswer, Tag
from bot.privacy import aggregates
from bot.report.model import GroupChange, PulseChange, TeamPulseRow
from bot.report.period import Period

PULSE_QUESTIONS = ("mood", "stress")  # the check-ins whose change after care the report measures

# (employee id, question key) -> {answered_on: (sum of values, number of answers)}
Answers = dict[tuple[int, str], dict[date, tuple[float, int]]]


def _checkin_answers(session: Session, period: Period, window: int) -> Answers:
    """Daily sums of the mood/stress check-ins of everyone cared for or tagged in the period."""
    cared = (
        select(Tag.employee_id)
        .join(Reminder, Reminder.tag_id == Tag.id)
        .where(Reminder.status == "done", Reminder.acted_at >= period.start_at, Reminder.acted_at < period.end_at)
    )
    tagged = select(Tag.employee_id).where(Tag.raised_on.between(period.start, period.end))
    rows = session.execute(
        select(
            SurveyAnswer.employee_id,
            SurveyAnswer.question_key,
            SurveyAnswer.answered_on,
            func.sum(SurveyAnswer.value),
            func.count(SurveyAnswer.value),
        )
        .where(
            SurveyAnswer.mode == "checkin",
            SurveyAnswer.question_key.in_(PULSE_QUESTIONS),
            SurveyAnswer.value.is_not(None),
            SurveyAnswer.answered_on.between(
                period.start - timedelta(days=window - 1), period.end + timedelta(days=window)
            ),
            or_(SurveyAnswer.employee_id.in_(cared), SurveyAnswer.employee_id.in_(tagged)),
        )
        .group_by(SurveyAnswer.employee_id, SurveyAnswer.question_key, SurveyAnswer.answered_on)
    )
    out: Answers = defaultdict(dict)
    for emp, key, day, total, count in rows:
        if total is not None:
            out[(int(emp), key)][day] = (float(total), int(count))
    return out


def _group_change(
    answers: Answers, refs: Mapping[int, date], question: str, window: int, min_group: int
) -> GroupChange:
    """Mean of per-person means before (ref−window+1..ref) and after (ref+1..ref+window)."""
    befores: list[float] = []
    afters: list[float] = []
    for emp, ref in refs.items():
        days = answers.get((emp, question))
        if not days:
            continue
        before = [v for d, v in days.items() if ref - timedelta(days=window) < d <= ref]
        after = [v for d, v in days.items() if ref < d <= ref + timedelta(days=window)]
        if before and after:
            befores.append(sum(s for s, _ in before) / sum(n for _, n in before))
            afters.append(sum(s for s, _ in after) / sum(n for _, n in after))
    people = len(befores)
    if people < min_group:
        return GroupChange(people, True, None, None)
    return GroupChange(people, False, sum(befores) / people, sum(afters) / people)


def pulse_changes(
    session: Session,
    period: Period,
    cared: Mapping[int, date],
    not_cared: Mapping[int, date],
    *,
    window: int,
    min_group: int,
) -> tuple[PulseChange, ...]:
    """Per question, the cared and the not-acted-on groups' change, in one query for the answers."""
    answers = _checkin_answers(session, period, window) if cared or not_cared else {}
    return tuple(
        PulseChange(
            question,
            _group_change(answers, cared, question, window, min_group),
            _group_change(answers, not_cared, question, window, min_group),
        )
        for question in PULSE_QUESTIONS
    )


Cell = tuple[str | None, str]  # (department or None for the company, question)


def _month_counts(session: Session, first: date, last: date) -> dict[Cell, int]:
    """Distinct team-pulse respondents per (department, question) in one window, and company-wide."""
    base = (
        SurveyAnswer.mode == "team",
        SurveyAnswer.value.is_not(None),
        SurveyAnswer.answered_on.between(first, last),
    )
    people = func.count(func.distinct(SurveyAnswer.employee_id))
    out: dict[Cell, int] = {}
    for key, n in session.execute(
        select(SurveyAnswer.question_key, people).where(*base).group_by(SurveyAnswer.question_key)
    ):
        out[(None, key)] = int(n)
    for dept, key, n in session.execute(
        select(Department.name, SurveyAnswer.question_key, people)
        .join(Employee, Employee.id == SurveyAnswer.employee_id)
        .join(Department, Department.id == Employee.department_id)
        .where(*base)
        .group_by(Department.name, SurveyAnswer.question_key)
    ):
        out[(dept, key)] = int(n)
    return out


def team_pulse(
    session: Session, period: Period, min_group: int, today: date
) -> tuple[list[TeamPulseRow], list[TeamPulseRow], tuple[date, date] | None]:
    """Team-pulse means over the closed half-month windows the period touches, hidden below ``min_group``.

    Fixed windows and complementary suppression in time (bot/privacy/aggregates.py): a cell is shown
    only if every window it covers has ``min_group`` respondents on its own; counts leave this
    function rounded down to a multiple of 5 and means rounded to one decimal.
    """
    months = aggregates.closed_windows(period.start, period.end, today)
    if not months:
        return [], [], None
    first, last = months[0][0], months[-1][1]
    per_month = [_month_counts(session, m_first, m_last) for m_first, m_last in months]
    cells = set().union(*per_month)
    # A cell's weakest window decides: a window with no answers at all counts as 0 respondents.
    smallest: dict[Cell, int] = {cell: min(counts.get(cell, 0) for counts in per_month) for cell in cells}
    base = (
        SurveyAnswer.mode == "team",
        SurveyAnswer.value.is_not(None),
        SurveyAnswer.answered_on.between(first, last),
    )
    people = func.count(func.distinct(SurveyAnswer.employee_id))
    company = session.execute(
        select(SurveyAnswer.question_key, people, func.avg(SurveyAnswer.value))
        .where(*base)
        .group_by(SurveyAnswer.question_key)
    )
    departments = session.execute(
        select(Department.name, SurveyAnswer.question_key, people, func.avg(SurveyAnswer.value))
        .join(Employee, Employee.id == SurveyAnswer.employee_id)
        .join(Department, Department.id == Employee.department_id)
        .where(*base)
        .group_by(Department.name, SurveyAnswer.question_key)
    )

    def row(question: str, dept: str | None, n: int, avg: float | None) -> TeamPulseRow:
        thin = smallest.get((dept, question), 0) < min_group  # some month alone is too small
        return _row(question, dept, n, None if thin else avg, min_group)

    company_rows = [row(key, None, n, avg) for key, n, avg in company]
    department_rows = _hide_complements(
        company_rows, [row(key, dept, n, avg) for dept, key, n, avg in departments], min_group
    )
    # Sorted here, by code point: database collations order Chinese names differently.
    return (
        sorted((_published(r) for r in company_rows), key=lambda r: r.question),
        sorted((_published(r) for r in department_rows), key=lambda r: (r.department or "", r.question)),
        (first, last),
    )


def _published(row: TeamPulseRow) -> TeamPulseRow:
    """The row as it may leave the report: no exact count, the mean to one decimal."""
    return replace(row, respondents=aggregates.floor_count(row.respondents), average=aggregates.rounded(row.average))


def _hide_complements(
    company: list[TeamPulseRow], departments: list[TeamPulseRow], min_group: int
) -> list[TeamPulseRow]:
    """Hide more departments where the company mean minus the shown ones would expose a small group.

    Company mean and shown department means let anyone work out the mean of everyone else (hidden
    departments, people without one); while that remainder is 1..min_group-1 people, the smallest
    shown department of the question is hidden too.
    """
    totals = {r.question: r.respondents for r in company if not r.suppressed}
    out = list(departments)
    for question, total in totals.items():
        while True:
            shown = [i for i, r in enumerate(out) if r.question == question and not r.suppressed]
            rest = total - sum(out[i].respondents for i in shown)
            if not shown or not 0 < rest < min_group:
                break
            smallest = min(shown, key=lambda i: (out[i].respondents, out[i].department or ""))
            out[smallest] = replace(out[smallest], suppressed=True, average=None)
    return out


def _row(
    question: str, department: str | None, respondents: int, average: float | None, min_group: int
) -> TeamPulseRow:
    if respondents < min_group or average is None:
        return TeamPulseRow(question, department, int(respondents), True, None)
    return TeamPulseRow(question, department, int(respondents), False, float(average))
