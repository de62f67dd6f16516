"""The durable outbox: messages are rows (with an idempotency key) before anything is sent.

``enqueue`` is called inside the caller's unit of work, so a message exists if and only if the
change that caused it was committed. ``send_pending`` drains due rows: claims them (pacing them
under the platforms' caps, see :mod:`bot.pipeline.outbox_pacing`), calls the platform, and records the
outcome; failures are retried with exponential backoff and jitter. docs/delivery.md states the
delivery guarantee.

Statuses: ``pending`` → ``sending`` → ``sent`` | ``failed`` (permanent error or attempts used up)
| ``duplicate`` (DingTalk would drop it: identical content already sent to the user today).
"""

from __future__ import annotations

import logging
import random
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.core.db import session_now
from bot.core.errors import PlatformAPIError
from bot.core.runtime import Runtime
from bot.core.sqlutil import dialect_insert
from bot.models import OutboxMessage
from bot.pipeline import outbox_pacing, sent_cards
from bot.pipeline.payloads import bounded_key
from bot.pipeline.platform import Button, Card, SendResult
from bot.pipeline.scheduler import current_leader

log = logging.getLogger(__name__)

Kind = Literal["text", "markdown", "card", "card_update", "reply"]
MAX_ATTEMPTS = 8  # default of [outbox].max_attempts
BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 3600
# A claimed row is "sending" until its claim deadline (next_attempt_at): long enough for one call
# with its timeouts, renewed just before the send, so a killed worker's unsent rows are retried
# within two minutes instead of ten, and a slow worker never sends a row someone else re-claimed.
CLAIM_SECONDS = 120
FINAL_STATUSES = ("sent", "failed", "duplicate")


def card_payload(card: Card) -> dict[str, Any]:
    """A card as stored in the outbox payload."""
    return {"card": asdict(card)}


def card_from_payload(payload: dict[str, Any]) -> Card:
    """The card stored by :func:`card_payload`."""
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
    card_update ``card_payload(card) | {"ref": {...}}``; reply (an answer to a chat message)
    ``{"text", "title"?, "userid", "session_webhook"?, "session_webhook_expires_at"? (ISO 8601),
    "is_group"?}`` with ``recipient`` = the conversation id (groups) or the sender's userid — a set
    ``title`` makes the text markdown.
    """
    now = session_now(session)
    values: dict[str, Any] = {
        "idempotency_key": bounded_key(key),
        "platform": platform,
        "recipient": recipient,
        "kind": kind,
        "payload": payload,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": not_before or now,
        "created_at": now,
    }
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
    try:
        platform = runtime.platform(msg.platform)
    except LookupError as exc:
        raise PlatformAPIError(f"{exc}; configure it or re-route the message", retryable=False) from None
    p = msg.payload
    if msg.kind == "text":
        return platform.send_text(msg.recipient, p["text"])
    if msg.kind == "markdown":
        return platform.send_markdown(msg.recipient, p["title"], p["text"])
    if msg.kind == "card":
        return platform.send_card(msg.recipient, card_from_payload(p))
    if msg.kind == "card_update":
        return platform.update_card(msg.recipient, card_from_payload(p), p.get("ref") or {})
    if msg.kind == "reply":
        return platform.reply(msg.recipient, p, dedupe_key=msg.idempotency_key)
    raise PlatformAPIError(f"unknown outbox message kind {msg.kind!r}", retryable=False)


def _due(now: datetime) -> Any:
    return or_(
        (OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now),
        # A worker that died mid-send leaves "sending" rows; retry them once their claim lapsed.
        (OutboxMessage.status == "sending") & (OutboxMessage.next_attempt_at <= now),
    )


def _claim(runtime: Runtime, limit: int, counts: dict[str, int]) -> list[OutboxMessage]:
    """Pace up to ``limit`` due rows and mark the admitted ones ``sending``; returns them (detached)."""
    now = runtime.clock.now()
    deadline = now + timedelta(seconds=CLAIM_SECONDS)
    with runtime.db.session() as s:
        due = select(OutboxMessage).where(_due(now)).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        due = due.limit(limit)
        if runtime.db.dialect == "postgresql":
            due = due.with_for_update(skip_locked=True)
        rows = list(s.scalars(due))
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
                    .where(OutboxMessage.id.in_(decided.admit), _due(now))
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


def send_pending(runtime: Runtime, limit: int | None = None) -> dict[str, int]:
    """Drain due messages once; returns counts by outcome (sent, retry, failed; deferred and
    duplicate when pacing held back or skipped some)."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    try:
        claimed = _claim(runtime, limit or runtime.settings.outbox.batch_size, counts)
    except OperationalError as exc:
        # SQLite allows one writer; a concurrent drain holding it means this one has nothing to do.
        log.info("outbox claim skipped: %s", type(exc.orig).__name__ if exc.orig else type(exc).__name__)
        return counts
    for index, msg in enumerate(claimed):
        if not _confirm_claim(runtime, msg):
            if _deposed(runtime):
                # A scheduler that lost its lease stops at once and hands the rest back.
                counts["released"] = _release(runtime, claimed[index:])
                log.warning("outbox drain stopped: this scheduler is no longer the leader")
                break
            continue  # someone re-claimed this row after our claim lapsed: it is theirs now
        try:
            result = deliver(runtime, msg)
        except PlatformAPIError as exc:
            outcome = _failed(runtime, msg, str(exc), retryable=exc.retryable, retry_after=_hint(exc))
        except Exception as exc:  # network errors and the like are worth another try
            outcome = _failed(runtime, msg, f"{type(exc).__name__}: {exc}", retryable=True)
        else:
            _mark_sent(runtime, msg.id, result)
            if msg.kind == "card":
                _remember_card(runtime, msg)
            outcome = "sent"
        counts[outcome] += 1
    return counts


def _still_ours(msg: OutboxMessage) -> Any:
    """The row is still in the claim we made: "sending" with the attempt count our claim gave it."""
    return and_(OutboxMessage.id == msg.id, OutboxMessage.status == "sending", OutboxMessage.attempts == msg.attempts)


def _deposed(runtime: Runtime) -> bool:
    leader = current_leader.get()
    if leader is None:
        return False
    with runtime.db.session() as s:
        return not s.scalar(select(leader.fence(runtime.clock.now())))


def _confirm_claim(runtime: Runtime, msg: OutboxMessage) -> bool:
    """Renew the row's claim just before sending it; False if it is no longer ours to send.

    The row must still be "sending" with the attempt count our claim gave it (nobody re-claimed it
    after a lapse), and a scheduler must still hold its lease with the same fencing token.
    """
    now = runtime.clock.now()
    stmt = update(OutboxMessage).where(_still_ours(msg)).values(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
    leader = current_leader.get()
    if leader is not None:
        stmt = stmt.where(leader.fence(now))
    with runtime.db.session() as s:
        return bool(s.execute(stmt).rowcount)  # type: ignore[attr-defined]


def _release(runtime: Runtime, rows: list[OutboxMessage]) -> int:
    """Hand claimed, unsent rows back as pending (their attempt not used), for the next leader."""
    released = 0
    with runtime.db.session() as s:
        for msg in rows:
            result = s.execute(
                update(OutboxMessage)
                .where(_still_ours(msg))
                .values(status="pending", attempts=msg.attempts - 1, next_attempt_at=runtime.clock.now())
            )
            released += int(result.rowcount)  # type: ignore[attr-defined]
    return released


def drain(runtime: Runtime, *, max_rounds: int = 50) -> dict[str, int]:
    """Send everything due now, batch after batch, until a round finds nothing to claim."""
    total: dict[str, int] = {"sent": 0, "retry": 0, "failed": 0}
    for _ in range(max_rounds):
        counts = send_pending(runtime)
        for key, value in counts.items():
            total[key] = total.get(key, 0) + value
        if not any(counts.values()):
            break
    return total


def _mark_sent(runtime: Runtime, msg_id: int, result: SendResult) -> None:
    with runtime.db.session() as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == msg_id)
            .values(status="sent", sent_at=runtime.clock.now(), platform_ref=result.ref, last_error=None)
        )


def _remember_card(runtime: Runtime, msg: OutboxMessage) -> None:
    """Clicks are believed only for cards delivered to the clicker (bot/pipeline/sent_cards.py)."""
    with runtime.db.session() as s:
        sent_cards.record(s, msg.platform, msg.recipient, card_from_payload(msg.payload), msg.id, runtime.clock.now())


def _hint(exc: PlatformAPIError) -> float | None:
    value = getattr(exc, "retry_after", None)
    return float(value) if value is not None else None


def _failed(
    runtime: Runtime, msg: OutboxMessage, error: str, *, retryable: bool, retry_after: float | None = None
) -> str:
    give_up = not retryable or msg.attempts >= runtime.settings.outbox.max_attempts
    values: dict[str, Any] = {"last_error": error[:2000]}
    if give_up:
        values["status"] = "failed"
        log.warning(
            "outbox message %s to %s failed after %s attempts: %s", msg.id, msg.platform, msg.attempts, error[:300]
        )
    else:
        values["status"] = "pending"
        delay = backoff(msg.attempts)
        if retry_after is not None:
            delay = max(delay, timedelta(seconds=retry_after))
        values["next_attempt_at"] = runtime.clock.now() + delay
    with runtime.db.session() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.id == msg.id).values(**values))
    return "failed" if give_up else "retry"


def requeue(runtime: Runtime, ids: list[int] | None = None, *, statuses: tuple[str, ...] = ("failed",)) -> int:
    """Send failed messages again (all of them, or ``ids``) from a fresh attempt count; returns how many."""
    stmt = update(OutboxMessage).where(OutboxMessage.status.in_(statuses))
    if ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    with runtime.db.session() as s:
        result = s.execute(
            stmt.values(status="pending", attempts=0, next_attempt_at=runtime.clock.now()).execution_options(
                synchronize_session=False
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
