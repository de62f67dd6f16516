"""Who gets a pulse on a given day: weekly for new hires, fortnightly otherwise, per-department overrides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, func, or_, select, true
from sqlalchemy.orm import Session

from bot.core import journey_file as definition
from bot.core.config import SurveysSection
from bot.core.runtime import Runtime
from bot.models import Department, Employee, Journey, Survey
from bot.people.leave import on_leave


@dataclass(frozen=True)
class Candidate:
    """An employee due for a pulse and what the choice of questions needs."""

    employee_id: int
    userid: str
    name: str
    locale: str | None


def interval_days(cfg: SurveysSection, department: str | None, hired_on: date | None, day: date) -> int:
    """Days between two pulses for one person on ``day``."""
    regular = cfg.department_interval_days.get(department or "", cfg.interval_days)
    is_new = hired_on is not None and (day - hired_on).days < cfg.new_hire_days
    return min(regular, cfg.new_hire_interval_days) if is_new else regular


def due_on(runtime: Runtime, session: Session, day: date) -> list[Candidate]:
    """Active, not paused, not on leave employees whose last pulse is at least one interval old."""
    cfg = runtime.settings.surveys
    onboarding = runtime.settings.onboarding
    # A new hire in a journey gets the journey's weekly pulse instead of the regular cadence.
    in_journey = (
        exists().where(Journey.employee_id == Employee.id, Journey.status == "active")
        if onboarding.enabled and any(s.is_pulse for s in definition.get(onboarding.journey_file).expanded())
        else None
    )
    last = (
        select(Survey.employee_id, func.max(Survey.scheduled_on).label("last_on"))
        .group_by(Survey.employee_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Employee.id,
            Employee.userid,
            Employee.name,
            Employee.locale,
            Employee.hired_on,
            Department.name.label("department"),
            last.c.last_on,
        )
        .outerjoin(Department, Department.id == Employee.department_id)
        .outerjoin(last, last.c.employee_id == Employee.id)
        .where(
            Employee.status == "active",
            Employee.surveys_paused.is_(False),
            or_(Employee.hired_on.is_(None), Employee.hired_on <= day),
            ~in_journey if in_journey is not None else true(),
        )
        .order_by(Employee.id)
    ).all()
    due = [
        r
        for r in rows
        # A survey planned for a later day (``--date`` in the future) also counts as "not due yet".
        if r.last_on is None
        or (r.last_on < day and day - r.last_on >= timedelta(days=interval_days(cfg, r.department, r.hired_on, day)))
    ]
    away = on_leave(runtime, session, [r.id for r in due], day)
    return [Candidate(r.id, r.userid, r.name, r.locale) for r in due if r.id not in away]
