"""The audit trail: every view or change of a person's data is one ``audit_log`` row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.core.db import session_now
from bot.models import AuditLog


def record(
    session: Session,
    actor: str,
    subject_userid: str | None,
    action: str,
    channel: str | None,
    detail: dict[str, Any] | None = None,
    *,
    at: datetime | None = None,
) -> AuditLog:
    """Add an audit row (who, whom, what, through which channel, when) to the caller's unit of work.

    Args:
        actor: the acting userid, ``api:<token-id>``, or ``system``.
        at: the instant; defaults to now on the session's (the runtime's) clock.
    """
    row = AuditLog(
        at=at or session_now(session),
        actor_userid=actor[:64],
        subject_userid=subject_userid[:64] if subject_userid else None,
        action=action[:48],
        channel=channel[:16] if channel else None,
        detail=detail,
    )
    session.add(row)
    return row


def record_views(
    session: Session,
    actor: str,
    subject_userids: Iterable[str],
    action: str,
    channel: str | None,
    detail: dict[str, Any] | None = None,
    *,
    at: datetime | None = None,
    query_subject: str | None = None,
) -> int:
    """Audit a list view: one row per person shown, so "who saw X" has an answer; returns the rows.

    A view that showed nobody still leaves one row (about ``query_subject``, the person asked
    for, if any), so every query is on record. Rows are inserted in one statement.
    """
    subjects = sorted({s for s in subject_userids if s})
    if not subjects:
        record(session, actor, query_subject, action, channel, detail, at=at)
        return 1
    when = at or session_now(session)
    rows = [
        {
            "at": when,
            "actor_userid": actor[:64],
            "subject_userid": subject[:64],
            "action": action[:48],
            "channel": channel[:16] if channel else None,
            "detail": detail,
        }
        for subject in subjects
    ]
    session.execute(insert(AuditLog), rows)
    return len(rows)
