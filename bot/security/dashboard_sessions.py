"""Server-side dashboard sessions: the signed cookie only carries a random id, checked here.

A copy of the cookie is worthless after logout (the row is revoked), after ``[dashboard].session_hours``,
or once the credential it was opened with is gone. Only a SHA-256 of the id is stored, so the
table itself opens no session.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from bot.models import DashboardSession


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def open_session(session: Session, viewer: str, now: datetime, lifetime: timedelta) -> str:
    """Start a session for ``viewer``; returns the id to put in the cookie."""
    session.execute(delete(DashboardSession).where(DashboardSession.expires_at < now))
    session_id = secrets.token_urlsafe(32)
    session.add(DashboardSession(id=_key(session_id), viewer=viewer[:128], created_at=now, expires_at=now + lifetime))
    return session_id


def viewer_of(session: Session, session_id: str, now: datetime) -> str | None:
    """The viewer of a live session (not revoked, not expired); None otherwise."""
    row = session.get(DashboardSession, _key(session_id))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    return row.viewer


def revoke(session: Session, session_id: str, now: datetime) -> None:
    """End the session for every copy of its cookie."""
    session.execute(
        update(DashboardSession)
        .where(DashboardSession.id == _key(session_id), DashboardSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
