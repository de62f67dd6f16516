"""Answers feed the rules at once: once the answer is committed, the person's pulse rules run again.

The rules engine reads committed data in its own transactions, so the evaluation waits for the
unit of work that stored the answer to commit; the reminders listener of the engine then brings
any new tag to HR (high severity at once, within working hours).
"""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.core.logsafe import describe
from bot.core.runtime import Runtime

log = logging.getLogger(__name__)

_PENDING = "surveys.evaluate_after_commit"


def _evaluate(runtime: Runtime, employee_ids: set[int]) -> None:
    from rules.engine import evaluate_employee

    for employee_id in sorted(employee_ids):
        try:
            result = evaluate_employee(runtime, employee_id, sources={"pulse"})
        except Exception as exc:
            # The answer is stored either way; the nightly evaluation catches up. No error text: it may
            # quote the answer (docs/security.md).
            log.error("evaluating pulse rules for employee %s after an answer failed: %s", employee_id, describe(exc))
            continue
        if result.raised:
            log.info("a pulse answer raised %d tags for employee %s", len(result.raised), employee_id)


def after_answer(runtime: Runtime, session: Session, employee_id: int) -> None:
    """Evaluate the employee's pulse rules right after ``session`` commits (once per unit of work)."""
    pending: set[int] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = set()

        def run(committed: Session) -> None:
            _evaluate(runtime, committed.info.pop(_PENDING, set()))

        event.listen(session, "after_commit", run, once=True)
    pending.add(employee_id)
