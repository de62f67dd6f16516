"""The daily purge: delete (or strip) what is past its ``[privacy.retention]`` period.

- pulse answers (check-in and team pulse) older than ``pulse_answers`` days are deleted; the report
  keeps only aggregates of closed windows, so nothing older needs the rows;
- life events (chat declarations) declared more than ``chat_declarations`` days ago are deleted;
- audit-log rows older than ``audit_log`` days are deleted;
- stored callbacks (which hold decrypted message content) older than ``inbox_payloads`` days are
  deleted once processed; sent outbox messages older than ``outbox_bodies`` days lose their body;
- people who left more than ``leavers`` days ago: their attendance, metrics, answers, surveys,
  life events and consents are deleted, care notes and tag evidence cleared, and the directory row
  anonymised (department, dates and leave reason stay for the turnover figures).

Every step is a set-based statement and idempotent: running the purge twice deletes nothing more.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.core.runtime import Runtime
from bot.models import (
    Approval,
    AttendanceDay,
    AuditLog,
    CareAction,
    Consent,
    Employee,
    InboundEvent,
    LifeEvent,
    Metric,
    OutboxMessage,
    Punch,
    Reminder,
    Survey,
    SurveyAnswer,
    Tag,
)
from bot.people import audit

log = logging.getLogger(__name__)

PURGED = "purged"  # Employee.source of an anonymised leaver; OutboxMessage.kind of a stripped message
DONE_INBOX = ("processed", "ignored", "failed")


@dataclass
class PurgeResult:
    """How many rows each step touched."""

    pulse_answers: int = 0
    life_events: int = 0
    audit_rows: int = 0
    inbox_events: int = 0
    outbox_bodies: int = 0
    leavers: int = 0


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _leavers(session: Session, ids: list[int]) -> None:
    """Delete a leaver's personal records and anonymise their directory row (ids: not yet purged)."""
    for model in (Punch, Approval, AttendanceDay, Metric, SurveyAnswer, Survey, LifeEvent, Consent):
        session.execute(delete(model).where(model.employee_id.in_(ids)))
    session.execute(update(CareAction).where(CareAction.employee_id.in_(ids)).values(note=None))
    session.execute(update(Tag).where(Tag.employee_id.in_(ids)).values(evidence={}))
    tag_ids = select(Tag.id).where(Tag.employee_id.in_(ids))
    session.execute(update(Reminder).where(Reminder.tag_id.in_(tag_ids)).values(note=None, dismiss_reason=None))
    for emp_id in ids:
        session.execute(
            update(Employee)
            .where(Employee.id == emp_id)
            .values(
                name=f"离职员工{emp_id}",
                name_pinyin=None,
                email=None,
                mobile=None,
                birthday=None,
                position=None,
                source=PURGED,
            )
        )


def purge_in(runtime: Runtime, session: Session) -> PurgeResult:
    """Apply every retention period once, in ``session``."""
    keep = runtime.settings.privacy.retention
    now, today = runtime.clock.now(), runtime.today()
    result = PurgeResult()
    result.pulse_answers = _count(
        session.execute(
            delete(SurveyAnswer).where(SurveyAnswer.answered_on < today - timedelta(days=keep.pulse_answers))
        )
    )
    result.life_events = _count(
        session.execute(delete(LifeEvent).where(LifeEvent.declared_on < today - timedelta(days=keep.chat_declarations)))
    )
    result.audit_rows = _count(
        session.execute(delete(AuditLog).where(AuditLog.at < now - timedelta(days=keep.audit_log)))
    )
    result.inbox_events = _count(
        session.execute(
            delete(InboundEvent).where(
                InboundEvent.received_at < now - timedelta(days=keep.inbox_payloads),
                InboundEvent.status.in_(DONE_INBOX),
            )
        )
    )
    result.outbox_bodies = _count(
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status == "sent",
                OutboxMessage.kind != PURGED,
                OutboxMessage.sent_at < now - timedelta(days=keep.outbox_bodies),
            )
            .values(payload={}, kind=PURGED)
        )
    )
    leavers = list(
        session.scalars(
            select(Employee.id).where(
                Employee.status == "left",
                Employee.left_on < today - timedelta(days=keep.leavers),
                Employee.source != PURGED,
            )
        )
    )
    if leavers:
        _leavers(session, leavers)
    result.leavers = len(leavers)
    if any(asdict(result).values()):
        audit.record(session, "system", None, "privacy.purge", "scheduler", asdict(result), at=now)
    return result


def purge(runtime: Runtime) -> PurgeResult:
    """Run the purge in its own transaction; counts only in the log (never who)."""
    with runtime.db.session() as s:
        result = purge_in(runtime, s)
    log.info("privacy purge: %s", result)
    return result
