"""A journey as JSON (``GET /api/v1/journeys/<userid>``) and the dashboard's list of journeys in progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.core import journey_file as definition
from bot.core.journey_file import StepDef
from bot.core.runtime import Runtime
from bot.journeys.compose import People, title
from bot.models import Employee, Journey, JourneyStep
from bot.privacy import Category, Level

ORDER = case((JourneyStep.due_on.is_(None), 1), else_=0)


def journey_of(session: Session, employee_id: int) -> Journey | None:
    return session.scalar(select(Journey).where(Journey.employee_id == employee_id))


# Notes written on people-care steps are about the new hire ("适应较慢，需要多带"): care notes.
CARE_ROLES = frozenset({"hr", "mentor", "manager"})


def note_category(spec: StepDef | None, assignee_role: str) -> Category:
    """The policy category of a step's note.

    HR check-ins, mentor talks and evaluations, and manager reviews are notes about the person
    (``care_note``, sensitive); a new hire's own pulse step only says whether they answered
    (``participation``); logistics (desk, accounts) are plain ``care_action``. An unknown step
    (removed from the journey file) fails closed as a care note.
    """
    if spec is None or spec.is_evaluation or assignee_role in CARE_ROLES:
        return Category.CARE_NOTE
    if assignee_role == "new_hire":
        return Category.PARTICIPATION
    return Category.CARE_ACTION


def journey_dict(
    runtime: Runtime,
    session: Session,
    journey: Journey,
    hire: Employee,
    locale: str,
    may_read: Callable[[Category], Level],
) -> dict[str, Any]:
    """The contract shape: ``{userid, journey, started_on, steps: [{id, day, due_on, assignee_role, assignee,
    title, status, done_on, note}]}``; ``assignee`` is the person's userid once the task was sent.

    ``may_read`` is the viewer's level per category (the visibility policy): a note is shown only
    when its :func:`note_category` is ``full``, otherwise it is ``None``.
    """
    journey_def = definition.get(runtime.settings.onboarding.journey_file)
    people = People.of(session, hire, locale)
    steps = session.scalars(
        select(JourneyStep)
        .where(JourneyStep.journey_id == journey.id)
        .order_by(ORDER, JourneyStep.due_on, JourneyStep.day, JourneyStep.id)
    )
    assignee_ids = set()
    rows = list(steps)
    assignee_ids = {s.assignee_id for s in rows if s.assignee_id}
    userids = (
        dict(session.execute(select(Employee.id, Employee.userid).where(Employee.id.in_(assignee_ids))).all())
        if assignee_ids
        else {}
    )
    out = []
    for step in rows:
        spec = journey_def.step(step.step_key)
        out.append(
            {
                "id": step.id,
                "day": step.day,
                "due_on": step.due_on.isoformat() if step.due_on else None,
                "assignee_role": step.assignee_role,
                "assignee": userids.get(step.assignee_id) if step.assignee_id else None,
                "title": title(spec, people, locale) if spec else step.step_key,
                "status": step.status,
                "done_on": step.done_on.isoformat() if step.done_on else None,
                "note": step.note if may_read(note_category(spec, step.assignee_role)) is Level.FULL else None,
            }
        )
    return {"userid": hire.userid, "journey": journey.name, "started_on": journey.started_on.isoformat(), "steps": out}


@dataclass(frozen=True)
class InProgress:
    """One active journey for the dashboard."""

    userid: str
    name: str
    hired_on: date | None
    started_on: date
    done: int
    total: int
    overdue: int
    next_due: date | None


def in_progress(session: Session, limit: int = 200) -> list[InProgress]:
    """Active journeys, those with overdue steps first (most overdue first), then by the next due step."""
    counts = (
        select(
            JourneyStep.journey_id.label("jid"),
            func.count().label("total"),
            func.sum(case((JourneyStep.status.in_(("done", "skipped")), 1), else_=0)).label("done"),
            func.sum(case((JourneyStep.status == "overdue", 1), else_=0)).label("overdue"),
            func.min(case((JourneyStep.status.in_(("pending", "sent", "overdue")), JourneyStep.due_on))).label("nxt"),
        )
        .group_by(JourneyStep.journey_id)
        .subquery()
    )
    rows = session.execute(
        select(Employee.userid, Employee.name, Employee.hired_on, Journey.started_on, counts)
        .join(Journey, Journey.employee_id == Employee.id)
        .join(counts, counts.c.jid == Journey.id)
        .where(Journey.status == "active")
        .order_by(counts.c.overdue.desc(), counts.c.nxt, Employee.name)
        .limit(limit)
    )
    return [
        InProgress(
            r.userid, r.name, r.hired_on, r.started_on, int(r.done or 0), int(r.total), int(r.overdue or 0), r.nxt
        )
        for r in rows
    ]
