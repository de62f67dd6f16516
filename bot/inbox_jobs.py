"""Scheduled inbox work: process events stored but not yet processed (after a crash, or failed)."""

from __future__ import annotations

from bot import inbox
from bot.runtime import Runtime
from bot.scheduler import job


@job("inbox.sweep", "interval", "Process pending inbound events", seconds=30)
def sweep_inbox(runtime: Runtime) -> None:
    inbox.process_pending(runtime)
