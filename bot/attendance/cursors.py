"""Sync cursors: where a scheduled pull stopped, stored in the same transaction as what it pulled."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.core.db import session_now
from bot.models import SyncCursor


def load(session: Session, name: str) -> dict[str, Any] | None:
    """The cursor's value, or None before the first run."""
    row = session.get(SyncCursor, name)
    return dict(row.value) if row is not None else None


def save(session: Session, name: str, value: dict[str, Any]) -> None:
    """Store the cursor (committed with the caller's unit of work)."""
    row = session.get(SyncCursor, name)
    if row is None:
        session.add(SyncCursor(name=name, value=value, updated_at=session_now(session)))
    else:
        row.value = value
        row.updated_at = session_now(session)
    session.flush()
