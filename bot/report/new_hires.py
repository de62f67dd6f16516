"""Section 6, new hires: journeys started, journey steps done on time by role, and hire cohorts.

*On time*: done on or before the step's deadline — ``due_workdays`` workdays after it was due, or
the due day itself for a step without one. Steps skipped as not applicable or cancelled count
nowhere. A role's figures are suppressed when they concern fewer than ``min_group`` new hires.

*Cohorts*: the months in which people were hired, from eleven months before the period's last
month up to it (or from the period's start when it is longer), with outcomes as known on the
period's last day. The probation pass rate is over the people whose probation has ended by then:
*passed* when they were still employed after its end day. The early-leaver rate is over the people
whose first ``EARLY_DAYS`` days are over: those who left within them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core import journey_file as definition
from bot.core.runtime import Runtime
from bot.journeys.schedule import overdue_on
from bot.models import Employee, Journey, JourneyStep
from bot.report.model import HireCohort, NewHires, RoleSteps
from bot.report.period import Period

EARLY_DAYS = 90
ROLE_ORDER = ("admin", "it", "manager", "mentor", "hr", "new_hire")


@dataclass
class _Tally:
    hires: set[int]
    due: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0


def _steps(runtime: Runtime, session: Session, period: Period, min_group: int) -> tuple[RoleSteps, ...]:
    journey_def = definition.get(runtime.settings.onboarding.journey_file)
    rows = session.execute(
        select(JourneyStep.journey_id, JourneyStep.step_key, JourneyStep.assignee_role, JourneyStep.due_on)
        .add_columns(JourneyStep.status, JourneyStep.done_on)
        .where(
            JourneyStep.due_on.between(period.start, period.end),
            JourneyStep.status.in_(("pending", "sent", "overdue", "done")),
        )
    )
    tallies: dict[str, _Tally] = defaultdict(lambda: _Tally(set()))
    for journey_id, key, role, due, status, done_on in rows:
        spec = journey_def.step(key)
        deadline = overdue_on(runtime.calendar, due, spec.due_workdays if spec else None) or due
        tally = tallies[role]
        tally.hires.add(int(journey_id))
        tally.due += 1
        if status != "done":
            tally.open += 1
        elif done_on is not None and done_on <= deadline:
            tally.on_time += 1
        else:
            tally.late += 1
    rank = {r: i for i, r in enumerate(ROLE_ORDER)}
    out = []
    for role in sorted(tallies, key=lambda r: (rank.get(r, 99), r)):
        t = tallies[role]
        if len(t.hires) < min_group:
            out.append(RoleSteps(role, len(t.hires), True, None, None, None, None))
        else:
            out.append(RoleSteps(role, len(t.hires), False, t.due, t.on_time, t.late, t.open))
    return tuple(out)


def _first_month(period: Period) -> date:
    year, month = period.end.year, period.end.month - 11
    if month < 1:
        year, month = year - 1, month + 12
    return min(date(year, month, 1), period.start.replace(day=1))


def _cohorts(session: Session, period: Period, min_group: int) -> tuple[HireCohort, ...]:
    end = period.end
    rows = session.execute(
        select(Employee.hired_on, Employee.probation_ends_on, Employee.left_on).where(
            Employee.hired_on.between(_first_month(period), end),
            # A leave day before the hire day is a data error: leave such rows out rather than guess.
            (Employee.left_on.is_(None)) | (Employee.left_on >= Employee.hired_on),
        )
    )
    months: dict[str, list[tuple[date, date | None, date | None]]] = defaultdict(list)
    for hired_on, probation_ends_on, left_on in rows:
        if hired_on is None:
            continue
        # Only what was known on the period's last day: a later leave has not happened yet.
        left = left_on if left_on is not None and left_on <= end else None
        months[hired_on.strftime("%Y-%m")].append((hired_on, probation_ends_on, left))
    out = []
    for month in sorted(months):
        people = months[month]
        if len(people) < min_group:
            out.append(HireCohort(month, len(people), True, None, None, None, None))
            continue
        # Only people whose probation (or first EARLY_DAYS days) is over count: a young cohort's
        # early departures alone would otherwise make its rates look far worse than they are.
        decided = [(ends, left) for _, ends, left in people if ends is not None and ends <= end]
        passed = sum(1 for ends, left in decided if left is None or left > ends)
        observed = [(hired, left) for hired, _, left in people if hired + timedelta(days=EARLY_DAYS) <= end]
        early = sum(1 for hired, left in observed if left is not None and left <= hired + timedelta(days=EARLY_DAYS))
        out.append(HireCohort(month, len(people), False, len(decided), passed, len(observed), early))
    return tuple(out)


def new_hires(runtime: Runtime, session: Session, period: Period, min_group: int) -> NewHires:
    """Section 6 of the report for ``period``."""
    started = session.scalar(
        select(func.count()).select_from(Journey).where(Journey.started_on.between(period.start, period.end))
    )
    return NewHires(
        journeys_started=int(started or 0),
        early_days=EARLY_DAYS,
        steps=_steps(runtime, session, period, min_group),
        cohorts=_cohorts(session, period, min_group),
    )
