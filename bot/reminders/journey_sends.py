"""Journey task messages per recipient today: counted in the reminders' per-recipient daily budget."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import JourneyStep


def sends_on(session: Session, tz: tzinfo, day: date, recipient_ids: Collection[int]) -> dict[int, int]:
    """Per recipient, journey task messages sent on local ``day``: first sends, re-sends and escalations."""
    if not recipient_ids:
        return {}
    start = datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=tz).astimezone(UTC)
    ids = list(recipient_ids)
    out: dict[int, int] = {}
    for person, stamp in (
        (JourneyStep.assignee_id, JourneyStep.sent_at),
        (JourneyStep.assignee_id, JourneyStep.resent_at),
        (JourneyStep.escalated_to_id, JourneyStep.escalated_at),
    ):
        rows = session.execute(
            select(person, func.count())
            .where(person.in_(ids), stamp >= start, stamp < end, JourneyStep.survey_id.is_(None))
            .group_by(person)
        )
        for recipient_id, count in rows:
            if recipient_id is not None:
                out[recipient_id] = out.get(recipient_id, 0) + int(count)
    return out
