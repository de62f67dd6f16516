"""Items of DingTalk's failed-callback list (``get_call_back_failed_result``) as live callback payloads.

Each item ``{call_back_tag, event_time, <tag>: {...}}`` becomes the payload a live callback would
have carried, so it is stored under the same idempotency key (protocols.md §2.5).
"""

from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger(__name__)


def to_payload(item: Any) -> dict[str, Any] | None:
    """``{call_back_tag, event_time, <tag>: {...}}`` as the decrypted payload of a live callback."""
    if not isinstance(item, dict):
        return None
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


def failed_items(listed: list[Any]) -> tuple[list[dict[str, Any]], int]:
    """The payloads of the listed items, and how many items were malformed (skipped, logged)."""
    payloads: list[dict[str, Any]] = []
    malformed = 0
    for item in listed:
        payload = to_payload(item)
        if payload is None:
            malformed += 1
            log.warning("failed-callback item without call_back_tag skipped")
            continue
        payloads.append(payload)
    return payloads, malformed
