"""Reminders follow every rule evaluation: new tags are planned at once, high severity sent if the window is open."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.core.runtime import Runtime
from bot.reminders.delivery import deliver_in
from bot.reminders.planner import plan
from rules.engine import EvaluationResult

if TYPE_CHECKING:
    from bot.ops.registry import Registry

log = logging.getLogger(__name__)


def remind_new_tags(runtime: Runtime, result: EvaluationResult) -> None:
    """Plan reminders for the tags an evaluation raised and send the due individual ones now."""
    if not result.raised:
        return
    with runtime.db.session() as s:
        planned = plan(runtime, s, result.raised)
        sent = deliver_in(runtime, s, runtime.clock.now(), tag_ids=result.raised, digest=False)
    log.info(
        "evaluation of %s raised %d tags: %d reminders planned, %d sent now",
        result.day,
        len(result.raised),
        planned.reminders,
        sent.sent,
    )


def register(registry: Registry) -> None:
    """Reminders follow every rule evaluation."""
    registry.after_evaluation(remind_new_tags)
