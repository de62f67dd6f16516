"""``score``: weighted signals add up to a risk score; the evidence lists each contributing signal."""

from __future__ import annotations

from typing import Any

from rules import conditions, fmt
from rules.context import EvalContext, Matches
from rules.model import Score

PLACEHOLDERS = frozenset({"score", "threshold", "signals"})


def _learned(cond: Score, ctx: EvalContext) -> Matches | None:
    """Matches from the learned attrition model in force on the day, or None when there is none."""
    if cond.learned_min_probability is None:
        return None
    from bot.risk import scores  # the one module risk scores are read through

    found = scores.learned_for_rule(ctx.session, ctx.day, ctx.scope_ids())
    if found is None:
        return None
    threshold = cond.learned_min_probability
    out: Matches = {}
    for person in found:
        if person.score >= threshold:
            out[person.employee_id] = {
                "kind": "score",
                "model": "learned",
                "score": round(person.score * 100, 1),
                "threshold": _clean(threshold * 100),
                "max": 100,
                "signals": [
                    {"id": r.feature, "label": {"zh": r.label, "en": r.label_en}, "weight": round(r.contribution, 2)}
                    for r in person.reasons
                ],
            }
    return out


def evaluate(cond: Score, ctx: EvalContext) -> Matches:
    """People whose matched signals weigh at least ``threshold`` (or the learned model's choice)."""
    learned = _learned(cond, ctx)
    if learned is not None:
        return learned
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


def _describe_learned(evidence: dict[str, Any], locale: str | None) -> str:
    key = "en" if fmt.is_en(locale) else "zh"
    reasons = fmt.list_join([s["label"][key] for s in evidence["signals"]], locale)
    if fmt.is_en(locale):
        return f"probability of leaving {evidence['score']:g}% (threshold {evidence['threshold']:g}%): {reasons}"
    return f"离职概率 {evidence['score']:g}%（阈值 {evidence['threshold']:g}%）：{reasons}"


def describe(evidence: dict[str, Any], locale: str | None) -> str:
    key = "en" if fmt.is_en(locale) else "zh"
    if evidence.get("model") == "learned":
        return _describe_learned(evidence, locale)
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
