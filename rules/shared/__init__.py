"""Scans shared between conditions: one pass over a table for every condition that reads it.

Each condition kind compiles to its own queries (``rules.conditions``), which is simple and is
what one-person explanations use. Evaluating the whole library that way reads the attendance
facts five times and the surveys twice. Before the rules run, :func:`prefill` computes every
condition that can share a pass in one query per table and stores the results in the
evaluation's cache under the key ``conditions.evaluate`` uses, so the rules then find them
there. The results are the same by construction (the per-kind Python that turns rows into
evidence is reused) and by test (``tests/test_rules_shared.py`` compares both paths).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from pydantic import BaseModel

from rules.context import EvalContext
from rules.model import AllOf, AnyOf, NotOf, Rule, Score
from rules.shared import attendance, surveys

log = logging.getLogger(__name__)


def leaves(cond: BaseModel) -> Iterator[BaseModel]:
    """The non-composite conditions inside ``cond`` (itself when it is one)."""
    if isinstance(cond, AllOf | AnyOf):
        for child in cond.of:
            yield from leaves(child)
    elif isinstance(cond, NotOf):
        yield from leaves(cond.of)
    elif isinstance(cond, Score):
        for signal in cond.signals:
            yield from leaves(signal.condition)
    else:
        yield cond


def prefill(ctx: EvalContext, rules: Iterable[Rule]) -> None:
    """Compute the shareable conditions of ``rules`` in shared scans, into ``ctx.cache``."""
    todo: dict[str, BaseModel] = {}
    for rule in rules:
        for cond in leaves(rule.condition):
            key = cond.model_dump_json()
            if key not in ctx.cache:
                todo.setdefault(key, cond)
    for scanner in (attendance.scan, surveys.scan):
        ctx.cache.update(scanner(ctx, todo))
