"""The durable outbox: messages are rows (with an idempotency key) before anything is sent.

``enqueue`` is called inside the caller's unit of work, so a message exists if and only if the
change that caused it was committed. ``send_pending`` drains due rows: claims them
(:mod:`bot.pipeline.outbox_claims`, paced under the platforms' caps by
:mod:`bot.pipeline.outbox_pacing`), calls the platform, and records the outcome; failures are
retried with exponential backoff and jitter. docs/delivery.md states the delivery guarantee.

Statuses: ``pending`` → ``sending`` → ``sent`` | ``failed`` (permanent error or attempts used up)
| ``duplicate`` (DingTalk would drop it: identical content already sent to the user today)
| ``unknown`` (a call got no answer — a read timeout, a sender killed mid-call — and sending it
again could show the user a second copy; only ``carebot outbox retry --force`` sends it again).

A call without an answer is repeated only where the platform itself drops the repeat (its
dedupe key or rule, see each platform's ``repeat_risk``); docs/delivery.md has the state machine.
"""

from __future__ import annotations

import logging
import random
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.core.db import session_now
from bot.core.errors import PlatformAPIError
from bot.core.runtime import Runtime
from bot.core.sqlutil import dialect_insert
from bot.models import OutboxMessage
from bot.pipeline import outbox_claims as claims
from bot.pipeline import sent_cards
from bot.pipeline.payloads import bounded_key
from bot.pipeline.platform import Button, Card, SendResult, delivery_starting

log = logging.getLogger(__name__)

Kind = Literal["text", "markdown", "card", "card_update", "reply"]
MAX_ATTEMPTS = 8  # default of [outbox].max_attempts
BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 3600
FINAL_STATUSES = ("sent", "failed", "duplicate", "unknown")


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


def send_pending(runtime: Runtime, limit: int | None = None) -> dict[str, int]:
    """Drain due messages once; returns counts by outcome (sent, retry, failed; deferred and
    duplicate when pacing held back or skipped some)."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    try:
        claimed = claims.claim(runtime, limit or runtime.settings.outbox.batch_size, counts)
    except OperationalError as exc:
        # SQLite allows one writer; a concurrent drain holding it means this one has nothing to do.
        log.info("outbox claim skipped: %s", type(exc.orig).__name__ if exc.orig else type(exc).__name__)
        return counts
    for index, msg in enumerate(claimed):
        earlier = msg.unsure_since  # an earlier call that got no answer, if any
        announces = bool(getattr(runtime.platforms.get(msg.platform), "announces_deliveries", False))
        if not claims.confirm(runtime, msg, mark_unsure=not announces):
            if claims.deposed(runtime):
                # A scheduler that lost its lease stops at once and hands the rest back.
                counts["released"] = claims.release(runtime, claimed[index:])
                log.warning("outbox drain stopped: this scheduler is no longer the leader")
                break
            continue  # someone re-claimed this row after our claim lapsed: it is theirs now
        risk = _repeat_risk(runtime, msg, earlier) if earlier is not None else None
        if risk is not None:
            # The platform may already have shown it and would show a repeat: ask a human instead.
            outcome = _mark_unknown(runtime, msg, "an earlier try got no answer", risk, earlier)
        else:
            outcome = _send_one(runtime, msg, earlier)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _send_one(runtime: Runtime, msg: OutboxMessage, earlier: datetime | None) -> str:
    """Call the platform for a confirmed row and record the outcome; returns its count key."""
    token = delivery_starting.set(lambda: claims.mark_unsure(runtime, msg))
    try:
        result = deliver(runtime, msg)
    except PlatformAPIError as exc:
        # No answer: the platform may have the message since this call (or the earlier one).
        unsure = (earlier or msg.unsure_since) if exc.delivery_unknown else earlier
        return _failed(runtime, msg, str(exc), retryable=exc.retryable, retry_after=_hint(exc), unsure=unsure)
    except Exception as exc:
        # The platform clients turn every transport failure into PlatformAPIError (saying whether
        # the call may have arrived); anything else failed in our code, before or after the call.
        return _failed(runtime, msg, f"{type(exc).__name__}: {exc}", retryable=True, unsure=earlier)
    finally:
        delivery_starting.reset(token)
    ref = dict(result.ref)
    if earlier is not None:
        ref["repeat_after_no_answer"] = True  # the platform's dedupe absorbed the repeat, if it had the first
    _mark_sent(runtime, msg.id, ref)
    if msg.kind == "card":
        _remember_card(runtime, msg)
    return "sent"


def _repeat_risk(runtime: Runtime, msg: OutboxMessage, since: datetime) -> str | None:
    """Why sending ``msg`` again may show a second copy after a call at ``since`` got no answer;
    None when the platform drops such a repeat itself (``Platform.repeat_risk``)."""
    try:
        platform = runtime.platform(msg.platform)
    except LookupError:
        return None  # deliver() fails with the reason; nothing can have been sent through it
    check = getattr(platform, "repeat_risk", None)
    if check is None:
        return f"the {msg.platform} platform cannot say whether it would drop a repeat"
    risk: str | None = check(msg.kind, msg.payload, since, runtime.clock.now())
    return risk


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


def _mark_sent(runtime: Runtime, msg_id: int, ref: dict[str, Any]) -> None:
    """Sent: ``ref`` keeps the platform's id for it (task id, ``processQueryKey``, ``msgid`` …)."""
    with runtime.db.session() as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == msg_id)
            .values(status="sent", sent_at=runtime.clock.now(), platform_ref=ref, last_error=None, unsure_since=None)
        )


def _mark_unknown(runtime: Runtime, msg: OutboxMessage, what: str, why: str, since: datetime | None) -> str:
    """``unknown``: the platform may have the message; a repeat is left to an admin (``--force``)."""
    error = (
        f"delivery unknown: {what}; not sent again because {why}. "
        f"Ask the recipient, then `carebot outbox retry --force {msg.id}` if it never arrived"
    )
    log.warning("outbox message %s to %s: delivery unknown, not sent again (%s)", msg.id, msg.platform, why[:200])
    with runtime.db.session() as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == msg.id)
            .values(status="unknown", last_error=error[:2000], unsure_since=since)
        )
    return "unknown"


def _remember_card(runtime: Runtime, msg: OutboxMessage) -> None:
    """Clicks are believed only for cards delivered to the clicker (bot/pipeline/sent_cards.py)."""
    with runtime.db.session() as s:
        sent_cards.record(s, msg.platform, msg.recipient, card_from_payload(msg.payload), msg.id, runtime.clock.now())


def _hint(exc: PlatformAPIError) -> float | None:
    value = getattr(exc, "retry_after", None)
    return float(value) if value is not None else None


def _failed(
    runtime: Runtime,
    msg: OutboxMessage,
    error: str,
    *,
    retryable: bool,
    retry_after: float | None = None,
    unsure: datetime | None = None,
) -> str:
    """Record a failed call: ``retry`` later, ``failed`` for good, or ``unknown`` when a call
    without an answer (since ``unsure``) may have delivered it and a repeat would not be dropped."""
    give_up = not retryable or msg.attempts >= runtime.settings.outbox.max_attempts
    if unsure is not None:
        why = "no try is left" if give_up else _repeat_risk(runtime, msg, unsure)
        if why is not None:
            return _mark_unknown(runtime, msg, error[:1000], why, unsure)
    values: dict[str, Any] = {"last_error": error[:2000], "unsure_since": unsure}
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
    """Send failed messages again (all of them, or ``ids``) from a fresh attempt count; returns how many.

    Including ``unknown`` in ``statuses`` is an admin's decision that the message never arrived:
    its doubt is cleared, so it is sent like a new one.
    """
    stmt = update(OutboxMessage).where(OutboxMessage.status.in_(statuses))
    if ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(ids))
    with runtime.db.session() as s:
        result = s.execute(
            stmt.values(
                status="pending", attempts=0, next_attempt_at=runtime.clock.now(), unsure_since=None
            ).execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
