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


def team_pulse(session: Session, period: Period, min_group: int) -> tuple[list[TeamPulseRow], list[TeamPulseRow]]:
    """Team-pulse means answered in the period, company-wide and per department, hidden below ``min_group``."""
    base = (
        SurveyAnswer.mode == "team",
        SurveyAnswer.value.is_not(None),
        SurveyAnswer.answered_on.between(period.start, period.end),
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
    company_rows = [_row(key, None, n, avg, min_group) for key, n, avg in company]
    department_rows = _hide_complements(
        company_rows, [_row(key, dept, n, avg, min_group) for dept, key, n, avg in departments], min_group
    )
    # Sorted here, by code point: database collations order Chinese names differently.
    return (
        sorted(company_rows, key=lambda r: r.question),
        sorted(department_rows, key=lambda r: (r.department or "", r.question)),
    )


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
