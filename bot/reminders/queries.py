"""Reading reminders for the API and the dashboard."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from bot.models import Employee, Reminder, Tag

STATUSES = ("open", "done", "snoozed", "dismissed", "capped", "expired", "held_out")  # held_out: evaluation holdout


def list_reminders(
    session: Session,
    *,
    status: str | None = None,
    recipient: str | None = None,
    userid: str | None = None,
    limit: int = 1000,
    after_id: int = 0,
) -> list[dict[str, Any]]:
    """Reminders as API dicts, oldest first; filters are optional."""
    subject = aliased(Employee)
    target = aliased(Employee)
    stmt = (
        select(Reminder, Tag.rule_id, subject.userid, target.userid)
        .join(Tag, Tag.id == Reminder.tag_id)
        .join(subject, subject.id == Tag.employee_id)
        .join(target, target.id == Reminder.recipient_id)
        .where(Reminder.id > after_id)
        .order_by(Reminder.id)
        .limit(limit)
    )
    if status:
        stmt = stmt.where(Reminder.status == status)
    if recipient:
        stmt = stmt.where(target.userid == recipient)
    if userid:
        stmt = stmt.where(subject.userid == userid)
    return [
        {
            "id": r.id,
            "tag_id": r.tag_id,
            "rule": rule,
            "userid": subject_userid,
            "recipient": recipient_userid,
            "status": r.status,
            "created_at": r.created_at.isoformat(),
            "acted_at": r.acted_at.isoformat() if r.acted_at else None,
            # The dismiss reason is what a dismissed reminder's note is about.
            "note": r.note if r.note is not None else r.dismiss_reason,
            "role": r.role,
            "delivery": r.delivery,
            "due_at": r.due_at.isoformat(),
            "sent_at": r.sent_at.isoformat() if r.sent_at else None,
            "snoozed_until": r.snoozed_until.isoformat() if r.snoozed_until else None,
        }
        for r, rule, subject_userid, recipient_userid in session.execute(stmt).all()
    ]
