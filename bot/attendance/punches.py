"""Recording punches: idempotent (a re-sent punch changes nothing), unknown users kept for later."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.core.chunks import chunked
from bot.core.db import session_now
from bot.core.sqlutil import dialect_insert
from bot.models import Punch
from bot.people.directory import ids_by_userid
from bot.pipeline.events import AttendancePunch

BATCH = 5000
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)


def insane_reason(at: datetime, now: datetime) -> str | None:
    """Why a punch instant cannot be real (before 2000, or more than a day ahead), else None."""
    if at < EARLIEST:
        return f"punch at {at.isoformat()} is before {EARLIEST.date()}"
    if at > now + FUTURE_SLACK:
        return f"punch at {at.isoformat()} is in the future"
    return None


def record_punches(
    session: Session,
    punches: Iterable[AttendancePunch],
    *,
    day_of: Callable[[datetime], date] | None = None,
) -> set[tuple[int, date]]:
    """Store punches, skipping ones already stored; returns the (employee id, day) pairs touched.

    The day is ``day_of(punched_at)`` — pass ``Shift.shift_day`` to get the local shift day the
    daily facts use — or the UTC date by default. Punches of unknown users are stored unlinked.
    """
    touched: set[tuple[int, date]] = set()
    ids: dict[str, int | None] = {}
    now = session_now(session)
    for batch in chunked(punches, BATCH):
        unknown = {p.userid for p in batch} - ids.keys()
        if unknown:
            found = ids_by_userid(session, unknown)
            ids.update({u: found.get(u) for u in unknown})
        rows = [
            {
                "userid": p.userid,
                "employee_id": ids[p.userid],
                "punched_at": p.punched_at,
                "source": p.platform,
                "check_type": p.check_type,
                "source_ref": p.source_ref,
                "received_at": now,
            }
            for p in batch
        ]
        stmt = dialect_insert(session, Punch).on_conflict_do_nothing(index_elements=["userid", "punched_at"])
        session.execute(stmt, rows)
        for p in batch:
            emp_id = ids[p.userid]
            if emp_id is not None:
                touched.add((emp_id, day_of(p.punched_at) if day_of else p.punched_at.date()))
    return touched
