"""Scheduled journey work: send due tasks, follow up overdue ones (idempotent, so every few minutes)."""

from __future__ import annotations

from bot.core.runtime import Runtime
from bot.journeys.dispatch import dispatch
from bot.ops.scheduler import job


@job("journeys.dispatch", "interval", "Dispatch onboarding journey tasks", minutes=10)
def dispatch_journeys(runtime: Runtime) -> None:
    """Send what is due now; outside the window this only keeps the journeys' state current."""
    dispatch(runtime)
