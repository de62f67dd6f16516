"""The durable inbox: verified callbacks are stored first, then processed once, idempotently.

Webhook handlers call :func:`store` inside the request (before answering the platform), commit,
and then :func:`process` (in the request for chat replies, or later from the sweep). A replayed
callback finds its key already stored and is acknowledged without being processed again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from bot.core.db import session_now
from bot.core.logsafe import describe
from bot.core.runtime import Runtime
from bot.core.sqlutil import dialect_insert
from bot.models import InboundEvent
from bot.pipeline import sent_cards
from bot.pipeline.dispatch import Context, Handler, Reply, dispatch
from bot.pipeline.events import CardAction, Event
from bot.pipeline.payloads import bounded_key, storable

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
# Event types the request itself processes, because their replies are its answer (chat, card
# clicks); None means every type of the platform. Batch processors leave them to the request.
_answered_in_request: dict[str, frozenset[str] | None] = {}


def register_normaliser(platform: str, fn: Normaliser) -> None:
    """Set the function that turns a stored ``(event_type, payload)`` of ``platform`` into events."""
    _normalisers[platform] = fn


def register_reply_sink(platform: str, fn: ReplySink) -> None:
    """Set how replies of ``platform`` events go out when no caller answers them (e.g. the sweep).

    The sink runs inside the processing transaction, so replies it puts in the outbox are committed
    together with the event's "processed" status, or not at all.
    """
    _sinks[platform] = fn


def register_answered_in_request(platform: str, event_types: Iterable[str] | None) -> None:
    """Declare the ``platform`` event types processed in the request (None: all of them).

    The batch processor does not claim these while they are fresh: taking one before the request
    does would leave the person in the chat without the answer. The sweep still retries them once
    they failed, or when a request died before processing its event.
    """
    _answered_in_request[platform] = None if event_types is None else frozenset(event_types)


def answered_in_request() -> dict[str, frozenset[str] | None]:
    """What :func:`register_answered_in_request` declared, per platform."""
    return dict(_answered_in_request)


_STORE_COLUMNS = (
    "platform",
    "idempotency_key",
    "event_type",
    "payload",
    "raw_payload",
    "status",
    "attempts",
    "received_at",
)
_store_statements: dict[str, Any] = {}


def _store_statement(session: Session) -> Any:
    """The ``INSERT … ON CONFLICT DO NOTHING RETURNING id`` of :func:`store`, built once per dialect.

    Every callback runs it: building the statement anew each time cost more CPU than the rest of
    the request's Python (values are bound at execution, so one statement serves all).
    """
    dialect = session.get_bind().dialect.name
    stmt = _store_statements.get(dialect)
    if stmt is None:
        table = InboundEvent.__table__
        params = {c: bindparam(f"v_{c}", type_=table.c[c].type) for c in _STORE_COLUMNS}
        stmt = (
            dialect_insert(session, InboundEvent)
            .values(params)
            .on_conflict_do_nothing(index_elements=["platform", "idempotency_key"])
            .returning(InboundEvent.id)
        )
        _store_statements[dialect] = stmt
    return stmt


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
    result = session.execute(_store_statement(session), {f"v_{k}": v for k, v in values.items()})
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


def handle(
    ctx: Context,
    stored: StoredEvent,
    events: list[Event],
    deliver: ReplySink | None,
    *,
    skip: frozenset[Handler] | set[Handler] = frozenset(),
) -> list[Reply]:
    """Run the handlers of one stored event's normalised events in ``ctx.session``; deliver replies.

    ``skip`` leaves out handlers whose batch form the caller runs instead (bot/pipeline/inbox_batch.py).
    """
    replies: list[Reply] = []
    s, runtime = ctx.session, ctx.runtime
    for event in events:
        if isinstance(event, CardAction) and not sent_cards.admit(s, event, runtime.clock.now()):
            continue  # a forged or guessed click: nothing happens, nothing is echoed
        ctx.replies = []
        replies.extend(dispatch(event, ctx, skip=skip))
    ctx.replies = []
    if replies and deliver is not None:
        deliver(s, stored, replies)
    return replies


def normalise(stored: StoredEvent) -> list[Event]:
    """The stored event's normalised events (none when its platform has no normaliser)."""
    fn = _normalisers.get(stored.platform)
    return fn(stored.event_type, stored.payload) if fn else []


def reply_sink(platform: str) -> ReplySink | None:
    """The reply sink registered for ``platform``."""
    return _sinks.get(platform)


def failure_reason(exc: BaseException) -> str:
    """What is kept in ``inbound_events.error`` (the column, not a log: it may quote the payload)."""
    return f"{type(exc).__name__}: {exc}"[:2000]


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
    return run_claimed(runtime, stored, sink=sink)


def run_claimed(runtime: Runtime, stored: StoredEvent, *, sink: ReplySink | None = None) -> list[Reply]:
    """Process an event this worker has claimed, in one transaction; failures are kept on the row."""
    event_id, platform, event_type = stored.id, stored.platform, stored.event_type
    deliver = sink or _sinks.get(platform)
    try:
        events = normalise(stored)
        with runtime.db.session() as s:
            replies = handle(Context(runtime=runtime, session=s), stored, events, deliver)
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
                .values(status="failed", error=failure_reason(exc))
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
    """Process stored events not yet done (after a crash, or failed); returns how many were tried.

    Reclaims events stuck in processing first, then handles up to ``limit`` due events in batches
    (bot/pipeline/inbox_batch.py).
    """
    from bot.pipeline import inbox_batch  # it builds on this module

    reclaim_stuck(runtime, timedelta(minutes=runtime.settings.inbox.stuck_after_minutes))
    return inbox_batch.sweep(runtime, limit).claimed
