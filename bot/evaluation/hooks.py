"""Every rule evaluation first assigns the units that arrived since the last one (new hires, new departments)."""

from __future__ import annotations

from bot.core.runtime import Runtime
from bot.evaluation.assignment import assign_pending, started
from rules.engine import EvaluationResult, on_evaluated


@on_evaluated
def assign_new_units(runtime: Runtime, result: EvaluationResult) -> None:
    """Assign arms to units without one, so the API and dashboard show them from their first day."""
    if not started(runtime):
        return
    with runtime.db.session() as s:
        assign_pending(runtime, s)
