"""Scheduled journey work: send due tasks, follow up overdue ones (idempotent, so every few minutes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.runtime import Runtime
from bot.journeys.dispatch import dispatch
from bot.pipeline.scheduler import job

if TYPE_CHECKING:
    from bot.ops.registry import Registry


@job("journeys.dispatch", "interval", "Dispatch onboarding journey tasks", minutes=10)
def dispatch_journeys(runtime: Runtime) -> None:
    """Send what is due now; outside the window this only keeps the journeys' state current."""
    dispatch(runtime)


def register(registry: Registry) -> None:
    """Onboarding journeys: dispatch due tasks."""
    registry.jobs(dispatch_journeys)
