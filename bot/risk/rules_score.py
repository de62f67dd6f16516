"""The rule score as a fallback risk: the ``attrition_risk`` rule's weighted signals, scaled to 0..1."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy.orm import Session

from bot.core.runtime import Runtime
from bot.risk.types import PersonScore, Reason
from bot.tags import rulebook

RULE_ID = "attrition_risk"


def rule_scores(
    session: Session, runtime: Runtime, as_of: date, employee_ids: Collection[int] | None, locale: str | None
) -> list[PersonScore]:
    """Everyone with at least one signal: the weights that hold over the sum of all weights."""
    from rules import conditions
    from rules.context import EvalContext
    from rules.engine import facts_through
    from rules.model import Score

    rule = rulebook.rule(runtime, RULE_ID)
    if rule is None or not isinstance(rule.condition, Score):
        return []
    ctx = EvalContext(
        session,
        as_of,
        facts_through(runtime, as_of),
        runtime.calendar,
        runtime.tz,
        sorted(employee_ids) if employee_ids is not None else None,
    )
    total = sum(s.weight for s in rule.condition.signals)
    found: dict[int, list[Reason]] = {}
    for signal in rule.condition.signals:
        for emp in conditions.evaluate(signal.condition, ctx):
            found.setdefault(emp, []).append(
                Reason(signal.id, signal.label.get(locale), round(signal.weight / total, 4))
            )
    return [
        PersonScore(emp, round(sum(r.contribution for r in reasons), 4), sorted(reasons, key=lambda r: -r.contribution))
        for emp, reasons in found.items()
    ]
