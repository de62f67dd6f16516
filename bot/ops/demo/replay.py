"""Replay the demo organisation's history day by day, through the same code the live system runs.

The runtime's clock is moved through every day of the history: employees join and leave through the
directory, punches and CRM metrics arrive each morning, the rules engine evaluates the day (its
listeners plan reminders), surveys and reminders go out in their windows through the outbox to the
``local`` platform, and people answer in chat through the inbox — pulse numbers from employees,
``/done``, ``/snooze`` and ``/dismiss`` from the demo HR business partners. The result is what six
months of real use would have left behind, at any hour on any day.
"""

from __future__ import annotations

import heapq
import itertools
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial

from sqlalchemy import func, select, update

from bot.attendance import facts
from bot.attendance.approvals import record_approval
from bot.attendance.orphans import upsert_people
from bot.attendance.punches import record_punches
from bot.core.clock import FixedClock
from bot.core.runtime import Runtime
from bot.intake.metrics import MetricRow, upsert_metrics
from bot.models import CareAction, Employee, Reminder, Survey, SurveyDelivery, Tag
from bot.ops.demo.company import DemoOrg, DemoPerson
from bot.ops.demo.journeys import JourneyActor
from bot.ops.demo.story import answer_delay_minutes, answers_pulse, comment, hr_choice, pulse_value
from bot.people.directory import EmployeeRow
from bot.pipeline import outbox
from bot.pipeline.events import AttendancePunch
from bot.platforms.local.inbound import enter
from bot.reminders.delivery import deliver as deliver_reminders
from bot.surveys.bank import load_questions
from bot.surveys.dispatch import dispatch as dispatch_surveys
from bot.surveys.state import answers_of, next_key, open_survey
from rules.engine import evaluate
from rules.loader import RuleSet, load_rules

log = logging.getLogger(__name__)

# When things happen on a workday (local time): sends at the window's opening, then checks.
CHECKPOINTS = (time(9, 30), time(10, 30), time(11, 30), time(14, 0), time(15, 30), time(17, 0))
WORK_START, WORK_END = time(9, 0), time(18, 0)


@dataclass
class ReplayStats:
    """What the replay did, for the CLI's summary."""

    days: int = 0
    tags: int = 0
    reminders: int = 0
    hr_actions: int = 0
    pulse_messages: int = 0
    journey_tasks: int = 0
    joined: int = 0
    left: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)


class Replay:
    """One run over ``org``'s days; :meth:`run` moves ``runtime.clock`` and restores it at the end."""

    def __init__(self, runtime: Runtime, org: DemoOrg, progress: Callable[[str], None] | None = None) -> None:
        self.runtime, self.org, self.seed = runtime, org, org.seed
        self.progress = progress or (lambda _msg: None)
        self.clock = FixedClock(self._at(org.start, time(6, 0)))
        self.people = {p.row.userid: p for p in org.people}
        self.stats = ReplayStats()
        self._queue: list[tuple[datetime, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._seen_reminders: set[int] = set()
        self._seen_surveys: set[int] = set()
        self.journeys = JourneyActor(runtime, self.seed, self._later, self._working_hours_later, self._say)
        shift = facts.shift_of(runtime)
        self.punches: dict[date, list[AttendancePunch]] = defaultdict(list)
        for punch in org.punches():
            self.punches[shift.shift_day(punch.punched_at)].append(punch)
        self.metrics: dict[date, list[MetricRow]] = defaultdict(list)
        for row in org.metrics():
            self.metrics[row.day].append(row)

    # -- time ---------------------------------------------------------------------------------
    def _at(self, day: date, t: time) -> datetime:
        return datetime.combine(day, t, self.runtime.tz)

    def _set(self, at: datetime) -> None:
        self.clock.set(at)

    def _later(self, at: datetime, what: Callable[[], None]) -> None:
        heapq.heappush(self._queue, (at, next(self._order), what))

    def _run_until(self, at: datetime) -> None:
        while self._queue and self._queue[0][0] <= at:
            when, _, what = heapq.heappop(self._queue)
            self._set(when)
            what()
        self._set(at)

    def _working_hours_later(self, start: datetime, hours: float) -> datetime:
        """``hours`` of working time (09:00–18:00 on workdays) after ``start``."""
        local = start.astimezone(self.runtime.tz)
        left = timedelta(hours=hours)
        day, at = local.date(), max(local.time().replace(tzinfo=None), WORK_START)
        for _ in range(60):
            if self.runtime.calendar.is_workday(day) and at < WORK_END:
                room = datetime.combine(day, WORK_END) - datetime.combine(day, at)
                if left <= room:
                    return self._at(day, (datetime.combine(day, at) + left).time())
                left -= room
            day, at = day + timedelta(days=1), WORK_START
        return self._at(day, WORK_START)

    # -- the run ------------------------------------------------------------------------------
    def run(self) -> ReplayStats:
        """Replay every day of the organisation's history; the runtime's own clock comes back after."""
        own = self.runtime.clock
        self.runtime.clock = self.clock
        try:
            with self.runtime.db.using_clock(self.clock):
                self._directory_at_start()
                ruleset = load_rules(self.runtime.settings.rules)
                day = self.org.start
                while day <= self.org.end:
                    self._day(day, ruleset)
                    day += timedelta(days=1)
        finally:
            self.runtime.clock = own
        self.stats.journey_tasks = self.journeys.completed
        return self.stats

    def _directory_at_start(self) -> None:
        self._set(self._at(self.org.start, time(6, 0)))
        first = [self._joining_row(p) for p in self.org.people if (p.row.hired_on or self.org.start) <= self.org.start]
        with self.runtime.db.session() as s:
            upsert_people(s, self.runtime, first, source="demo")
            # The HR director administers CareBot: the audit-log page is theirs to read.
            s.execute(update(Employee).where(Employee.userid == self.org.people[0].row.userid).values(is_admin=True))
            for change in self.org.approvals():
                record_approval(s, change)

    @staticmethod
    def _joining_row(p: DemoPerson) -> EmployeeRow:
        # The HRIS knows of a departure only when it happens.
        return p.row.model_copy(update={"left_on": None, "leave_reason": None})

    def _day(self, day: date, ruleset: RuleSet) -> None:
        self.stats.days += 1
        self._run_until(self._at(day, time(6, 0)))
        self._directory(day)
        self._set(self._at(day, time(7, 0)))
        result = evaluate(self.runtime, day, rules=ruleset)
        self.stats.tags += len(result.raised)
        for rule_id, outcome in result.rules.items():
            if outcome.raised:
                self.stats.by_rule[rule_id] = self.stats.by_rule.get(rule_id, 0) + len(outcome.raised)
        if self.runtime.calendar.is_workday(day):
            self._workday(day)
        self._run_until(self._at(day, time(23, 50)))
        self._ingest(day)
        if day.day == 1 or day == self.org.end:
            self.progress(f"{day.isoformat()}: {self.stats.tags} tags, {self.stats.hr_actions} HR actions so far")

    def _workday(self, day: date) -> None:
        for i, checkpoint in enumerate(CHECKPOINTS):
            self._run_until(self._at(day, checkpoint))
            if i == 0:
                dispatch_surveys(self.runtime, day)
            deliver_reminders(self.runtime)
            self.journeys.checkpoint(day)
            outbox.drain(self.runtime)
            self._plan_answers(day)
            self._plan_hr()

    def _directory(self, day: date) -> None:
        joining = [self._joining_row(p) for p in self.org.people if p.row.hired_on == day and day > self.org.start]
        leaving = [p.row for p in self.org.people if p.row.left_on == day]
        if joining or leaving:
            with self.runtime.db.session() as s:
                upsert_people(s, self.runtime, joining + leaving, source="demo")
            self.stats.joined += len(joining)
            self.stats.left += len(leaving)

    def _ingest(self, day: date) -> None:
        """The day's punches (as the platform pushes them), its CRM metrics (nightly import), its facts."""
        with self.runtime.db.session() as s:
            record_punches(s, self.punches.pop(day, []))
            upsert_metrics(s, self.metrics.pop(day, []), source="demo")
        with self.runtime.db.session() as s:
            facts.rebuild(s, self.runtime, day, day)

    # -- people in chat -----------------------------------------------------------------------
    def _say(self, userid: str, text: str) -> None:
        now = self.clock.now()
        key = f"demo:{userid}:{now.isoformat()}:{next(self._order)}"
        enter(self.runtime, "text", {"user": userid, "text": text, "group": None, "sent_at": now.isoformat()}, key)

    def _click(self, userid: str, card_id: str, action: str, params: dict[str, str]) -> None:
        key = f"demo:{userid}:{card_id}:{action}:{next(self._order)}"
        payload = {"user": userid, "card_id": card_id, "action": action, "params": params}
        enter(self.runtime, "card", payload, key)

    def _plan_answers(self, day: date) -> None:
        with self.runtime.db.session() as s:
            rows = s.execute(
                select(Survey.id, Employee.userid)
                .join(Employee, Employee.id == Survey.employee_id)
                .where(Survey.status == "sent", Survey.scheduled_on == day)
            ).all()
        for survey_id, userid in rows:
            person = self.people.get(userid)
            if survey_id in self._seen_surveys or person is None:
                continue
            self._seen_surveys.add(survey_id)
            if answers_pulse(self.seed, person, str(survey_id), day):
                at = self.clock.now() + timedelta(minutes=answer_delay_minutes(self.seed, person, day))
                at = min(at, self._at(day, time(17, 55)))
                self._later(at, partial(self._answer, person, day))

    def _answer(self, person: DemoPerson, day: date) -> None:
        for _ in range(4):
            with self.runtime.db.session() as s:
                emp = s.scalar(select(Employee).where(Employee.userid == person.row.userid))
                survey = open_survey(s, emp.id, self.clock.now()) if emp is not None else None
                if emp is None or survey is None:
                    return
                key = next_key(survey, answers_of(s, survey.id))
                question = load_questions(s).get(key or "")
                if question is None:
                    return
                cared_on = s.scalar(
                    select(func.max(CareAction.acted_at)).where(
                        CareAction.employee_id == emp.id, CareAction.kind == "done"
                    )
                )
                cards = [
                    str((d.card_ref or {}).get("card_id", ""))
                    for d in s.scalars(select(SurveyDelivery).where(SurveyDelivery.survey_id == survey.id))
                ]
                card_id = next((c for c in cards if f"-{question.key}-" in c), None)
            if question.kind == "text":
                # Most leave the optional comment unanswered; the few with something to say type it.
                text = comment(self.seed, person, day)
                if text != "跳过":
                    self._say(person.row.userid, text)
                    self.stats.pulse_messages += 1
                return
            lo, hi = question.scale_min or 0, question.scale_max or 10
            cared = cared_on.astimezone(self.runtime.tz).date() if cared_on is not None else None
            value = str(pulse_value(self.seed, person, question.key, day, lo, hi, cared))
            if card_id:  # the question's card: press the number, as on the phone
                params = {"survey": str(survey.id), "q": question.key, "v": value}
                self._click(person.row.userid, card_id, "survey.answer", params)
                outbox.drain(self.runtime)  # the next question's card arrives before it is answered
            else:
                self._say(person.row.userid, value)
            self.stats.pulse_messages += 1

    def _plan_hr(self) -> None:
        with self.runtime.db.session() as s:
            rows = s.execute(
                select(Reminder.id, Reminder.sent_at, Tag.rule_id, Tag.raised_on, Employee.userid)
                .join(Tag, Tag.id == Reminder.tag_id)
                .join(Employee, Employee.id == Tag.employee_id)
                .where(Reminder.status == "open", Reminder.sent_at.is_not(None))
            ).all()
        for reminder_id, sent_at, rule_id, raised_on, subject in rows:
            if reminder_id in self._seen_reminders or sent_at is None:
                continue
            self._seen_reminders.add(reminder_id)
            self.stats.reminders += 1
            choice = hr_choice(self.seed, rule_id, subject, raised_on)
            if choice.first == "ignore":
                continue
            at = self._working_hours_later(sent_at, choice.after_hours)
            self._later(at, partial(self._act, reminder_id, choice.first, choice.text, choice.then))

    def _act(self, reminder_id: int, action: str, text: str, then: str | None) -> None:
        with self.runtime.db.session() as s:
            row = s.execute(
                select(Reminder.status, Reminder.card_ref, Employee.userid)
                .join(Employee, Employee.id == Reminder.recipient_id)
                .where(Reminder.id == reminder_id, Employee.status == "active")
            ).first()
        if row is None or row[0] not in ("open", "snoozed"):
            return  # closed meanwhile (the person left, the tag ended) or the recipient left
        _, card_ref, userid = row
        card_id = (card_ref or {}).get("card_id")
        if card_id:
            # A card: press its button, then type the note (buttons carry no text).
            self._click(userid, str(card_id), f"reminder.{action}", {"id": str(reminder_id)})
            if text and action != "snooze":
                self._say(userid, f"/{action} {reminder_id} {text}")
        else:
            arg = f" {text}" if text and action != "snooze" else ""
            self._say(userid, f"/{action} {reminder_id}{arg}")
        self.stats.hr_actions += 1
        if action == "snooze" and then is not None:
            # Back after the snooze (the next workday), then settled within the morning.
            at = self._working_hours_later(self.clock.now(), 9 + 1.5)
            self._later(at, partial(self._act, reminder_id, then, text, None))
