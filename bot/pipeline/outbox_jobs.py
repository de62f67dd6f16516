"""Scheduled outbox work: send due messages continuously (retries and paced messages included)."""

from __future__ import annotations

import logging

from bot.core.runtime import Runtime
from bot.ops.scheduler import job
from bot.pipeline import outbox

log = logging.getLogger(__name__)


@job(
    "outbox.drain",
    "interval",
    "Send due outbox messages",
    seconds=lambda settings: settings.outbox.drain_seconds,
)
def drain_outbox(runtime: Runtime) -> None:
    """Send everything due now; log what happened when something did."""
    counts = outbox.drain(runtime)
    if any(counts.values()):
        log.info("outbox drain: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))
