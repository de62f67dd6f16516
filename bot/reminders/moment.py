"""The right moment: until when a reminder is useful, and closing those whose moment has passed.

A birthday greeting is useful until the birthday, a work anniversary until the day, a new-hire
check-in for a few workdays after the milestone, a probation review until probation ends. Every
other reminder is useful while its tag is active (a streak of late nights, a stress answer).
After downtime and catch-up, a reminder whose moment has passed is never sent: it is closed as
``expired`` (counted as such in the report), and one already sent is neither re-sent nor woken.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session

from bot.core.workcalendar import WorkCalendar
from bot.models import Reminder, Tag

log = logging.getLogger(__name__)

# A new-hire check-in is still worth having a few workdays after the milestone day.
MILESTONE_GRACE_WORKDAYS = 3
EXPIRED_NOTE = "auto: moment passed"


def useful_until(evidence: dict[str, Any], calendar: WorkCalendar) -> date | None:
    """The last day a reminder about this evidence is useful; ``None`` when it lasts as long as its tag."""
    kind = evidence.get("kind")
    if kind in ("birthday", "work_anniversary"):
        return date.fromisoformat(evidence["date"])
    if kind == "tenure_milestone":
        return calendar.add_workdays(date.fromisoformat(evidence["date"]), MILESTONE_GRACE_WORKDAYS)
    if kind == "probation_ending":
        return date.fromisoformat(evidence["ends_on"])
    return None


def is_date_bound(evidence: dict[str, Any]) -> bool:
    """Whether the evidence is about a dated moment (birthday, anniversary, new-hire day, probation end)."""
    return evidence.get("kind") in ("birthday", "work_anniversary", "tenure_milestone", "probation_ending")


def passed(reminder: Reminder, tag: Tag, today: date) -> bool:
    """Whether the reminder's moment is over: its date has gone by, or (undated) its tag ended.

    A dated reminder outlives its tag: "birthday tomorrow" stops holding the day after it was
    noticed, yet the greeting is still worth sending until the birthday itself.
    """
    if reminder.useful_until is not None:
        return reminder.useful_until < today
    return tag.status != "active"


def expire_passed(session: Session, today: date, now: datetime) -> int:
    """Close reminders whose moment has passed as ``expired``; returns how many (set-based).

    Closed: unsent open ones (never sent now) and snoozed ones (waking them would be a send). A
    sent, open reminder stays in its recipient's to-do list so care given can still be logged;
    it is just never re-sent (:func:`passed`).
    """
    tag_over = exists().where(Tag.id == Reminder.tag_id, Tag.status != "active")
    stmt = (
        update(Reminder)
        .where(
            or_(and_(Reminder.status == "open", Reminder.sent_at.is_(None)), Reminder.status == "snoozed"),
            or_(
                and_(Reminder.useful_until.is_not(None), Reminder.useful_until < today),
                and_(Reminder.useful_until.is_(None), tag_over),
            ),
        )
        .values(status="expired", acted_at=now, dismiss_reason=EXPIRED_NOTE)
        .execution_options(synchronize_session=False)
    )
    count = int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]
    if count:
        log.info("%d reminders expired: their moment passed before anyone acted", count)
    return count


def expired_unsent(session: Session, recipient_ids: list[int]) -> dict[int, int]:
    """Per recipient, reminders that expired before they were ever sent."""
    from sqlalchemy import func

    if not recipient_ids:
        return {}
    rows = session.execute(
        select(Reminder.recipient_id, func.count())
        .where(Reminder.recipient_id.in_(recipient_ids), Reminder.status == "expired", Reminder.sent_at.is_(None))
        .group_by(Reminder.recipient_id)
    )
    return {rid: int(n) for rid, n in rows}
