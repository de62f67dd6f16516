"""The durable inbox: verified callbacks are stored first, then processed once, idempotently.

Webhook handlers call :func:`store` inside the request (before answering the platform), commit,
and then :func:`process` (in the request for chat replies, or later from the sweep). A replayed
callback finds its key already stored and is acknowledged without being processed again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.core.db import session_now
from bot.core.runtime import Runtime
from bot.core.sqlutil import dialect_insert
from bot.models import InboundEvent
from bot.pipeline.dispatch import Context, Reply, dispatch
from bot.pipeline.events import CardAction, Event
from bot.pipeline.payloads import bounded_key, storable
from bot.security import sent_cards
from bot.security.logsafe import describe

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5

Normaliser = Callable[[str, dict[str, Any]], list[Event]]
_normalisers: dict[str, Normaliser] = {}


@dataclass(frozen=True)
class StoredEvent:
    """What a reply sink needs to know about the event whose replies it delivers."""

    id: int
    platform: str
    idempotency_key: str
    event_type: str
    payload: dict[str, Any]


ReplySink = Callable[[Session, StoredEvent, list[Reply]], None]
_sinks: dict[str, ReplySink] = {}


def register_normaliser(platform: str, fn: Normaliser) -> None:
    """Set the function that turns a stored ``(event_type, payload)`` of ``platform`` into events."""
    _normalisers[platform] = fn


def register_reply_sink(platform: str, fn: ReplySink) -> None:
    """Set how replies of ``platform`` events go out when no caller answers them (e.g. the sweep).

    The sink runs inside the processing transaction, so replies it puts in the outbox are committed
    together with the event's "processed" status, or not at all.
    """
    _sinks[platform] = fn


def store(
    session: Session,
    platform: str,
    key: str,
    event_type: str,
    payload: dict[str, Any],
    *,
    raw: bytes | None = None,
) -> tuple[int, bool]:
    """Insert the event unless its key is known. Returns ``(event id, newly stored)``.

    A payload the database could not store (NUL, lone surrogates) is stored sanitised, with the
    original in ``raw_payload``; ``raw`` keeps bytes that could not be parsed at all.
    """
    key = bounded_key(key)
    payload, original = storable(payload)
    values = {
        "platform": platform,
        "idempotency_key": key,
        "event_type": event_type[:64],
        "payload": payload,
        "raw_payload": raw if raw is not None else original,
        "status": "pending",
        "attempts": 0,
        "received_at": session_now(session),
    }
    stmt = (
        dialect_insert(session, InboundEvent)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["platform", "idempotency_key"])
    )
    result = session.execute(stmt.returning(InboundEvent.id))
    new_id = result.scalar_one_or_none()
    if new_id is not None:
        return new_id, True
    existing = session.scalar(
        select(InboundEvent.id).where(InboundEvent.platform == platform, InboundEvent.idempotency_key == key)
    )
    assert existing is not None
    return existing, False


def _claim(session: Session, event_id: int) -> bool:
    """Mark the event as being processed; False if another worker has it or it is done."""
    result = session.execute(
        update(InboundEvent)
        .where(
            InboundEvent.id == event_id,
            InboundEvent.status.in_(("pending", "failed")),
            InboundEvent.attempts < MAX_ATTEMPTS,
        )
        .values(status="processing", attempts=InboundEvent.attempts + 1, claimed_at=session_now(session))
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def process(runtime: Runtime, event_id: int, *, sink: ReplySink | None = None) -> list[Reply]:
    """Process one stored event once; returns the replies its handlers produced.

    ``sink`` (default: the one registered for the platform, if any) receives the replies inside
    the processing transaction; a caller that answers synchronously passes its own.
    """
    with runtime.db.session() as s:
        # The claim commits before any handler runs, so a concurrent worker sees it and backs off.
        if not _claim(s, event_id):
            return []
        row = s.get(InboundEvent, event_id)
        assert row is not None
        stored = StoredEvent(row.id, row.platform, row.idempotency_key, row.event_type, row.payload)
    platform, event_type, payload = stored.platform, stored.event_type, stored.payload
    normalise = _normalisers.get(platform)
    deliver = sink or _sinks.get(platform)
    try:
        events = normalise(event_type, payload) if normalise else []
        replies: list[Reply] = []
        with runtime.db.session() as s:
            ctx = Context(runtime=runtime, session=s)
            for event in events:
                if isinstance(event, CardAction) and not sent_cards.admit(s, event, runtime.clock.now()):
                    continue  # a forged or guessed click: nothing happens, nothing is echoed
                replies.extend(dispatch(event, ctx))
            ctx.replies = []
            if replies and deliver is not None:
                deliver(s, stored, replies)
            s.execute(
                update(InboundEvent)
                .where(InboundEvent.id == event_id)
                .values(status="processed" if events else "ignored", processed_at=session_now(s), error=None)
            )
        return replies
    except Exception as exc:
        # Keep the event and the reason; the sweep retries it up to MAX_ATTEMPTS.
        # Class and location only: the exception's text may quote the decrypted payload.
        log.error("processing inbound event %s (%s/%s) failed: %s", event_id, platform, event_type, describe(exc))
        with runtime.db.session() as s:
            s.execute(
                update(InboundEvent)
                .where(InboundEvent.id == event_id)
                .values(status="failed", error=f"{type(exc).__name__}: {exc}"[:2000])
            )
        return []


def reclaim_stuck(runtime: Runtime, older_than: timedelta) -> int:
    """Mark events left "processing" by a crashed worker as failed, so the sweep retries them.

    Age is measured from the claim, not from receipt: an event received long ago and claimed just
    before the database died is retried ``older_than`` after that claim, not 15 minutes late or early.
    """
    cutoff = runtime.clock.now() - older_than
    with runtime.db.session() as s:
        claimed = func.coalesce(InboundEvent.claimed_at, InboundEvent.received_at)
        result = s.execute(
            update(InboundEvent)
            .where(InboundEvent.status == "processing", claimed < cutoff)
            .values(status="failed", error="interrupted while processing (worker stopped)")
        )
        count = int(result.rowcount)  # type: ignore[attr-defined]
    if count:
        log.warning("reclaimed %s inbound events stuck in processing", count)
    return count


def process_pending(runtime: Runtime, limit: int = 500) -> int:
    """Process stored events not yet done (e.g. after a crash); returns how many were tried."""
    reclaim_stuck(runtime, timedelta(minutes=runtime.settings.inbox.stuck_after_minutes))
    with runtime.db.session() as s:
        ids = list(
            s.scalars(
                select(InboundEvent.id)
                .where(
                    InboundEvent.status.in_(("pending", "failed")),
                    InboundEvent.attempts < MAX_ATTEMPTS,
                )
                .order_by(InboundEvent.id)
                .limit(limit)
            )
        )
    for event_id in ids:
        process(runtime, event_id)
    return len(ids)
