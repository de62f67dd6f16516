"""The new hire's own journey: steps done, the next step, feedback they may read, milestones reached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import journey_file as definition
from bot.core.runtime import Runtime
from bot.journeys.compose import People, title
from bot.journeys.schedule import shift
from bot.journeys.views import ORDER, journey_of
from bot.models import Employee, JourneyStep

MILESTONE_DAYS = (7, 30, 60, 90)
CLOSED = ("done", "skipped")
OPEN = ("pending", "sent", "overdue")


@dataclass(frozen=True)
class Feedback:
    """A note on a done step whose ``visible_to`` names the new hire (e.g. the mentor's first talk)."""

    step_title: str
    role: str
    done_on: date | None
    note: str


@dataclass(frozen=True)
class Milestone:
    """Day N of the journey (workdays from the hire date, as the journey counts) or probation passed."""

    key: str  # day_7 | day_30 | day_60 | day_90 | probation
    on: date


@dataclass(frozen=True)
class Progress:
    """Where the new hire's journey stands."""

    done: int
    total: int
    next_title: str | None
    next_due: date | None
    feedback: tuple[Feedback, ...]


def progress(runtime: Runtime, session: Session, hire: Employee, locale: str) -> Progress | None:
    """The hire's journey progress, or None without a journey."""
    journey = journey_of(session, hire.id)
    if journey is None:
        return None
    journey_def = definition.get(runtime.settings.onboarding.journey_file)
    people = People.of(session, hire, locale)
    steps = list(
        session.scalars(
            select(JourneyStep)
            .where(JourneyStep.journey_id == journey.id, JourneyStep.status != "cancelled")
            .order_by(ORDER, JourneyStep.due_on, JourneyStep.day, JourneyStep.id)
        )
    )
    upcoming = next((s for s in steps if s.status in OPEN), None)
    next_spec = journey_def.step(upcoming.step_key) if upcoming else None
    feedback = []
    for step in steps:
        spec = journey_def.step(step.step_key)
        # Only what the journey file lets the new hire read, and never their own answers echoed back.
        if spec is None or "new_hire" not in spec.visible_to or spec.assignee == "new_hire":
            continue
        if step.status == "done" and step.note:
            feedback.append(Feedback(title(spec, people, locale), spec.assignee, step.done_on, step.note))
    return Progress(
        done=sum(1 for s in steps if s.status in CLOSED),
        total=len(steps),
        next_title=title(next_spec, people, locale) if next_spec else None,
        next_due=upcoming.due_on if upcoming else None,
        feedback=tuple(feedback),
    )


def milestones(runtime: Runtime, hire: Employee, today: date) -> list[Milestone]:
    """Milestones reached by ``today``: journey days 7/30/60/90, and probation once it has ended in post."""
    if hire.hired_on is None:
        return []
    out = []
    for n in MILESTONE_DAYS:
        on = shift(runtime.calendar, hire.hired_on, n)
        if on <= today:
            out.append(Milestone(f"day_{n}", on))
    ends = hire.probation_ends_on
    if ends is not None and ends < today and hire.status == "active":
        out.append(Milestone("probation", ends))
    return out
