"""Who may send an outbox row: claims with short deadlines, confirmed (and fenced) before each call.

A sender claims due rows by switching them to ``sending`` with a claim deadline (guarded
``UPDATE … RETURNING``, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL), renews the claim just before
each platform call, and hands unsent rows back when its scheduler lost the lease. A row whose
claim lapsed (its sender died) is due again for anyone; ``unsure_since``, committed just before
the message request is written (:func:`mark_unsure`), tells the next sender whether the dead one
had started handing the platform the message.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update

from bot.core.runtime import Runtime
from bot.models import OutboxMessage
from bot.pipeline import outbox_pacing
from bot.pipeline.scheduler import current_leader

# A claimed row is "sending" until its claim deadline (next_attempt_at): long enough for one call
# with its timeouts, renewed just before the send, so a killed worker's unsent rows are retried
# within two minutes instead of ten, and a slow worker never sends a row someone else re-claimed.
CLAIM_SECONDS = 120  # the default of [outbox].claim_seconds


def due(now: datetime) -> Any:
    """Rows to send now: pending and due, or "sending" with a lapsed claim."""
    return or_(
        (OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now),
        # A worker that died mid-send leaves "sending" rows; retry them once their claim lapsed.
        (OutboxMessage.status == "sending") & (OutboxMessage.next_attempt_at <= now),
    )


def claim(runtime: Runtime, limit: int, counts: dict[str, int]) -> list[OutboxMessage]:
    """Pace up to ``limit`` due rows and mark the admitted ones ``sending``; returns them (detached)."""
    now = runtime.clock.now()
    deadline = now + timedelta(seconds=runtime.settings.outbox.claim_seconds)
    with runtime.db.session() as s:
        query = select(OutboxMessage).where(due(now)).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        query = query.limit(limit)
        if runtime.db.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list(s.scalars(query))
        if not rows:
            return []
        decided = outbox_pacing.plan(s, runtime.settings, rows, now)
        s.expunge_all()
        for row_id, (until, why) in decided.defer.items():
            s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id)
                .values(status="pending", next_attempt_at=until, last_error=f"paced: {why}")
                .execution_options(synchronize_session=False)
            )
        for row_id, original in decided.duplicate.items():
            s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id)
                .values(
                    status="duplicate",
                    platform_ref={"duplicate_of": original},
                    last_error=f"identical content already sent to this user today (message {original}); "
                    "DingTalk delivers one identical work notification per user per day",
                )
                .execution_options(synchronize_session=False)
            )
        if not decided.admit:
            ids: list[int] = []
        else:
            # The status guard makes a concurrent claimer (SQLite has no SKIP LOCKED) lose the row, not send it twice.
            ids = list(
                s.scalars(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(decided.admit), due(now))
                    .values(status="sending", next_attempt_at=deadline, attempts=OutboxMessage.attempts + 1)
                    .returning(OutboxMessage.id)
                    .execution_options(synchronize_session=False)
                )
            )
    if decided.defer:
        counts["deferred"] = counts.get("deferred", 0) + len(decided.defer)
    if decided.duplicate:
        counts["duplicate"] = counts.get("duplicate", 0) + len(decided.duplicate)
    got = set(ids)
    claimed = [r for r in rows if r.id in got]
    for row in claimed:  # what the UPDATE wrote, without reading the rows again
        row.status, row.next_attempt_at, row.attempts = "sending", deadline, row.attempts + 1
    return claimed


def still_ours(msg: OutboxMessage) -> Any:
    """The row is still in the claim we made: "sending" with the attempt count our claim gave it."""
    return and_(OutboxMessage.id == msg.id, OutboxMessage.status == "sending", OutboxMessage.attempts == msg.attempts)


def deposed(runtime: Runtime) -> bool:
    leader = current_leader.get()
    if leader is None:
        return False
    with runtime.db.session() as s:
        return not s.scalar(select(leader.fence(runtime.clock.now())))


def confirm(runtime: Runtime, msg: OutboxMessage, *, mark_unsure: bool = True) -> bool:
    """Renew the row's claim just before sending it; False if it is no longer ours to send.

    The row must still be "sending" with the attempt count our claim gave it (nobody re-claimed it
    after a lapse), and a scheduler must still hold its lease with the same fencing token.
    ``mark_unsure`` records the call as started (see :func:`mark_unsure`) in the same write, for
    platforms that cannot say when their request goes out.
    """
    now = runtime.clock.now()
    values: dict[str, Any] = {"next_attempt_at": now + timedelta(seconds=runtime.settings.outbox.claim_seconds)}
    if mark_unsure:
        values["unsure_since"] = func.coalesce(OutboxMessage.unsure_since, now)
    stmt = update(OutboxMessage).where(still_ours(msg)).values(**values)
    leader = current_leader.get()
    if leader is not None:
        stmt = stmt.where(leader.fence(now))
    with runtime.db.session() as s:
        confirmed = bool(s.execute(stmt).rowcount)  # type: ignore[attr-defined]
    if confirmed and mark_unsure:
        msg.unsure_since = msg.unsure_since or now
    return confirmed


def mark_unsure(runtime: Runtime, msg: OutboxMessage) -> None:
    """Record, before the request is written, that the platform may have the message from now on.

    Committed first: a sender killed during the call leaves the row saying so, and the next sender
    repeats it only where the platform would drop the repeat.
    """
    now = runtime.clock.now()
    with runtime.db.session() as s:
        s.execute(
            update(OutboxMessage)
            .where(still_ours(msg))
            .values(unsure_since=func.coalesce(OutboxMessage.unsure_since, now))
        )
    msg.unsure_since = msg.unsure_since or now


def release(runtime: Runtime, rows: list[OutboxMessage]) -> int:
    """Hand claimed, unsent rows back as pending (their attempt not used), for the next leader."""
    released = 0
    with runtime.db.session() as s:
        for msg in rows:
            result = s.execute(
                update(OutboxMessage)
                .where(still_ours(msg))
                .values(status="pending", attempts=msg.attempts - 1, next_attempt_at=runtime.clock.now())
            )
            released += int(result.rowcount)  # type: ignore[attr-defined]
    return released
