"""Scheduled survey work: plan, send, remind and expire pulses (idempotent, so every few minutes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.runtime import Runtime
from bot.pipeline.scheduler import job
from bot.surveys.dispatch import dispatch

if TYPE_CHECKING:
    from bot.ops.registry import Registry


@job("surveys.dispatch", "interval", "Dispatch pulse surveys", minutes=10)
def dispatch_surveys(runtime: Runtime) -> None:
    """Send what is due now; outside the window this only plans and expires."""
    dispatch(runtime)


def register(registry: Registry) -> None:
    """Pulse survey dispatch."""
    registry.jobs(dispatch_surveys)
