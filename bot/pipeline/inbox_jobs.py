"""Scheduled inbox work: process events stored but not yet processed (after a crash, or failed)."""

from __future__ import annotations

from bot.core.runtime import Runtime
from bot.ops.scheduler import job
from bot.pipeline import inbox


@job("inbox.sweep", "interval", "Process pending inbound events", seconds=30)
def sweep_inbox(runtime: Runtime) -> None:
    inbox.process_pending(runtime)
