"""DingTalk's failed-callback list, pulled on a schedule, fed through the inbound pipeline.

A callback lost while the server was down is kept by DingTalk and handed out once by
``get_call_back_failed_result``. The list goes to the pipeline as one request of the ``pull``
transport: every item is stored under the idempotency key its live callback would have had (so a
callback that did arrive is not processed twice), all in one transaction, then handled like any
other event. Punches, approvals and org changes are idempotent as well, so even a differently
keyed duplicate changes nothing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from bot.core.runtime import Runtime
from bot.pipeline.requests import InboundRequest
from bot.platforms.dingtalk.failed import to_payload
from bot.platforms.dingtalk.inbound import PLATFORM

log = logging.getLogger(__name__)

__all__ = ["FailedCallbackSource", "FailedStats", "pull_failed_callbacks", "to_payload"]


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


class PullFailed(RuntimeError):
    """The pipeline did not store the pulled list (the scheduler logs it; the job runs again)."""


def pull_failed_callbacks(runtime: Runtime, source: FailedCallbackSource) -> FailedStats:
    """Fetch, store (all in one transaction, DingTalk will not hand them out again), then process."""
    items = source.failed_callbacks()
    body = json.dumps(items, ensure_ascii=False).encode("utf-8")
    answer = runtime.pipeline.dispatch(InboundRequest(PLATFORM, "failed", "pull", body=body))
    if not answer.ok:
        raise PullFailed(f"failed callbacks not stored ({answer.status}): {answer.text[:200]}")
    stats = FailedStats(**answer.json_value())
    if items:
        log.info(
            "dingtalk failed callbacks: %d fetched, %d new, %d already received, %d malformed",
            stats.fetched,
            stats.stored,
            stats.replays,
            stats.malformed,
        )
    return stats
