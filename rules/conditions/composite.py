"""``all`` / ``any`` / ``not``: set algebra over the people each sub-condition matches."""

from __future__ import annotations

from typing import Any

from rules import conditions, fmt
from rules.context import EvalContext, Matches
from rules.model import AllOf, AnyOf, NotOf

PLACEHOLDERS: frozenset[str] = frozenset()


def evaluate(cond: AllOf | AnyOf | NotOf, ctx: EvalContext) -> Matches:
    """Intersection (``all``), union (``any``) or complement within the scope (``not``)."""
    if isinstance(cond, NotOf):
        hit = conditions.evaluate(cond.of, ctx)
        absent = {"zh": conditions.requirement(cond.of, "zh-CN"), "en": conditions.requirement(cond.of, "en")}
        return {emp: {"kind": "not", "absent": absent} for emp in sorted(ctx.scope_ids() - hit.keys())}
    results = [conditions.evaluate(child, ctx) for child in cond.of]
    if isinstance(cond, AllOf):
        people = set(results[0]).intersection(*results[1:])
        return {emp: {"kind": "all", "parts": [r[emp] for r in results]} for emp in people}
    out: Matches = {}
    for result in results:
        for emp, evidence in result.items():
            out.setdefault(emp, {"kind": "any", "parts": []})["parts"].append(evidence)
    return out


def requirement(cond: AllOf | AnyOf | NotOf, locale: str | None) -> str:
    if isinstance(cond, NotOf):
        return (
            f"not ({conditions.requirement(cond.of, locale)})"
            if fmt.is_en(locale)
            else f"并非（{conditions.requirement(cond.of, locale)}）"
        )
    parts = [conditions.requirement(child, locale) for child in cond.of]
    if fmt.is_en(locale):
        return (" and " if isinstance(cond, AllOf) else " or ").join(parts)
    return ("，且" if isinstance(cond, AllOf) else "，或").join(parts)


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    if evidence["kind"] == "not":
        absent = evidence["absent"]["en" if fmt.is_en(locale) else "zh"]
        return f"not: {absent}" if fmt.is_en(locale) else f"未出现：{absent}"
    return ("; " if fmt.is_en(locale) else "；").join(conditions.describe(p, locale) for p in evidence["parts"])


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    return {}


def observe(cond: AllOf | AnyOf | NotOf, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    children = [cond.of] if isinstance(cond, NotOf) else list(cond.of)
    lines = []
    for child in children:
        held = employee_id in conditions.evaluate(child, ctx.for_employee(employee_id))
        seen = conditions.observe(child, ctx, employee_id, locale)
        lines.append(f"[{'✓' if held else '✗'}] {conditions.requirement(child, locale)}: {seen}")
    return " | ".join(lines)
