"""Inbox processing in batches: claim hundreds of stored events at once and handle them together.

The web request only stores a callback (bot/pipeline/inbox_executor.py). A processor — a thread of
``carebot scheduler`` or ``carebot inbox work`` (bot/pipeline/inbox_worker.py), or the request
itself in ``inline`` mode — takes stored events in batches:

* **claim**: one ``UPDATE … RETURNING`` marks up to ``[inbox].batch_size`` rows ``processing``
  (attempts + 1, ``claimed_at``) and commits. On PostgreSQL the rows are picked ``FOR UPDATE SKIP
  LOCKED``, so any number of processors share the queue and never take the same row; SQLite has a
  single writer, so the ``UPDATE`` alone is the claim.
* **handle**, in one transaction: handlers with a batch form (punches → daily facts) run once for
  the whole batch — every punch stored with one directory look-up, each touched (employee, shift
  day) recomputed once, set-based; other handlers run per event, each in a savepoint, so a poison
  event fails alone (``failed`` with its reason) and the rest commit.
* **fall back**: if the batch as a whole fails (a batch form raises, the commit fails), each event
  is processed again on its own transaction, so one bad row never holds back the others.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, false, not_, or_, select, update
from sqlalchemy.orm import Session

from bot.core.db import session_now
from bot.core.logsafe import describe
from bot.core.runtime import Runtime
from bot.models import InboundEvent
from bot.pipeline import inbox
from bot.pipeline.dispatch import BatchHandler, Context, Handler, batch_form, handlers_for, has_work
from bot.pipeline.events import CardAction, Event
from bot.pipeline.inbox import MAX_ATTEMPTS, StoredEvent

log = logging.getLogger(__name__)

# A request answers its own chat message within a second; the sweep leaves it that long and more.
ANSWERED_GRACE = timedelta(seconds=60)

Claim = Callable[[Runtime, int], list[StoredEvent]]


@dataclass
class BatchStats:
    """What processing did: events claimed, and how each ended."""

    claimed: int = 0
    processed: int = 0
    ignored: int = 0
    failed: int = 0
    alone: int = 0  # processed one by one after their batch failed as a whole
    replied: int = 0  # events whose replies went to the outbox
    batches: int = 0
    more: bool = False  # the drain stopped on its time or count limit with full batches: more waits

    def add(self, other: BatchStats) -> None:
        for name in ("claimed", "processed", "ignored", "failed", "alone", "replied", "batches"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


# -- claiming -------------------------------------------------------------------------------------
def _answered_in_request() -> ColumnElement[bool]:
    """SQL true for event types the request processes itself (chat, card clicks)."""
    terms: list[ColumnElement[bool]] = []
    for platform, types in sorted(inbox.answered_in_request().items()):
        if types is None:
            terms.append(InboundEvent.platform == platform)
        elif types:
            terms.append(and_(InboundEvent.platform == platform, InboundEvent.event_type.in_(sorted(types))))
    return or_(*terms) if terms else false()


def _claim(session: Session, where: ColumnElement[bool], limit: int) -> list[StoredEvent]:
    """Mark up to ``limit`` rows matching ``where`` as processing and return them, oldest first."""
    pick = select(InboundEvent.id).where(where).order_by(InboundEvent.received_at, InboundEvent.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        # Rows another processor holds are skipped, not waited for: claims never block each other.
        pick = pick.with_for_update(skip_locked=True)
    rows = session.execute(
        update(InboundEvent)
        .where(InboundEvent.id.in_(pick))
        .values(status="processing", attempts=InboundEvent.attempts + 1, claimed_at=session_now(session))
        .returning(
            InboundEvent.id,
            InboundEvent.platform,
            InboundEvent.idempotency_key,
            InboundEvent.event_type,
            InboundEvent.payload,
        )
        .execution_options(synchronize_session=False)
    ).all()
    return sorted((StoredEvent(*row) for row in rows), key=lambda e: e.id)


def claim_next(runtime: Runtime, limit: int) -> list[StoredEvent]:
    """Claim the oldest pending events, leaving fresh chat messages and clicks to their requests."""
    with runtime.db.session() as s:
        return _claim(s, and_(InboundEvent.status == "pending", not_(_answered_in_request())), limit)


def claim_due(runtime: Runtime, limit: int) -> list[StoredEvent]:
    """Claim pending and failed events with attempts left (the sweep); fresh chat is left alone."""
    with runtime.db.session() as s:
        cutoff = session_now(s) - ANSWERED_GRACE
        where = and_(
            InboundEvent.status.in_(("pending", "failed")),
            InboundEvent.attempts < MAX_ATTEMPTS,
            or_(
                not_(_answered_in_request()),
                InboundEvent.status == "failed",
                InboundEvent.received_at < cutoff,
            ),
        )
        return _claim(s, where, limit)


def claim_ids(runtime: Runtime, ids: Iterable[int]) -> list[StoredEvent]:
    """Claim exactly these events, if they are still to do (inline mode)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    with runtime.db.session() as s:
        where = and_(
            InboundEvent.id.in_(wanted),
            InboundEvent.status.in_(("pending", "failed")),
            InboundEvent.attempts < MAX_ATTEMPTS,
        )
        return _claim(s, where, len(wanted))


# -- processing -----------------------------------------------------------------------------------
@dataclass
class _Planned:
    stored: StoredEvent
    events: list[Event]
    batched: set[Handler]  # handlers of these events whose batch forms run instead
    per_event: bool  # some handler must run on this event alone (in a savepoint)


def _plan(stored: StoredEvent, events: list[Event]) -> _Planned:
    batched: set[Handler] = set()
    for event in events:
        batched.update(h for h in handlers_for(type(event)) if batch_form(h) is not None)
    # A card click is checked against the cards sent even when nothing listens (inbox.handle).
    alone = any(has_work(e, skip=batched) or isinstance(e, CardAction) for e in events)
    return _Planned(stored, events, batched, alone)


def _mark_failed(session: Session, event_id: int, reason: str) -> None:
    session.execute(
        update(InboundEvent).where(InboundEvent.id == event_id).values(status="failed", error=reason, processed_at=None)
    )


def _set_status(session: Session, ids: list[int], status: str) -> None:
    if ids:
        session.execute(
            update(InboundEvent)
            .where(InboundEvent.id.in_(ids))
            .values(status=status, processed_at=session_now(session), error=None)
            .execution_options(synchronize_session=False)
        )


def _handle_batch(runtime: Runtime, planned: list[_Planned], stats: BatchStats, failed: dict[int, str]) -> None:
    """Everything in one transaction: per-event handlers in savepoints, batch forms once, statuses."""
    ignored: list[int] = []
    with runtime.db.session() as s:
        # Every event is marked processed first, the exceptions (ignored, failed) corrected at the
        # end. Writing first also opens the transaction: SQLite's driver begins one only at the
        # first write, and a savepoint taken before it would commit on its own when released.
        _set_status(s, [item.stored.id for item in planned], "processed")
        ctx = Context(runtime=runtime, session=s)
        groups: dict[BatchHandler, list[Any]] = defaultdict(list)
        for item in planned:
            stored, events = item.stored, item.events
            if item.per_event:
                try:
                    with s.begin_nested():
                        sink = inbox.reply_sink(stored.platform)
                        replies = inbox.handle(ctx, stored, events, sink, skip=item.batched)
                except Exception as exc:
                    where = f"{stored.id} ({stored.platform}/{stored.event_type})"
                    log.error("processing inbound event %s failed: %s", where, describe(exc))
                    failed[stored.id] = inbox.failure_reason(exc)
                    continue
                stats.replied += bool(replies)
            for event in events:
                for handler in handlers_for(type(event)):
                    form = batch_form(handler) if handler in item.batched else None
                    if form is not None:
                        groups[form].append(event)
            if not events:
                ignored.append(stored.id)
        for form, group in groups.items():
            form(group, ctx)  # a failure here fails the transaction: the caller goes one by one
        _set_status(s, ignored, "ignored")
        for event_id, reason in failed.items():
            _mark_failed(s, event_id, reason)
    stats.ignored += len(ignored)
    stats.failed += len(failed)
    stats.processed += len(planned) - len(ignored) - len([i for i in planned if i.stored.id in failed])


def process_batch(runtime: Runtime, claimed: list[StoredEvent]) -> BatchStats:
    """Process events this worker has claimed; every one ends processed, ignored or failed."""
    stats = BatchStats(claimed=len(claimed), batches=1 if claimed else 0)
    failed: dict[int, str] = {}
    planned: list[_Planned] = []
    for stored in claimed:
        try:
            events = inbox.normalise(stored)
        except Exception as exc:
            where = f"{stored.id} ({stored.platform}/{stored.event_type})"
            log.error("normalising inbound event %s failed: %s", where, describe(exc))
            failed[stored.id] = inbox.failure_reason(exc)
            continue
        planned.append(_plan(stored, events))
    if not claimed:
        return stats
    try:
        _handle_batch(runtime, planned, stats, failed)
    except Exception as exc:
        log.warning("a batch of %d inbound events failed (%s); processing them one by one", len(claimed), describe(exc))
        stats = BatchStats(claimed=len(claimed), batches=1)
        for stored in claimed:
            replies = inbox.run_claimed(runtime, stored)
            status = _status_of(runtime, stored.id)
            stats.alone += 1
            stats.replied += bool(replies)
            if status == "failed":
                stats.failed += 1
            elif status == "ignored":
                stats.ignored += 1
            else:
                stats.processed += 1
    return stats


def _status_of(runtime: Runtime, event_id: int) -> str | None:
    with runtime.db.session() as s:
        return s.scalar(select(InboundEvent.status).where(InboundEvent.id == event_id))


# -- draining -------------------------------------------------------------------------------------
def drain(
    runtime: Runtime,
    *,
    claim: Claim = claim_next,
    batch_size: int | None = None,
    limit: int | None = None,
    budget_seconds: float | None = None,
) -> BatchStats:
    """Claim and process batches until none is left, ``limit`` events were claimed or time is up."""
    size = batch_size or runtime.settings.inbox.batch_size
    started = time.monotonic()  # elapsed work time, not business time
    total = BatchStats()
    while limit is None or total.claimed < limit:
        want = size if limit is None else min(size, limit - total.claimed)
        batch = claim(runtime, want)
        if not batch:
            break
        total.add(process_batch(runtime, batch))
        if len(batch) < want:
            break
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            total.more = True
            break
    else:
        total.more = True
    return total


def sweep(runtime: Runtime, limit: int) -> BatchStats:
    """Retry failed events and pick up any left pending (the scheduler's 30-second safety net)."""
    return drain(runtime, claim=claim_due, limit=limit)


def process_ids(runtime: Runtime, ids: Iterable[int]) -> BatchStats:
    """Process exactly these stored events now, as one batch (inline mode, tests)."""
    return process_batch(runtime, claim_ids(runtime, ids))
