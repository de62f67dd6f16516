"""Scheduled rule evaluation: daily at ``[rules].evaluation_time`` (company time zone), with catch-up.

The daily job evaluates today once its time has come; an hourly sweep evaluates days that were
missed (scheduler down, a failed run) within ``[rules].catch_up_days``. Both call
:func:`run_due`, which does nothing when every due day is done, so running it twice is harmless.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from bot.core.config import Settings
from bot.core.runtime import Runtime
from bot.pipeline.scheduler import job
from rules.engine import EvaluationResult, evaluate
from rules.loader import load_rules
from rules.runs import due_days

if TYPE_CHECKING:
    from bot.ops.registry import Registry

log = logging.getLogger(__name__)
_running = threading.Lock()


def run_due(runtime: Runtime) -> list[EvaluationResult]:
    """Evaluate every due day in order; skipped when an evaluation is already running in this process."""
    if not _running.acquire(blocking=False):
        log.info("rule evaluation already running; skipped")
        return []
    try:
        days = due_days(runtime)
        if not days:
            return []
        ruleset = load_rules(runtime.settings.rules)
        return [evaluate(runtime, day, rules=ruleset) for day in days]
    finally:
        _running.release()


def _hour(settings: Settings) -> int:
    return settings.rules.evaluation_time.hour


def _minute(settings: Settings) -> int:
    return settings.rules.evaluation_time.minute


@job("rules.evaluate", "cron", "Evaluate care-tag rules (daily)", hour=_hour, minute=_minute)
def daily_evaluation(runtime: Runtime) -> None:
    run_due(runtime)


@job("rules.catch_up", "interval", "Evaluate missed days of care-tag rules", minutes=60)
def catch_up(runtime: Runtime) -> None:
    run_due(runtime)


def register(registry: Registry) -> None:
    """Daily rule evaluation and its catch-up."""
    registry.jobs(daily_evaluation, catch_up)
