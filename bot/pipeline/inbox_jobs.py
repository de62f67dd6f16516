"""Scheduled inbox work: process events stored but not yet processed (after a crash, or failed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.runtime import Runtime
from bot.pipeline import inbox
from bot.pipeline.scheduler import job

if TYPE_CHECKING:
    from bot.ops.registry import Registry


@job("inbox.sweep", "interval", "Process pending inbound events", seconds=30)
def sweep_inbox(runtime: Runtime) -> None:
    inbox.process_pending(runtime)


def register(registry: Registry) -> None:
    """The inbox sweep (the safety net behind after-commit processing)."""
    registry.jobs(sweep_inbox)
