"""DingTalk's failed-callback list, pulled on a schedule, fed through the live callback path.

A callback lost while the server was down is kept by DingTalk and handed out once by
``get_call_back_failed_result``. Each item becomes the payload a live callback would have carried
and goes through the same inbox: stored under the same idempotency key (so a callback that did
arrive is not processed twice), then normalised and handled like any other event. Punches,
approvals and org changes are idempotent as well, so even a differently keyed duplicate changes
nothing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from bot.core.runtime import Runtime
from bot.pipeline import inbox
from bot.platforms.dingtalk.inbound import PLATFORM, event_key, event_type_of

log = logging.getLogger(__name__)


class FailedCallbackSource(Protocol):
    """What the pull needs from the DingTalk client."""

    def failed_callbacks(self) -> list[dict[str, Any]]: ...


@dataclass
class FailedStats:
    """What one run did."""

    fetched: int = 0
    stored: int = 0
    replays: int = 0
    malformed: int = 0


def to_payload(item: dict[str, Any]) -> dict[str, Any] | None:
    """``{call_back_tag, event_time, <tag>: {...}}`` as the decrypted payload of a live callback."""
    tag = item.get("call_back_tag")
    if not isinstance(tag, str) or not tag:
        return None
    data: Any = item.get(tag)
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError:
            data = None
    payload: dict[str, Any] = dict(data) if isinstance(data, dict) else {}
    payload.setdefault("EventType", tag)
    if item.get("event_time") is not None:
        payload.setdefault("EventTime", item["event_time"])
    return payload


def pull_failed_callbacks(runtime: Runtime, source: FailedCallbackSource) -> FailedStats:
    """Fetch, store (all in one transaction, DingTalk will not hand them out again), then process."""
    items = source.failed_callbacks()
    stats = FailedStats(fetched=len(items))
    new_ids: list[int] = []
    with runtime.db.session() as s:
        for item in items:
            payload = to_payload(item)
            if payload is None:
                stats.malformed += 1
                log.warning("failed-callback item without call_back_tag skipped")
                continue
            event_id, created = inbox.store(s, PLATFORM, event_key(payload), event_type_of(payload), payload)
            if created:
                new_ids.append(event_id)
            else:
                stats.replays += 1
    stats.stored = len(new_ids)
    for event_id in new_ids:
        inbox.process(runtime, event_id)
    if items:
        log.info(
            "dingtalk failed callbacks: %d fetched, %d new, %d already received, %d malformed",
            stats.fetched,
            stats.stored,
            stats.replays,
            stats.malformed,
        )
    return stats
