"""Declared life events: storing one under its own consent, and ending it early (``/mydata``)."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.runtime import Runtime
from bot.models import Consent, Employee, LifeEvent
from bot.voice.consent import evaluate_after_commit

log = logging.getLogger(__name__)

# Health details (own or a relative's) are consented to as "health"; other events as "life_event".
HEALTH_KINDS = frozenset({"family_illness", "health"})
CONSENT_TEXT_VERSION = "life-1"


def declare(runtime: Runtime, session: Session, employee: Employee, kind: str, note: str | None) -> LifeEvent:
    """Store a life event with its own consent; both expire after ``[voice].life_event_days``.

    ``note`` is stored only when the employee agreed that HR may read it: a note they keep to
    themselves has no purpose here, so it is not kept at all.
    """
    today = runtime.today()
    until = today + timedelta(days=runtime.settings.voice.life_event_days)
    consent = Consent(
        employee_id=employee.id,
        kind="health" if kind in HEALTH_KINDS else "life_event",
        granted_at=runtime.clock.now(),
        expires_on=until,
        text_version=CONSENT_TEXT_VERSION,
    )
    session.add(consent)
    session.flush()
    event = LifeEvent(
        employee_id=employee.id, consent_id=consent.id, kind=kind, declared_on=today, expires_on=until, note=note
    )
    session.add(event)
    session.flush()
    evaluate_after_commit(runtime, session, employee.id, "life_events")
    log.info("life event %s declared (%s, note shared: %s)", event.id, kind, note is not None)
    return event


def current(runtime: Runtime, session: Session, employee: Employee) -> list[LifeEvent]:
    """The employee's unexpired life events, oldest first."""
    return list(
        session.scalars(
            select(LifeEvent)
            .where(LifeEvent.employee_id == employee.id, LifeEvent.expires_on >= runtime.today())
            .order_by(LifeEvent.declared_on, LifeEvent.id)
        )
    )


def end(runtime: Runtime, session: Session, employee: Employee, event_id: int) -> LifeEvent | None:
    """End one of the employee's events now: withdraw its consent and delete it (note included).

    Returns the deleted event, or None when ``event_id`` is not one of theirs. The ``family_event``
    tag resolves when the rules run again, which happens right after the commit.
    """
    event = session.get(LifeEvent, event_id)
    if event is None or event.employee_id != employee.id or event.expires_on < runtime.today():
        return None
    if event.consent_id is not None:
        consent = session.get(Consent, event.consent_id)
        if consent is not None and consent.revoked_at is None:
            consent.revoked_at = runtime.clock.now()
    session.delete(event)
    session.flush()
    evaluate_after_commit(runtime, session, employee.id, "life_events")
    log.info("life event %s ended early by the employee", event_id)
    return event
