"""The durable inbox: verified callbacks are stored first, then processed once, idempotently.

Webhook handlers call :func:`store` inside the request (before answering the platform), commit,
and then :func:`process` (in the request for chat replies, or later from the sweep). A replayed
callback finds its key already stored and is acknowledged without being processed again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.dispatch import Context, Reply, dispatch
from bot.events import Event
from bot.models import InboundEvent, utcnow
from bot.runtime import Runtime

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5

Normaliser = Callable[[str, dict[str, Any]], list[Event]]
_normalisers: dict[str, Normaliser] = {}


def register_normaliser(platform: str, fn: Normaliser) -> None:
    """Set the function that turns a stored ``(event_type, payload)`` of ``platform`` into events."""
    _normalisers[platform] = fn


def store(session: Session, platform: str, key: str, event_type: str, payload: dict[str, Any]) -> tuple[int, bool]:
    """Insert the event unless its key is known. Returns ``(event id, newly stored)``."""
    values = {
        "platform": platform,
        "idempotency_key": key[:255],
        "event_type": event_type[:64],
        "payload": payload,
        "status": "pending",
        "attempts": 0,
        "received_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    ins = pg_insert(InboundEvent) if dialect == "postgresql" else sqlite_insert(InboundEvent)
    stmt = ins.values(**values).on_conflict_do_nothing(index_elements=["platform", "idempotency_key"])
    result = session.execute(stmt.returning(InboundEvent.id))
    new_id = result.scalar_one_or_none()
    if new_id is not None:
        return new_id, True
    existing = session.scalar(
        select(InboundEvent.id).where(InboundEvent.platform == platform, InboundEvent.idempotency_key == key[:255])
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
        .values(status="processing", attempts=InboundEvent.attempts + 1)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def process(runtime: Runtime, event_id: int) -> list[Reply]:
    """Process one stored event once; returns the replies its handlers produced."""
    with runtime.db.session() as s:
        if not _claim(s, event_id):
            return []
    with runtime.db.session() as s:
        row = s.get(InboundEvent, event_id)
        assert row is not None
        platform, event_type, payload = row.platform, row.event_type, row.payload
    normalise = _normalisers.get(platform)
    try:
        events = normalise(event_type, payload) if normalise else []
        replies: list[Reply] = []
        with runtime.db.session() as s:
            ctx = Context(runtime=runtime, session=s)
            for event in events:
                replies.extend(dispatch(event, ctx))
            ctx.replies = []
            s.execute(
                update(InboundEvent)
                .where(InboundEvent.id == event_id)
                .values(status="processed" if events else "ignored", processed_at=utcnow(), error=None)
            )
        return replies
    except Exception as exc:
        # Keep the event and the reason; the sweep retries it up to MAX_ATTEMPTS.
        log.exception("processing inbound event %s (%s/%s) failed", event_id, platform, event_type)
        with runtime.db.session() as s:
            s.execute(
                update(InboundEvent)
                .where(InboundEvent.id == event_id)
                .values(status="failed", error=f"{type(exc).__name__}: {exc}"[:2000])
            )
        return []


def process_pending(runtime: Runtime, limit: int = 500) -> int:
    """Process stored events not yet done (e.g. after a crash); returns how many were tried."""
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
