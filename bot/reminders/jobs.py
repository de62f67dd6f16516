"""Scheduled reminder work: plan reminders for new tags and deliver what is due, every few minutes."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.core.runtime import Runtime
from bot.pipeline.scheduler import job
from bot.reminders.delivery import deliver
from bot.reminders.planner import plan

if TYPE_CHECKING:
    from bot.ops.registry import Registry

log = logging.getLogger(__name__)


@job("reminders.deliver", "interval", "Plan and deliver care reminders", minutes=5)
def deliver_reminders(runtime: Runtime) -> None:
    """New tags become reminders; due cards and digests go out (working hours only)."""
    with runtime.db.session() as s:
        plan(runtime, s)
    deliver(runtime)


def register(registry: Registry) -> None:
    """Reminder planning and delivery."""
    registry.jobs(deliver_reminders)
