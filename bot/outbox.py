"""The durable outbox: messages are rows (with an idempotency key) before anything is sent.

``enqueue`` is called inside the caller's unit of work, so a message exists if and only if the
change that caused it was committed. ``send_pending`` drains due rows: claims them, calls the
platform, and records the outcome; failures are retried with exponential backoff and jitter.
"""

from __future__ import annotations

import logging
import random
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.errors import PlatformAPIError
from bot.models import OutboxMessage
from bot.platforms.base import Button, Card, SendResult
from bot.runtime import Runtime
from bot.sqlutil import dialect_insert

log = logging.getLogger(__name__)

Kind = Literal["text", "markdown", "card", "card_update"]
MAX_ATTEMPTS = 8
BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 3600
STALE_SENDING = timedelta(minutes=10)


def card_payload(card: Card) -> dict[str, Any]:
    """A card as stored in the outbox payload."""
    return {"card": asdict(card)}


def card_from_payload(payload: dict[str, Any]) -> Card:
    raw = dict(payload["card"])
    raw["buttons"] = tuple(Button(**b) for b in raw.get("buttons", ()))
    return Card(**raw)


def enqueue(
    session: Session,
    *,
    key: str,
    recipient: str,
    kind: Kind,
    payload: dict[str, Any],
    platform: str,
    not_before: datetime | None = None,
) -> int | None:
    """Add a message unless one with ``key`` exists; returns the new row id or None if it existed.

    Payloads: text ``{"text"}``; markdown ``{"title", "text"}``; card ``card_payload(card)``;
    card_update ``card_payload(card) | {"ref": {...}}``.
    """
    values: dict[str, Any] = {
        "idempotency_key": key[:255],
        "platform": platform,
        "recipient": recipient,
        "kind": kind,
        "payload": payload,
        "status": "pending",
        "attempts": 0,
    }
    if not_before is not None:
        values["next_attempt_at"] = not_before
    else:
        from bot.models import utcnow

        values["next_attempt_at"] = utcnow()
    stmt = (
        dialect_insert(session, OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(OutboxMessage.id)
    )
    new_id: int | None = session.execute(stmt).scalar_one_or_none()
    return new_id


def backoff(attempts: int, rnd: random.Random | None = None) -> timedelta:
    """Exponential backoff with full jitter: up to 30 s · 2^(attempts-1), capped at one hour."""
    ceiling = min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** max(0, attempts - 1))
    return timedelta(seconds=(rnd or random).uniform(ceiling / 2, ceiling))


def deliver(runtime: Runtime, msg: OutboxMessage) -> SendResult:
    """Call the platform for one outbox row."""
    platform = runtime.platform(msg.platform)
    p = msg.payload
    if msg.kind == "text":
        return platform.send_text(msg.recipient, p["text"])
    if msg.kind == "markdown":
        return platform.send_markdown(msg.recipient, p["title"], p["text"])
    if msg.kind == "card":
        return platform.send_card(msg.recipient, card_from_payload(p))
    if msg.kind == "card_update":
        return platform.update_card(msg.recipient, card_from_payload(p), p.get("ref") or {})
    raise PlatformAPIError(f"unknown outbox message kind {msg.kind!r}", retryable=False)


def _claim(runtime: Runtime, limit: int) -> list[int]:
    """Mark up to ``limit`` due rows as ``sending`` and return their ids (SKIP LOCKED on PostgreSQL)."""
    now = runtime.clock.now()
    with runtime.db.session() as s:
        due = (
            select(OutboxMessage.id)
            .where(
                or_(
                    (OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now),
                    # A worker that died mid-send leaves "sending" rows; retry them after a while.
                    (OutboxMessage.status == "sending") & (OutboxMessage.next_attempt_at <= now - STALE_SENDING),
                )
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
        if runtime.db.dialect == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list(s.scalars(due))
        if ids:
            s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(status="sending", next_attempt_at=now, attempts=OutboxMessage.attempts + 1)
            )
    return ids


def send_pending(runtime: Runtime, limit: int = 200) -> dict[str, int]:
    """Drain due messages once; returns counts by outcome (sent, retry, failed)."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for msg_id in _claim(runtime, limit):
        with runtime.db.session() as s:
            msg = s.get(OutboxMessage, msg_id)
            assert msg is not None
            s.expunge(msg)
        try:
            result = deliver(runtime, msg)
        except PlatformAPIError as exc:
            outcome = _failed(runtime, msg, str(exc), retryable=exc.retryable)
        except Exception as exc:  # network errors and the like are worth another try
            outcome = _failed(runtime, msg, f"{type(exc).__name__}: {exc}", retryable=True)
        else:
            with runtime.db.session() as s:
                s.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == msg_id)
                    .values(status="sent", sent_at=runtime.clock.now(), platform_ref=result.ref, last_error=None)
                )
            outcome = "sent"
        counts[outcome] += 1
    return counts


def _failed(runtime: Runtime, msg: OutboxMessage, error: str, *, retryable: bool) -> str:
    give_up = not retryable or msg.attempts >= MAX_ATTEMPTS
    values: dict[str, Any] = {"last_error": error[:2000]}
    if give_up:
        values["status"] = "failed"
        log.warning("outbox message %s failed permanently after %s attempts", msg.id, msg.attempts)
    else:
        values["status"] = "pending"
        values["next_attempt_at"] = runtime.clock.now() + backoff(msg.attempts)
    with runtime.db.session() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.id == msg.id).values(**values))
    return "failed" if give_up else "retry"
