"""Scheduled reminder work: plan reminders for new tags and deliver what is due, every few minutes."""

from __future__ import annotations

import logging

from bot.core.runtime import Runtime
from bot.ops.scheduler import job
from bot.reminders.delivery import deliver
from bot.reminders.planner import plan

log = logging.getLogger(__name__)


@job("reminders.deliver", "interval", "Plan and deliver care reminders", minutes=5)
def deliver_reminders(runtime: Runtime) -> None:
    """New tags become reminders; due cards and digests go out (working hours only)."""
    with runtime.db.session() as s:
        plan(runtime, s)
    deliver(runtime)
