"""Delivery: individual cards for high severity, one digest per recipient, snooze wake-ups and one re-send.

Nothing goes out on non-workdays or outside the send window, nothing about employees on leave,
nothing whose moment has passed (closed as ``expired`` first, bot/reminders/moment.py), and the
caps hold: a tag over the per-employee cap is kept as ``capped``; a recipient over the daily cap
or the daily budget waits, most deserving first (bot/reminders/budget.py), and on the last
workday of the week what still waits goes into the weekly summary. Outbox keys make every step
safe to repeat.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from bot.core import i18n
from bot.core.runtime import Runtime
from bot.core.send_window import is_open, local_instant
from bot.models import Employee, Reminder, Tag
from bot.people.leave import on_leave
from bot.pipeline.outbox import card_payload, enqueue
from bot.privacy import Level
from bot.privacy.viewers import recipient_viewer
from bot.reminders import compose, digest, moment, ruleinfo, summary
from bot.reminders.budget import DailyBudget, rank_key
from bot.reminders.caps import ContactCap, RecipientCap
from bot.reminders.planner import send_window
from bot.reminders.templates import Templates, get

log = logging.getLogger(__name__)

Kind = Literal["new", "wake", "resend"]
Row = tuple[Reminder, Tag, Employee, Employee]  # reminder, tag, subject, recipient


@dataclass
class DeliveryResult:
    """Counts of one delivery run."""

    sent: int = 0
    woken: int = 0
    resent: int = 0
    digests: int = 0
    digest_items: int = 0
    capped: int = 0
    waiting: int = 0
    closed: int = 0
    expired: int = 0
    over_budget: int = 0
    summaries: int = 0
    summary_items: int = 0


def templates(runtime: Runtime) -> Templates:
    return get(runtime.settings.reminders.templates_file)


def locale_of(runtime: Runtime, person: Employee) -> str:
    return i18n.normalise_locale(person.locale or runtime.settings.app.locale)


def _rows(session: Session, *conditions: Any) -> list[Row]:
    recipient = aliased(Employee)
    stmt = (
        select(Reminder, Tag, Employee, recipient)
        .join(Tag, Tag.id == Reminder.tag_id)
        .join(Employee, Employee.id == Tag.employee_id)
        .join(recipient, recipient.id == Reminder.recipient_id)
        .where(*conditions)
        .order_by(Reminder.due_at, Reminder.id)
    )
    return [(r, t, e, p) for r, t, e, p in session.execute(stmt).all()]


def _resend_due(runtime: Runtime, reminder: Reminder, today: date) -> bool:
    assert reminder.sent_at is not None
    sent_day = reminder.sent_at.astimezone(runtime.tz).date()
    return today >= runtime.calendar.add_workdays(sent_day, runtime.settings.reminders.resend_after_workdays)


def _close_stale(reminder: Reminder, tag: Tag, subject: Employee, now: datetime, today: date) -> bool:
    """Close an unsent reminder whose employee left (dismissed) or whose moment passed (expired)."""
    if subject.status != "active":
        reminder.status, reminder.dismiss_reason = "dismissed", "auto: employee left before it was sent"
    elif moment.passed(reminder, tag, today):
        reminder.status, reminder.dismiss_reason = "expired", moment.EXPIRED_NOTE
    else:
        return False
    reminder.acted_at = now
    return True


class _Run:
    """One delivery pass inside one session."""

    def __init__(self, runtime: Runtime, session: Session, now: datetime, rows: list[Row]) -> None:
        self.runtime, self.session, self.now = runtime, session, now
        self.today = runtime.today()
        self.tpl = templates(runtime)
        self.result = DeliveryResult()
        self.away = on_leave(runtime, session, {t.employee_id for _, t, _, _ in rows}, self.today)
        self.contact_cap = ContactCap(runtime, session, {t.employee_id for _, t, _, _ in rows})
        self.recipient_cap = RecipientCap(runtime, session, {r.recipient_id for r, _, _, _ in rows})
        self.budget = DailyBudget(runtime, session, {r.recipient_id for r, _, _, _ in rows}, self.today)

    def admissible(self, kind: Kind, row: Row) -> bool:
        """Checks shared by cards and digests: stale, leave, per-employee cap."""
        reminder, tag, subject, recipient = row
        if kind == "new" and _close_stale(reminder, tag, subject, self.now, self.today):
            self.result.closed += 1
            return False
        if subject.id in self.away or recipient.status != "active" or subject.status != "active":
            self.result.waiting += 1
            return False
        if kind == "resend" and moment.passed(reminder, tag, self.today):
            return False  # the situation is over: no nagging, the reminder stays open in the queue
        if ruleinfo.level_for(self.runtime, tag, recipient_viewer(reminder.role)) is Level.NONE:
            # E.g. a life event routed to the manager for want of HR: the policy keeps it from them.
            reminder.status, reminder.acted_at = "dismissed", self.now
            reminder.dismiss_reason = "auto: the privacy policy hides this tag from the recipient"
            self.result.closed += 1
            log.info("reminder %s closed: its tag is hidden from the recipient's role", reminder.id)
            return False
        if kind == "new":
            if not self.contact_cap.allows(subject.id, tag.id):
                reminder.status = "capped"
                self.result.capped += 1
                log.info("reminder %s capped: employee %s reached the care-contact cap", reminder.id, subject.userid)
                return False
            self.contact_cap.count(subject.id, tag.id)
        return True

    def rule_text(self, tag: Tag, locale: str, reminder: Reminder) -> ruleinfo.RuleText:
        """The tag's texts as the recipient's role may read them (managers: a summary or their own texts)."""
        viewer = recipient_viewer(reminder.role, str(reminder.recipient_id))
        return ruleinfo.describe(self.runtime, self.session, tag, locale, viewer, role=reminder.role)

    def send_card(self, kind: Kind, row: Row) -> None:
        reminder, tag, subject, recipient = row
        if not self.recipient_cap.allows(recipient.id):
            self.result.waiting += 1
            return
        if kind == "new" and self.budget.remaining(recipient.id) <= 0:
            self.result.over_budget += 1
            return
        if not self.admissible(kind, row):
            return
        locale = locale_of(self.runtime, recipient)
        note = None
        card_id = f"rem{reminder.id}"
        if kind == "resend":
            card_id += "-r"
            note = self.tpl.text(locale, "resent_note", days=self.runtime.settings.reminders.resend_after_workdays)
        elif kind == "wake":
            assert reminder.snoozed_until is not None
            card_id += f"-s{int(reminder.snoozed_until.timestamp())}"
            note = self.tpl.text(locale, "snoozed_note")
        card = compose.card(
            self.tpl,
            locale,
            reminder,
            tag,
            compose.Subject.of(subject),
            self.rule_text(tag, locale, reminder),
            self.today,
            card_id=card_id,
            note=note,
        )
        platform = self.runtime.settings.platform.default
        outbox_id = enqueue(
            self.session,
            key=f"reminder:{card_id}",
            recipient=recipient.userid,
            kind="card",
            payload=card_payload(card),
            platform=platform,
            not_before=self.now,
        )
        if outbox_id is not None:
            reminder.card_ref = {"card_id": card_id, "outbox_id": outbox_id, "platform": platform}
        self.recipient_cap.count(recipient.id)
        if kind == "new":
            self.budget.spend(recipient.id)
        if kind == "resend":
            reminder.resent_at = self.now
            self.result.resent += 1
        else:
            reminder.sent_at = self.now
            if kind == "wake":
                reminder.status, reminder.resent_at = "open", None
                self.result.woken += 1
            else:
                self.result.sent += 1

    def send_digest(self, recipient: Employee, items: list[tuple[Kind, Row]]) -> None:
        locale = locale_of(self.runtime, recipient)
        limit = self.runtime.settings.reminders.digest_max_items
        by_rank = rank_key(self.runtime, self.today)
        ranked = sorted(items, key=lambda i: (i[0] == "resend", by_rank(i[1])))
        allowance = self.budget.remaining(recipient.id)  # new items only; a re-send is not news
        kept: list[tuple[Kind, Row]] = []
        more = 0  # the least deserving wait, unsent, for the next digest (or the weekly summary)
        for kind, row in ranked:
            if len(kept) == limit or (kind == "new" and allowance <= 0):
                more += 1
                self.result.over_budget += kind == "new"
                continue
            if self.admissible(kind, row):
                kept.append((kind, row))
                allowance -= kind == "new"
        if not kept:
            return
        entries = [
            digest.DigestItem(r, t, compose.Subject.of(s), self.rule_text(t, locale, r), resent=(kind == "resend"))
            for kind, (r, t, s, _) in kept
        ]
        platform = self.runtime.settings.platform.default
        parts = digest.messages(self.tpl, locale, entries, self.today, platform, more=more)
        key = f"reminder-digest:{recipient.id}:{self.today.isoformat()}"
        outbox_id = None
        for n, (title, text) in enumerate(parts, start=1):
            queued = enqueue(
                self.session,
                key=key if n == 1 else f"{key}:{n}",
                recipient=recipient.userid,
                kind="markdown",
                payload={"title": title, "text": text},
                platform=platform,
                not_before=self.now,
            )
            if n == 1:
                outbox_id = queued
                if queued is None:
                    break
        if outbox_id is None:
            return  # today's digest already went out; these wait for tomorrow's
        for kind, (reminder, *_rest) in kept:
            if kind == "resend":
                reminder.resent_at = self.now
            else:
                reminder.sent_at = self.now
        self.budget.spend(recipient.id, sum(kind == "new" for kind, _ in kept))
        self.result.digests += 1
        self.result.digest_items += len(kept)


def deliver_in(
    runtime: Runtime, session: Session, now: datetime, *, tag_ids: Collection[int] | None = None, digest: bool = True
) -> DeliveryResult:
    """One delivery pass in ``session``; ``tag_ids`` limits it to those tags (e.g. just raised by an answer)."""
    today = runtime.today()
    expired = moment.expire_passed(session, today, now)  # also at night: the dashboard shows the truth
    if not is_open(runtime, send_window(runtime), now):
        return DeliveryResult(expired=expired)
    scope = [Reminder.tag_id.in_(list(tag_ids))] if tag_ids is not None else []
    individual = _rows(
        session,
        *scope,
        or_(
            and_(
                Reminder.status == "open",
                Reminder.delivery == "immediate",
                Reminder.sent_at.is_(None),
                Reminder.due_at <= now,
            ),
            and_(Reminder.status == "snoozed", Reminder.snoozed_until <= now),
            and_(
                Reminder.status == "open",
                Reminder.delivery == "immediate",
                Reminder.sent_at.is_not(None),
                Reminder.resent_at.is_(None),
            ),
        ),
    )
    digest_due = digest and now >= local_instant(runtime, today, runtime.settings.reminders.digest_time)
    digest_rows = (
        _rows(
            session,
            *scope,
            Reminder.status == "open",
            Reminder.delivery == "digest",
            or_(and_(Reminder.sent_at.is_(None), Reminder.due_at <= now), Reminder.resent_at.is_(None)),
        )
        if digest_due
        else []
    )
    run = _Run(runtime, session, now, individual + digest_rows)
    run.result.expired = expired
    # One flush at the end instead of one before every outbox INSERT.
    with session.no_autoflush:
        for row in sorted(individual, key=rank_key(runtime, today)):
            reminder = row[0]
            if reminder.status == "snoozed":
                run.send_card("wake", row)
            elif reminder.sent_at is None:
                run.send_card("new", row)
            elif _resend_due(runtime, reminder, today):
                run.send_card("resend", row)
        by_recipient: dict[int, list[tuple[Kind, Row]]] = {}
        for row in digest_rows:
            reminder = row[0]
            if reminder.sent_at is None:
                by_recipient.setdefault(reminder.recipient_id, []).append(("new", row))
            elif _resend_due(runtime, reminder, today):
                by_recipient.setdefault(reminder.recipient_id, []).append(("resend", row))
        for items in by_recipient.values():
            run.send_digest(items[0][1][3], items)
    if digest_due and tag_ids is None:
        sent = summary.send_weekly(runtime, session, now, run.tpl)
        run.result.summaries, run.result.summary_items = sent
    return run.result


def deliver(runtime: Runtime) -> DeliveryResult:
    """Run one delivery pass now (the scheduler calls this every few minutes)."""
    with runtime.db.session() as s:
        result = deliver_in(runtime, s, runtime.clock.now())
    if result.sent or result.digests or result.resent or result.woken or result.capped or result.summaries:
        log.info("reminders delivered: %s", result)
    return result
