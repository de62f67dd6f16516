"""Pausing and resuming pulse surveys for one employee (``/optout``, ``/optin``)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.models import Employee, Survey


def set_paused(session: Session, employee: Employee, paused: bool) -> bool:
    """Pause or resume; pausing also closes pulses still open. Returns False when nothing changed."""
    if employee.surveys_paused == paused:
        return False
    employee.surveys_paused = paused
    if paused:
        # No reminders for, and no late counting of, pulses the person asked us to stop.
        session.execute(
            update(Survey)
            .where(Survey.employee_id == employee.id, Survey.status.in_(("pending", "sent")))
            .values(status="expired")
        )
    return True
