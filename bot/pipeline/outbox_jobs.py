"""Scheduled outbox work: send due messages continuously (retries and paced messages included)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.core.runtime import Runtime
from bot.pipeline import outbox
from bot.pipeline.scheduler import job

if TYPE_CHECKING:
    from bot.ops.registry import Registry

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


def register(registry: Registry) -> None:
    """The outbox drain."""
    registry.jobs(drain_outbox)
