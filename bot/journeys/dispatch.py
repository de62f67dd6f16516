"""Dispatch: send the journey steps that are due, re-send overdue ones once, escalate, keep state current.

Called by the scheduler every few minutes and by ``carebot journeys dispatch [--date D]``; every
message has an outbox key, so a repeated run sends nothing twice. Tasks go out only on workdays
inside the reminders' send window, wait while their assignee (or, for the new hire's own steps,
the new hire) is on leave, and count against the per-recipient daily budget the reminders use.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import i18n
from bot.core import journey_file as definition
from bot.core.journey_file import JourneyDef, StepDef
from bot.core.runtime import Runtime
from bot.journeys import pulses
from bot.journeys.assignees import Assignees
from bot.journeys.compose import People, escalation_card, message, task_card
from bot.journeys.schedule import due_on, escalate_on, overdue_on
from bot.journeys.start import cancel
from bot.journeys.tasks import next_task_no
from bot.models import Employee, Journey, JourneyStep
from bot.people.leave import on_leave
from bot.pipeline.outbox import card_payload, enqueue
from bot.reminders.caps import RecipientCap
from bot.reminders.planner import send_window

log = logging.getLogger(__name__)

OPEN = ("pending", "sent", "overdue")


@dataclass
class DispatchResult:
    """What one run did."""

    day: date
    window_open: bool = False
    sent: int = 0
    messages: int = 0
    pulses: int = 0
    woken: int = 0
    resent: int = 0
    escalated: int = 0
    waiting: int = 0
    cancelled: int = 0
    completed: int = 0


def locale_of(runtime: Runtime, person: Employee) -> str:
    return i18n.normalise_locale(person.locale or runtime.settings.app.locale)


def window_open(runtime: Runtime, day: date, now: datetime) -> bool:
    """Whether tasks may go out: ``day`` is a workday and the local time is inside the send window."""
    window = send_window(runtime)
    local = now.astimezone(runtime.tz).time()
    return runtime.calendar.is_workday(day) and window.start <= local < window.end


class _Run:
    def __init__(self, runtime: Runtime, session: Session, day: date, now: datetime) -> None:
        self.runtime, self.session, self.day, self.now = runtime, session, day, now
        self.journey_def: JourneyDef = definition.get(runtime.settings.onboarding.journey_file)
        self.result = DispatchResult(day=day)
        self.assignees = Assignees(runtime, session)
        self.platform = runtime.settings.platform.default
        self.cap: RecipientCap | None = None
        self.away: set[int] = set()

    def spec(self, step: JourneyStep) -> StepDef | None:
        return self.journey_def.step(step.step_key)

    def rows(self, *statuses: str) -> list[tuple[JourneyStep, Journey, Employee]]:
        stmt = (
            select(JourneyStep, Journey, Employee)
            .join(Journey, Journey.id == JourneyStep.journey_id)
            .join(Employee, Employee.id == Journey.employee_id)
            .where(Journey.status == "active", JourneyStep.status.in_(statuses))
            .order_by(JourneyStep.due_on, JourneyStep.id)
        )
        return [(s, j, e) for s, j, e in self.session.execute(stmt).all()]

    def housekeeping(self) -> None:
        """Cancel leavers' journeys, move pending due dates with the directory, follow pulses, close finished."""
        gone = self.session.scalars(
            select(Journey.employee_id)
            .join(Employee, Employee.id == Journey.employee_id)
            .where(Journey.status == "active", Employee.status != "active")
        )
        self.result.cancelled = cancel(self.session, self.runtime, list(gone))
        for step, _journey, hire in self.rows("pending"):
            spec = self.spec(step)
            if spec is not None:
                step.due_on = due_on(self.runtime.calendar, spec, hire)
        pulses.follow(self.runtime, self.session, [s for s, _, _ in self.rows("sent") if s.survey_id], self.day)
        for journey in self.session.scalars(select(Journey).where(Journey.status == "active")):
            left = self.session.scalar(
                select(JourneyStep.id)
                .where(JourneyStep.journey_id == journey.id, JourneyStep.status.in_(OPEN))
                .limit(1)
            )
            if left is None:
                journey.status, journey.ended_on = "completed", self.day
                self.result.completed += 1

    def allowed(self, person: Employee) -> bool:
        """Budget and leave: False (and counted as waiting) when this person must not get one more now."""
        assert self.cap is not None
        if person.status != "active" or person.id in self.away or not self.cap.allows(person.id):
            self.result.waiting += 1
            return False
        return True

    def send_card(
        self, step: JourneyStep, spec: StepDef, hire: Employee, person: Employee, role: str, kind: str
    ) -> None:
        assert self.cap is not None
        locale = locale_of(self.runtime, person)
        people = People.of(self.session, hire, locale)
        deadline = overdue_on(self.runtime.calendar, step.due_on, spec.due_workdays) if step.due_on else None
        note = None
        card_id = f"jstep{step.id}"
        if kind == "resend":
            card_id, note = f"{card_id}-r", i18n.t("journeys.resent_note", locale)
        elif kind == "wake":
            assert step.snoozed_until is not None
            card_id = f"{card_id}-s{int(step.snoozed_until.timestamp())}"
            note = i18n.t("journeys.snoozed_note", locale)
        card = task_card(
            spec,
            step,
            people,
            locale,
            card_id=card_id,
            acting_role=role,
            deadline=deadline,
            note=note,
            overdue=kind == "resend",
        )
        outbox_id = enqueue(
            self.session,
            key=f"journey:{card_id}",
            recipient=person.userid,
            kind="card",
            payload=card_payload(card),
            platform=self.platform,
            not_before=self.now,
        )
        if outbox_id is not None:
            step.card_ref = {"card_id": card_id, "outbox_id": outbox_id, "platform": self.platform}
        self.cap.count(person.id)

    def send_new(self, step: JourneyStep, spec: StepDef, hire: Employee) -> None:
        target = self.assignees.resolve(spec.assignee, hire)
        if target is None:
            log.warning("journey step %s (%s): nobody to send it to", step.id, step.step_key)
            self.result.waiting += 1
            return
        person = target.person
        if spec.is_pulse:
            if hire.id in self.away:
                self.result.waiting += 1
                return
            step.assignee_id = person.id
            if pulses.send(self.runtime, self.session, step, spec, hire, self.now):
                step.status, step.sent_at = "sent", self.now
                self.result.pulses += 1
            else:
                step.status, step.note = "skipped", "surveys paused"
            return
        if not self.allowed(person):
            return
        step.assignee_id = person.id
        if spec.kind == "message":
            locale = locale_of(self.runtime, person)
            title, text = message(spec, People.of(self.session, hire, locale), locale)
            enqueue(
                self.session,
                key=f"journey:jstep{step.id}",
                recipient=person.userid,
                kind="markdown",
                payload={"title": title, "text": text},
                platform=self.platform,
                not_before=self.now,
            )
            assert self.cap is not None
            self.cap.count(person.id)
            step.status, step.sent_at, step.done_on = "done", self.now, self.day
            self.result.messages += 1
            return
        step.task_no = step.task_no or next_task_no(self.session, person.id)
        step.status, step.sent_at = "sent", self.now
        self.session.flush()
        self.send_card(step, spec, hire, person, target.role, "new")
        self.result.sent += 1

    def follow_up(self, step: JourneyStep, spec: StepDef, hire: Employee) -> None:
        """Wake a snoozed task; mark overdue and re-send once; escalate once."""
        person = self.session.get(Employee, step.assignee_id) if step.assignee_id else None
        if person is None or step.due_on is None:
            return
        if step.snoozed_until is not None and step.snoozed_until <= self.now and self.allowed(person):
            self.send_card(step, spec, hire, person, step.assignee_role, "wake")
            step.snoozed_until = None
            self.result.woken += 1
        overdue = overdue_on(self.runtime.calendar, step.due_on, spec.due_workdays)
        if step.status == "sent" and overdue is not None and self.day >= overdue and self.allowed(person):
            step.status, step.resent_at = "overdue", self.now
            self.send_card(step, spec, hire, person, step.assignee_role, "resend")
            self.result.resent += 1
        escalate = escalate_on(self.runtime.calendar, step.due_on, spec.due_workdays)
        if step.status == "overdue" and step.escalated_at is None and escalate is not None and self.day >= escalate:
            self.escalate(step, spec, hire, person, overdue or step.due_on)

    def escalate(self, step: JourneyStep, spec: StepDef, hire: Employee, assignee: Employee, deadline: date) -> None:
        target = self.assignees.escalation(step, hire)
        if target is None or not self.allowed(target.person):
            return
        locale = locale_of(self.runtime, target.person)
        card = escalation_card(spec, step, People.of(self.session, hire, locale), assignee, locale, deadline=deadline)
        enqueue(
            self.session,
            key=f"journey:{card.card_id}",
            recipient=target.person.userid,
            kind="card",
            payload=card_payload(card),
            platform=self.platform,
            not_before=self.now,
        )
        assert self.cap is not None
        self.cap.count(target.person.id)
        step.escalated_at, step.escalated_to_id = self.now, target.person.id
        self.result.escalated += 1
        log.info("journey step %s escalated to employee %s", step.id, target.person.id)

    def send(self) -> None:
        due = [r for r in self.rows("pending") if r[0].due_on is not None and r[0].due_on <= self.day]
        open_rows = [r for r in self.rows("sent", "overdue") if r[0].survey_id is None]
        people = {e.id for _, _, e in due} | {s.assignee_id for s, _, _ in open_rows if s.assignee_id}
        self.away = on_leave(self.runtime, self.session, people, self.day)
        recipients = set(people) | {e.manager_id for _, _, e in open_rows if e.manager_id}
        self.cap = RecipientCap(self.runtime, self.session, recipients)
        with self.session.no_autoflush:
            for step, _journey, hire in due:
                spec = self.spec(step)
                if spec is not None:
                    self.send_new(step, spec, hire)
            for step, _journey, hire in open_rows:
                spec = self.spec(step)
                if spec is not None:
                    self.follow_up(step, spec, hire)


def dispatch_in(runtime: Runtime, session: Session, day: date, now: datetime) -> DispatchResult:
    """One run in ``session`` for ``day``."""
    run = _Run(runtime, session, day, now)
    run.housekeeping()
    run.result.window_open = window_open(runtime, day, now)
    if run.result.window_open and runtime.settings.onboarding.enabled:
        run.send()
    return run.result


def dispatch(runtime: Runtime, day: date | None = None) -> DispatchResult:
    """Send what is due on ``day`` (default today) now; the scheduler calls this every few minutes."""
    day = day or runtime.today()
    with runtime.db.session() as s:
        result = dispatch_in(runtime, s, day, runtime.clock.now())
    if result.sent or result.resent or result.escalated or result.messages or result.pulses:
        log.info("journeys dispatch %s: %s", day, result)
    return result
