"""``score``: weighted signals add up to a risk score; the evidence lists each contributing signal."""

from __future__ import annotations

from typing import Any

from rules import conditions, fmt
from rules.context import EvalContext, Matches
from rules.model import Score

PLACEHOLDERS = frozenset({"score", "threshold", "signals"})


def evaluate(cond: Score, ctx: EvalContext) -> Matches:
    """People whose matched signals weigh at least ``threshold``."""
    total = sum(s.weight for s in cond.signals)
    found: dict[int, list[dict[str, Any]]] = {}
    for signal in cond.signals:
        for emp, evidence in conditions.evaluate(signal.condition, ctx).items():
            found.setdefault(emp, []).append(
                {
                    "id": signal.id,
                    "label": {"zh": signal.label.zh, "en": signal.label.en},
                    "weight": signal.weight,
                    "evidence": evidence,
                }
            )
    out: Matches = {}
    for emp, signals in found.items():
        score = sum(s["weight"] for s in signals)
        if score >= cond.threshold:
            out[emp] = {
                "kind": "score",
                "score": _clean(score),
                "threshold": _clean(cond.threshold),
                "max": _clean(total),
                "signals": signals,
            }
    return out


def _clean(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


def requirement(cond: Score, locale: str | None) -> str:
    total = _clean(sum(s.weight for s in cond.signals))
    labels = fmt.list_join([f"{s.label.get(locale)} {_clean(s.weight)}" for s in cond.signals], locale)
    if fmt.is_en(locale):
        return f"score ≥ {_clean(cond.threshold)} of {total} ({labels})"
    return f"加权分 ≥ {_clean(cond.threshold)}/{total}（{labels}）"


def _signals(evidence: dict[str, Any], locale: str | None) -> str:
    key = "en" if fmt.is_en(locale) else "zh"
    return fmt.list_join([f"{s['label'][key]}（+{s['weight']:g}）" for s in evidence["signals"]], locale)


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    key = "en" if fmt.is_en(locale) else "zh"
    if fmt.is_en(locale):
        parts = [
            f"{s['label'][key]} +{s['weight']:g}: {conditions.describe(s['evidence'], locale)}"
            for s in evidence["signals"]
        ]
    else:
        parts = [
            f"{s['label'][key]}（+{s['weight']:g}）：{conditions.describe(s['evidence'], locale)}"
            for s in evidence["signals"]
        ]
    if fmt.is_en(locale):
        head = f"score {evidence['score']:g}/{evidence['max']:g} (threshold {evidence['threshold']:g})"
        return f"{head}: " + "; ".join(parts)
    head = f"风险分 {evidence['score']:g}/{evidence['max']:g}（阈值 {evidence['threshold']:g}）"
    return f"{head}：" + "；".join(parts)


def placeholders(evidence: dict[str, Any], locale: str | None) -> dict[str, str]:
    return {
        "score": f"{evidence['score']:g}",
        "threshold": f"{evidence['threshold']:g}",
        "signals": _signals(evidence, locale),
    }


def observe(cond: Score, ctx: EvalContext, employee_id: int, locale: str | None) -> str:
    one = ctx.for_employee(employee_id)
    items = []
    for s in cond.signals:
        held = employee_id in conditions.evaluate(s.condition, one)
        items.append(f"[{'✓' if held else '✗'}] {s.label.get(locale)} {_clean(s.weight)}")
    return fmt.list_join(items, locale)
