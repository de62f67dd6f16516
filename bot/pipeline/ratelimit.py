"""A per-user limit on slash commands (N per rolling minute), shared by every web worker.

Accepted commands are rows in ``command_hits``; the count over the last 60 seconds comes from the
database, so several gunicorn workers (or a second host) see the same history; on PostgreSQL a
per-user advisory lock makes the check exact under concurrency. Refused attempts
are not recorded, so a user who keeps typing is not locked out longer than the window.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from bot.models import CommandHit

WINDOW = timedelta(minutes=1)
LOCK_NAMESPACE = 0x0C0D  # "command" rate-limit locks (int4 key space of pg_advisory_xact_lock(int, int))


@dataclass(frozen=True)
class Decision:
    """Whether the command may run; if not, how many seconds until the oldest hit leaves the window."""

    allowed: bool
    retry_after_seconds: int = 0


def check_and_record(
    session: Session, userid: str, now: datetime, limit: int, window: timedelta = WINDOW
) -> Decision:
    """Count ``userid``'s commands in the last ``window``; record this one if it is within ``limit``.

    ``userid`` is any key: a feature with its own budget (e.g. anonymous questions a day) passes a
    key of its own, which must not collide with a userid.
    """
    since = now - window
    key = userid[:64]
    if session.get_bind().dialect.name == "postgresql":
        # Serialise one user's commands across workers so two at once cannot both pass at N-1
        # (SQLite already serialises writers). Released at the end of the transaction.
        # The two-key form keeps these locks in their own namespace, apart from other advisory locks.
        lock = {"ns": LOCK_NAMESPACE, "k": zlib.crc32(key.encode()) - 2**31}
        session.execute(text("SELECT pg_advisory_xact_lock(:ns, :k)"), lock)
    # Old hits are no longer needed; pruning here keeps the table at ≤ limit rows per active user.
    session.execute(delete(CommandHit).where(CommandHit.userid == key, CommandHit.at <= since))
    count, oldest = session.execute(
        select(func.count(CommandHit.id), func.min(CommandHit.at)).where(
            CommandHit.userid == key, CommandHit.at > since
        )
    ).one()
    if count >= limit:
        wait = (oldest + window - now).total_seconds() if oldest is not None else window.total_seconds()
        return Decision(False, max(1, math.ceil(wait)))
    session.add(CommandHit(userid=key, at=now))
    session.flush()
    return Decision(True)
