"""Reading tasks: a person's open tasks by number, the next number, one task by number."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.models import Employee, Journey, JourneyStep

OPEN = ("sent", "overdue")


def next_task_no(session: Session, assignee_id: int) -> int:
    """The next per-assignee task number (1, 2, …); numbers are never reused, so "/完成 3" stays unambiguous."""
    current = session.scalar(select(func.max(JourneyStep.task_no)).where(JourneyStep.assignee_id == assignee_id))
    return int(current or 0) + 1


def open_tasks(session: Session, person_id: int) -> list[tuple[JourneyStep, Employee]]:
    """The person's open tasks (and others' overdue tasks escalated to them), with the new hire, by number."""
    stmt = (
        select(JourneyStep, Employee)
        .join(Journey, Journey.id == JourneyStep.journey_id)
        .join(Employee, Employee.id == Journey.employee_id)
        .where(
            Journey.status == "active",
            JourneyStep.status.in_(OPEN),
            JourneyStep.survey_id.is_(None),
            or_(JourneyStep.assignee_id == person_id, JourneyStep.escalated_to_id == person_id),
        )
        .order_by(JourneyStep.assignee_id != person_id, JourneyStep.task_no, JourneyStep.id)
    )
    return [(step, hire) for step, hire in session.execute(stmt).all()]


def by_number(session: Session, person_id: int, number: int) -> JourneyStep | None:
    """The person's task with ``number`` (open or not, so a late note can be added)."""
    return session.scalar(
        select(JourneyStep).where(JourneyStep.assignee_id == person_id, JourneyStep.task_no == number)
    )
