"""WeCom check-ins are pulled, not pushed: ``checkin/getcheckindata`` on a schedule, resumable.

Each call covers at most 100 users and 30 days (protocols.md §5.6) and calls are paced to
``[sync].wecom_calls_per_minute`` (WeCom allows 600 per minute). After every call the punches,
their daily facts and the cursor (window and last user done) commit together, so a run that stops
— an API error, a crash, the per-run call budget — resumes exactly where it stopped. Each new
window starts an hour before the previous one ended, because devices upload late; re-pulled
punches change nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import or_, select

from bot.attendance import cursors, facts
from bot.attendance.pacing import CallPacer
from bot.attendance.punches import insane_reason, record_punches
from bot.core.runtime import Runtime
from bot.models import Employee
from bot.pipeline.events import AttendancePunch

log = logging.getLogger(__name__)

CURSOR = "wecom.checkin"
USERS_PER_CALL = 100
MAX_SPAN = timedelta(days=30) - timedelta(seconds=1)  # inclusive bounds: stay within 30 days
OVERLAP = timedelta(hours=1)
CHECK_TYPES = {"上班打卡": "on", "下班打卡": "off", "外出打卡": "out"}
MISSED = "未打卡"  # a placeholder at the scheduled time, not a punch


class CheckinSource(Protocol):
    """What the pull needs from the WeCom client."""

    def get_checkin_data(
        self, userids: Sequence[str], start: datetime, end: datetime, *, kind: int = 3
    ) -> list[dict[str, Any]]: ...


@dataclass
class PullStats:
    """What one run did."""

    calls: int = 0
    records: int = 0
    punches: int = 0
    windows_done: int = 0
    finished: bool = False


def to_punch(record: dict[str, Any]) -> AttendancePunch | None:
    """One check-in record as a punch; None for "未打卡" placeholders and malformed records."""
    if MISSED in str(record.get("exception_type") or ""):
        return None
    userid = record.get("userid")
    try:
        at = datetime.fromtimestamp(int(record["checkin_time"]), UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None
    if not userid:
        return None
    ref = f"{record.get('groupid', '')}:{record['checkin_time']}"
    return AttendancePunch(
        "wecom", str(userid), at, check_type=CHECK_TYPES.get(str(record.get("checkin_type"))), source_ref=ref
    )


def _userids(runtime: Runtime, since: datetime) -> list[str]:
    """Everyone who could have punched in the window: active, or left on/after its first day."""
    first_day = since.astimezone(runtime.tz).date()
    with runtime.db.session() as s:
        return list(
            s.scalars(
                select(Employee.userid)
                .where(or_(Employee.status == "active", Employee.left_on >= first_day))
                .order_by(Employee.userid)
            )
        )


def _window(cursor: dict[str, Any] | None, now: datetime, backfill_days: int) -> dict[str, Any]:
    """The window in progress, or a new one starting where the last one ended (minus the overlap)."""
    if cursor and cursor.get("window_start") is not None:
        return cursor
    done = cursor.get("done_until") if cursor else None
    start = datetime.fromtimestamp(done, UTC) - OVERLAP if done else now - timedelta(days=backfill_days)
    end = min(now, start + MAX_SPAN)
    return {
        "done_until": done,
        "window_start": int(start.timestamp()),
        "window_end": int(end.timestamp()),
        "after_userid": "",
    }


def pull_checkins(
    runtime: Runtime, source: CheckinSource, *, pacer: CallPacer | None = None, max_calls: int = 10_000
) -> PullStats:
    """Pull check-ins up to now, resuming from the cursor; at most ``max_calls`` API calls per run."""
    pacer = pacer or CallPacer(runtime.settings.sync.wecom_calls_per_minute)
    stats = PullStats()
    now = runtime.clock.now()
    shift = facts.shift_of(runtime)
    while stats.calls < max_calls:
        with runtime.db.session() as s:
            state = _window(cursors.load(s, CURSOR), now, runtime.settings.sync.wecom_checkin_backfill_days)
        start = datetime.fromtimestamp(state["window_start"], UTC)
        end = datetime.fromtimestamp(state["window_end"], UTC)
        pending = [u for u in _userids(runtime, start) if u > state["after_userid"]]
        while pending and stats.calls < max_calls:
            batch, pending = pending[:USERS_PER_CALL], pending[USERS_PER_CALL:]
            pacer.wait()
            records = source.get_checkin_data(batch, start, end)
            stats.calls += 1
            stats.records += len(records)
            punches = [p for p in (to_punch(r) for r in records) if p is not None]
            insane = [p for p in punches if insane_reason(p.punched_at, now)]
            if insane:
                log.warning("wecom check-ins: %d records with impossible times skipped", len(insane))
                punches = [p for p in punches if p not in insane]
            with runtime.db.session() as s:
                touched = record_punches(s, punches, day_of=shift.shift_day)
                facts.recompute(s, runtime, touched)
                cursors.save(s, CURSOR, {**state, "after_userid": batch[-1]})
            state = {**state, "after_userid": batch[-1]}
            stats.punches += len(punches)
        if pending:
            break  # out of budget: the next run resumes after the last user done
        with runtime.db.session() as s:
            cursors.save(s, CURSOR, {"done_until": state["window_end"], "window_start": None})
        stats.windows_done += 1
        if end >= now:
            stats.finished = True
            break
    log.info(
        "wecom check-ins: %d calls, %d records, %d punches, %d windows%s",
        stats.calls,
        stats.records,
        stats.punches,
        stats.windows_done,
        "" if stats.finished else " (will resume)",
    )
    return stats
