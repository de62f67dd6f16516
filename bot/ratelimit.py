"""A per-user limit on slash commands (N per rolling minute), shared by every web worker.

Accepted commands are rows in ``command_hits``; the count over the last 60 seconds comes from the
database, so several gunicorn workers (or a second host) see the same history. Refused attempts
are not recorded, so a user who keeps typing is not locked out longer than the window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.models import CommandHit

WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class Decision:
    """Whether the command may run; if not, how many seconds until the oldest hit leaves the window."""

    allowed: bool
    retry_after_seconds: int = 0


def check_and_record(session: Session, userid: str, now: datetime, limit: int) -> Decision:
    """Count ``userid``'s commands in the last minute; record this one if it is within ``limit``."""
    since = now - WINDOW
    key = userid[:64]
    # Old hits are no longer needed; pruning here keeps the table at ≤ limit rows per active user.
    session.execute(delete(CommandHit).where(CommandHit.userid == key, CommandHit.at <= since))
    count, oldest = session.execute(
        select(func.count(CommandHit.id), func.min(CommandHit.at)).where(
            CommandHit.userid == key, CommandHit.at > since
        )
    ).one()
    if count >= limit:
        wait = (oldest + WINDOW - now).total_seconds() if oldest is not None else WINDOW.total_seconds()
        return Decision(False, max(1, math.ceil(wait)))
    session.add(CommandHit(userid=key, at=now))
    session.flush()
    return Decision(True)
