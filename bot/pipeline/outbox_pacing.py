"""Pacing: keep the outbox under the platforms' send caps by delaying messages, never by dropping them.

Caps (shared/protocols.md §4.2, §4.5, §6.2; limits in ``[outbox]``):

* DingTalk work notifications: ≤ 500 per user per day (China's calendar day). Over the cap a
  message waits for the next day's ``[attendance].workday_start`` (not midnight: nobody wants a
  reminder at 00:00).
* DingTalk also delivers **one identical content per user per day** and silently drops the rest.
  Such a message is not held for tomorrow (a "birthday tomorrow" reminder would then be wrong);
  it is marked ``duplicate`` with the id of the message the user already has.
* WeCom app messages: ≤ 30 per member per minute and ≤ 1000 per hour (excess is silently dropped
  by WeCom); over a cap a message waits until the window has room.
* Robot replies (DingTalk session webhook / robot API): ≤ 20 per conversation per minute.

Counts come from the outbox itself (rows sent, or being sent, inside the window) plus the rows
admitted earlier in the same batch, with one grouped query per cap and batch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.core.config import Settings
from bot.models import OutboxMessage
from bot.pipeline.platform import Cap

CHINA = ZoneInfo("Asia/Shanghai")  # the platforms count days in China time, whatever the company's zone


# Each platform states its own limits (bot/platforms/<name>/limits.py); ``create_app`` hands them
# over through the registry (bot/platforms/limits.py ``register``), so pacing never names a platform.
def _no_caps(settings: Settings) -> list[Cap]:
    return []


_send_caps: Callable[[Settings], list[Cap]] = _no_caps
_identical_once_a_day: dict[str, frozenset[str]] = {}


def use_limits(send_caps: Callable[[Settings], list[Cap]], identical_once_a_day: dict[str, frozenset[str]]) -> None:
    """Set the platforms' send caps (from settings) and which message kinds each delivers once a day."""
    global _send_caps, _identical_once_a_day
    _send_caps, _identical_once_a_day = send_caps, dict(identical_once_a_day)


def caps(settings: Settings) -> list[Cap]:
    """The caps in force, from ``[outbox]``."""
    return _send_caps(settings)


def identical_once_a_day() -> dict[str, frozenset[str]]:
    """Platform → outbox kinds of which it delivers one identical content per user per day."""
    return _identical_once_a_day


def content_digest(kind: str, payload: dict[str, Any]) -> str:
    """What DingTalk compares for "identical content": the message type and its visible text."""
    visible = {"kind": kind, "title": payload.get("title"), "text": payload.get("text")}
    return hashlib.sha256(json.dumps(visible, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class Plan:
    """What to do with each candidate row of a batch."""

    admit: list[int] = field(default_factory=list)
    defer: dict[int, tuple[datetime, str]] = field(default_factory=dict)  # id → (until, why)
    duplicate: dict[int, int] = field(default_factory=dict)  # id → id of the identical message sent


def _day_start(now: datetime) -> datetime:
    local = now.astimezone(CHINA)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _next_day_morning(now: datetime, settings: Settings) -> datetime:
    """The next China day at the company's workday start (never before China midnight)."""
    midnight = _day_start(now) + timedelta(days=1)
    morning = datetime.combine(midnight.date(), settings.attendance.workday_start, tzinfo=settings.tz)
    return max(midnight, morning)


def _sent_since() -> Any:
    """The instant a row counts from: when it was sent, when a call without an answer began, or
    when it was claimed if it is being sent right now."""
    return func.coalesce(OutboxMessage.sent_at, OutboxMessage.unsure_since, OutboxMessage.next_attempt_at)


def _in_window(since: datetime) -> Any:
    return or_(
        and_(OutboxMessage.status == "sent", OutboxMessage.sent_at >= since),
        and_(OutboxMessage.status == "sending", OutboxMessage.next_attempt_at >= since),
        # It may have arrived: count it against the caps as if it had.
        and_(OutboxMessage.status == "unknown", OutboxMessage.unsure_since >= since),
    )


class _Counter:
    """Per-recipient count and earliest send inside one cap's window."""

    def __init__(self, cap: Cap, since: datetime) -> None:
        self.cap = cap
        self.since = since
        self.count: dict[str, int] = {}
        self.earliest: dict[str, datetime] = {}

    def load(self, session: Session, recipients: Sequence[str], batch_ids: Sequence[int]) -> None:
        rows = session.execute(
            select(OutboxMessage.recipient, func.count(), func.min(_sent_since()))
            .where(
                OutboxMessage.platform == self.cap.platform,
                OutboxMessage.kind.in_(sorted(self.cap.kinds)),
                OutboxMessage.recipient.in_(recipients),
                OutboxMessage.id.notin_(batch_ids),
                _in_window(self.since),
            )
            .group_by(OutboxMessage.recipient)
        )
        for recipient, count, earliest in rows:
            self.count[recipient] = int(count)
            if earliest is not None:
                self.earliest[recipient] = earliest

    def full(self, recipient: str) -> bool:
        return self.count.get(recipient, 0) >= self.cap.limit

    def add(self, recipient: str, now: datetime) -> None:
        self.count[recipient] = self.count.get(recipient, 0) + 1
        self.earliest.setdefault(recipient, now)

    def reopens_at(self, recipient: str, now: datetime, settings: Settings) -> datetime:
        if self.cap.window is None:
            return _next_day_morning(now, settings)
        earliest = self.earliest.get(recipient, now)
        # The earliest send leaves the sliding window then; one second of slack for clock skew.
        return max(now, earliest + self.cap.window) + timedelta(seconds=1)


def _identical(platform: str, kind: str) -> bool:
    """Whether the platform delivers only one identical message of this kind per user per day."""
    return kind in identical_once_a_day().get(platform, frozenset())


def _sent_today(
    session: Session, recipients: Sequence[str], batch_ids: Sequence[int], now: datetime
) -> dict[tuple[str, str, str], int]:
    """``(platform, recipient, content digest) → id`` of today's messages the platforms deliver once a day."""
    once = identical_once_a_day()
    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.platform, OutboxMessage.recipient, OutboxMessage.kind,
               OutboxMessage.payload)
        .where(
            or_(*(and_(OutboxMessage.platform == p, OutboxMessage.kind.in_(sorted(k))) for p, k in once.items())),
            OutboxMessage.recipient.in_(recipients),
            OutboxMessage.id.notin_(batch_ids),
            _in_window(_day_start(now)),
        )
        .order_by(OutboxMessage.id)
    )  # fmt: skip
    seen: dict[tuple[str, str, str], int] = {}
    for row_id, platform, recipient, kind, payload in rows:
        seen.setdefault((platform, recipient, content_digest(kind, payload or {})), row_id)
    return seen


def plan(session: Session, settings: Settings, rows: Sequence[OutboxMessage], now: datetime) -> Plan:
    """Decide, in order, which rows go out now, which wait (and until when), which are duplicates."""
    result = Plan()
    batch_ids = [r.id for r in rows]
    active = [c for c in caps(settings) if any(r.platform == c.platform and r.kind in c.kinds for r in rows)]
    counters: list[_Counter] = []
    for cap in active:
        counter = _Counter(cap, _day_start(now) if cap.window is None else now - cap.window)
        counter.load(session, sorted({r.recipient for r in rows if r.platform == cap.platform}), batch_ids)
        counters.append(counter)
    dup_rows = [r for r in rows if _identical(r.platform, r.kind)]
    seen = _sent_today(session, sorted({r.recipient for r in dup_rows}), batch_ids, now) if dup_rows else {}

    for row in rows:
        identical = _identical(row.platform, row.kind)
        if identical:
            key = (row.platform, row.recipient, content_digest(row.kind, row.payload or {}))
            if key in seen:
                result.duplicate[row.id] = seen[key]
                continue
        mine = [c for c in counters if c.cap.platform == row.platform and row.kind in c.cap.kinds]
        blocked = [c for c in mine if c.full(row.recipient)]
        if blocked:
            until = max(c.reopens_at(row.recipient, now, settings) for c in blocked)
            result.defer[row.id] = (until, blocked[0].cap.label)
            continue
        for c in mine:
            c.add(row.recipient, now)
        if identical:
            seen[(row.platform, row.recipient, content_digest(row.kind, row.payload or {}))] = row.id
        result.admit.append(row.id)
    return result
