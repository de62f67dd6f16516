"""Every rule evaluation first assigns the units that arrived since the last one (new hires, new departments)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.runtime import Runtime
from bot.evaluation.assignment import assign_pending, started
from rules.engine import EvaluationResult

if TYPE_CHECKING:
    from bot.ops.registry import Registry


def assign_new_units(runtime: Runtime, result: EvaluationResult) -> None:
    """Assign arms to units without one, so the API and dashboard show them from their first day."""
    if not started(runtime):
        return
    with runtime.db.session() as s:
        assign_pending(runtime, s)


def register(registry: Registry) -> None:
    """Evaluation mode: arms for new units, before any other listener sees the result."""
    registry.after_evaluation(assign_new_units)
