"""Starting and cancelling journeys as the directory changes (platform hire event, CSV import, API).

A journey starts for a *new* hire: an employee created now, or an existing active record that
gets its first hire date, whose ``hired_on`` is not older than the journey's first step (with the
default journey: at most two workdays ago), so importing the whole company never starts hundreds
of journeys. A transfer (an update of someone known), a rehire with history (a former employee
made active again) and a leaver start nothing; a leave cancels every open step.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core import journey_file as definition
from bot.core.runtime import Runtime
from bot.journeys.schedule import due_on, shift
from bot.models import Employee, Journey, JourneyStep

log = logging.getLogger(__name__)

OPEN_STEPS = ("pending", "sent", "overdue")


@dataclass(frozen=True)
class Before:
    """What the directory knew about a person before an upsert."""

    status: str
    hired_on: date | None


def snapshot(session: Session, userids: Iterable[str]) -> dict[str, Before]:
    """The known people among ``userids`` as they are now (call before changing them)."""
    wanted = sorted(set(userids))
    if not wanted:
        return {}
    rows = session.execute(
        select(Employee.userid, Employee.status, Employee.hired_on).where(Employee.userid.in_(wanted))
    )
    return {userid: Before(status, hired_on) for userid, status, hired_on in rows}


def earliest_hire(runtime: Runtime, today: date) -> date:
    """The oldest ``hired_on`` that still starts a journey: today shifted by the first step's day."""
    first = definition.get(runtime.settings.onboarding.journey_file).first_day
    return shift(runtime.calendar, today, first) if first < 0 else today


def start(session: Session, runtime: Runtime, employee: Employee, source: str) -> Journey | None:
    """Start the configured journey for ``employee`` if they are a new, active hire without one."""
    cfg = runtime.settings.onboarding
    if not cfg.enabled or employee.status != "active" or employee.hired_on is None:
        return None
    today = runtime.today()
    if employee.hired_on < earliest_hire(runtime, today):
        return None
    if session.scalar(select(Journey.id).where(Journey.employee_id == employee.id)) is not None:
        return None
    journey_def = definition.get(cfg.journey_file)
    journey = Journey(
        employee_id=employee.id,
        name=journey_def.name,
        started_on=today,
        status="active",
        source=source[:16],
        created_at=runtime.clock.now(),
    )
    session.add(journey)
    session.flush()
    for step in journey_def.expanded():
        session.add(
            JourneyStep(
                journey_id=journey.id,
                step_key=step.id,
                day=step.day,
                assignee_role=step.assignee,
                due_on=due_on(runtime.calendar, step, employee),
                status="pending",
                created_at=runtime.clock.now(),
            )
        )
    session.flush()
    log.info("journey %s started for employee %s (%s)", journey.id, employee.id, source)
    return journey


def cancel(session: Session, runtime: Runtime, employee_ids: Iterable[int]) -> int:
    """Cancel the open steps of these employees' active journeys; returns how many journeys ended."""
    ids = sorted(set(employee_ids))
    if not ids:
        return 0
    journeys = list(session.scalars(select(Journey).where(Journey.employee_id.in_(ids), Journey.status == "active")))
    for journey in journeys:
        session.execute(
            update(JourneyStep)
            .where(JourneyStep.journey_id == journey.id, JourneyStep.status.in_(OPEN_STEPS))
            .values(status="cancelled", snoozed_until=None)
            .execution_options(synchronize_session="fetch")
        )
        journey.status, journey.ended_on = "cancelled", runtime.today()
        log.info("journey %s cancelled: employee %s left", journey.id, journey.employee_id)
    session.flush()
    return len(journeys)


def after_upsert(
    session: Session, runtime: Runtime, before: dict[str, Before], userids: Iterable[str], source: str
) -> None:
    """Start journeys for new hires and cancel those of leavers among the upserted ``userids``."""
    wanted = sorted(set(userids))
    if not wanted:
        return
    people = list(session.scalars(select(Employee).where(Employee.userid.in_(wanted))))
    cancel(session, runtime, [p.id for p in people if p.status != "active"])
    if not runtime.settings.onboarding.enabled:
        return
    for person in people:
        prior = before.get(person.userid)
        # New record, or a known active record learning its first hire date; never a rehire or transfer.
        is_new = prior is None or (prior.status == "active" and prior.hired_on is None)
        if is_new and person.status == "active":
            start(session, runtime, person, source)
