"""Noise control counters: care contacts per employee per window, individual reminders per recipient per day."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.core.runtime import Runtime
from bot.core.send_window import local_instant
from bot.models import Reminder, Tag
from bot.reminders.journey_sends import sends_on as journey_sends


def contacts(session: Session, employee_ids: Collection[int], since: datetime) -> dict[int, set[int]]:
    """Per employee, the tags that were brought to someone since ``since`` (one tag = one care contact)."""
    if not employee_ids:
        return {}
    rows = session.execute(
        select(Tag.employee_id, Reminder.tag_id)
        .join(Tag, Tag.id == Reminder.tag_id)
        .where(Tag.employee_id.in_(list(employee_ids)), Reminder.sent_at >= since)
        .distinct()
    )
    out: dict[int, set[int]] = {}
    for employee_id, tag_id in rows:
        out.setdefault(employee_id, set()).add(tag_id)
    return out


def individual_sends_today(runtime: Runtime, session: Session, recipient_ids: Collection[int]) -> dict[int, int]:
    """Per recipient, messages sent one by one today: reminders (not digests) and journey tasks."""
    if not recipient_ids:
        return {}
    today = runtime.today()
    start = local_instant(runtime, today, time(0, 0))
    end = local_instant(runtime, today + timedelta(days=1), time(0, 0))
    rows = session.execute(
        select(Reminder.recipient_id, func.count())
        .where(
            Reminder.recipient_id.in_(list(recipient_ids)),
            Reminder.delivery == "immediate",
            or_(
                (Reminder.sent_at >= start) & (Reminder.sent_at < end),
                (Reminder.resent_at >= start) & (Reminder.resent_at < end),
            ),
        )
        .group_by(Reminder.recipient_id)
    )
    out = {recipient_id: int(count) for recipient_id, count in rows}
    # Onboarding tasks share the budget: a recipient's day is one queue, whatever sent it.
    for recipient_id, count in journey_sends(session, runtime.tz, today, recipient_ids).items():
        out[recipient_id] = out.get(recipient_id, 0) + count
    return out


class ContactCap:
    """Decides, tag by tag within one run, whether another care contact about an employee is allowed."""

    def __init__(self, runtime: Runtime, session: Session, employee_ids: Collection[int]) -> None:
        cfg = runtime.settings.reminders
        self.limit = cfg.max_contacts_per_employee
        since = runtime.clock.now() - timedelta(days=cfg.contact_window_days)
        self.seen = contacts(session, employee_ids, since)

    def allows(self, employee_id: int, tag_id: int) -> bool:
        """True if the tag was already brought up (another recipient) or the employee is under the cap."""
        tags = self.seen.setdefault(employee_id, set())
        return tag_id in tags or len(tags) < self.limit

    def count(self, employee_id: int, tag_id: int) -> None:
        self.seen.setdefault(employee_id, set()).add(tag_id)


class RecipientCap:
    """At most ``max_immediate_per_recipient`` individual reminders per recipient per day."""

    def __init__(self, runtime: Runtime, session: Session, recipient_ids: Collection[int]) -> None:
        self.limit = runtime.settings.reminders.max_immediate_per_recipient
        self.sent = individual_sends_today(runtime, session, recipient_ids)

    def allows(self, recipient_id: int) -> bool:
        return self.sent.get(recipient_id, 0) < self.limit

    def count(self, recipient_id: int) -> None:
        self.sent[recipient_id] = self.sent.get(recipient_id, 0) + 1
