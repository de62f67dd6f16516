"""Human-readable tags: rule names, severity labels and evidence lines, in the caller's language.

Texts come from the rules package (each rule's name and evidence template, each condition's
``describe``); a tag whose rule was removed or whose rule files are broken still reads sensibly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.core import i18n
from bot.core.runtime import Runtime
from bot.models import Tag
from bot.privacy import Category, Level, Policy, Viewer
from bot.privacy import evidence as privacy_evidence
from bot.tags import rulebook
from handlers.commands.text import clip, plain

log = logging.getLogger(__name__)

DEFAULT_RISK_RULES = ("attrition_risk",)

i18n.register(
    {
        "commands.severity.high": {"zh-CN": "高", "en": "high"},
        "commands.severity.medium": {"zh-CN": "中", "en": "medium"},
        "commands.severity.low": {"zh-CN": "低", "en": "low"},
        "commands.tag.since": {"zh-CN": "{day}起", "en": "since {day}"},
    }
)


def severity_label(severity: str, locale: str) -> str:
    """``高``/``中``/``低`` (``high``/``medium``/``low``)."""
    key = f"commands.severity.{severity}"
    return i18n.t(key, locale) if i18n.has(key) else plain(severity, 8)


def rule_name(runtime: Runtime, rule_id: str, locale: str) -> str:
    """The rule's display name (its id when the rule is unknown)."""
    rule = rulebook.rule(runtime, rule_id)
    return plain(rule.name.get(locale) if rule is not None else rule_id, 40)


def known_rules(runtime: Runtime, locale: str) -> dict[str, str]:
    """Every enabled rule id with its display name."""
    ruleset = rulebook.ruleset(runtime)
    if ruleset is None:
        return {}
    return {rule.id: plain(rule.name.get(locale), 40) for rule in ruleset}


def risk_rule_ids(runtime: Runtime) -> tuple[str, ...]:
    """The rules whose tags are attrition-risk scores (category ``risk``)."""
    ruleset = rulebook.ruleset(runtime)
    ids = tuple(rule.id for rule in ruleset if rule.category == "risk") if ruleset is not None else ()
    return ids or DEFAULT_RISK_RULES


def _generic(evidence: dict[str, Any], locale: str) -> str:
    parts = [f"{k}: {v}" for k, v in evidence.items() if isinstance(v, str | int | float) and k != "kind"]
    return i18n.list_join(parts[:6], locale) or "—"


def evidence_text(runtime: Runtime, tag: Tag, locale: str) -> str:
    """The evidence of ``tag`` as one line, e.g. 连续3个工作日最后打卡 ≥ 21:00：11月18日 21:42、…"""
    from rules import conditions
    from rules.templates import render

    evidence = tag.evidence if isinstance(tag.evidence, dict) else {}
    rule = rulebook.rule(runtime, tag.rule_id)
    try:
        if rule is not None:
            text = render(rule, evidence, locale, today=runtime.today()).evidence
        elif evidence.get("kind") in conditions.KINDS:
            text = conditions.describe(evidence, locale)
        else:
            text = _generic(evidence, locale)
    except (KeyError, TypeError, ValueError, AttributeError):
        log.warning("evidence of tag %s (%s) does not match its rule; showing it raw", tag.id, tag.rule_id)
        text = _generic(evidence, locale)
    return clip(plain(text, 600))


def risk_reasons(runtime: Runtime, tag: Tag, locale: str, limit: int = 3) -> list[str]:
    """The strongest weighted signals behind a score tag (attrition risk), strongest first."""
    evidence = tag.evidence if isinstance(tag.evidence, dict) else {}
    signals = evidence.get("signals")
    if not isinstance(signals, list):
        return [evidence_text(runtime, tag, locale)]
    held = [s for s in signals if isinstance(s, dict) and s.get("held", True)]
    held.sort(key=lambda s: float(s.get("weight") or 0), reverse=True)
    key = "en" if locale == "en" else "zh"
    out = []
    for s in held[:limit]:
        label = s.get("label")
        text = label.get(key) if isinstance(label, dict) else label
        weight = s.get("weight")
        shown = str(text or s.get("id") or "?")
        out.append(plain(f"{shown}（+{weight:g}）" if isinstance(weight, int | float) else shown, 60))
    return out


@dataclass(frozen=True)
class ShownTag:
    """A tag as one viewer may read it: the rule's name and evidence, or a neutral summary."""

    name: str
    evidence: str
    level: Level


def rule_category(runtime: Runtime, rule_id: str) -> str | None:
    """The rule's category (``risk``, ``life``, …), ``None`` for a rule no longer loaded."""
    rule = rulebook.rule(runtime, rule_id)
    return str(rule.category) if rule is not None else None


def rule_reads(runtime: Runtime, rule_id: str) -> set[Category] | None:
    """The data categories the rule's condition reads (``None`` for a rule no longer loaded)."""
    rule = rulebook.rule(runtime, rule_id)
    return privacy_evidence.condition_categories(rule.condition) if rule is not None else None


def rule_level(runtime: Runtime, policy: Policy, viewer: Viewer, rule_id: str) -> Level:
    """How a viewer sees the tags of one rule (an unknown rule counts as declared data: fail closed)."""
    reads = rule_reads(runtime, rule_id)
    return privacy_evidence.tag_level(
        policy, viewer, rule_category(runtime, rule_id), {}, reads if reads is not None else {Category.DECLARED}
    )


def visible_rules(runtime: Runtime, policy: Policy, viewers: list[Viewer], present: list[str]) -> list[str]:
    """Of the rule ids ``present``, those whose tags every viewer in ``viewers`` may see (at least summarised)."""
    return [r for r in present if all(rule_level(runtime, policy, v, r) is not Level.NONE for v in viewers)]


def shown_tag(runtime: Runtime, policy: Policy, viewer: Viewer, tag: Tag, locale: str) -> ShownTag | None:
    """``tag`` through the visibility policy for ``viewer``; ``None`` when they may not see it at all."""
    category = rule_category(runtime, tag.rule_id)
    reads = rule_reads(runtime, tag.rule_id)
    level = privacy_evidence.tag_level(policy, viewer, category, tag.evidence, reads)
    if level is Level.NONE:
        return None
    if level is Level.FULL:
        return ShownTag(rule_name(runtime, tag.rule_id, locale), evidence_text(runtime, tag, locale), level)
    short = privacy_evidence.summary(category, tag.evidence, locale, reads)
    return ShownTag(short.name, short.evidence, level)


def list_level(runtime: Runtime, policy: Policy, viewers: list[Viewer], rule_id: str) -> Level:
    """How a list shown to several possible roles presents one rule: the strictest of their levels."""
    return min((rule_level(runtime, policy, v, rule_id) for v in viewers), default=Level.NONE)


def rule_label(runtime: Runtime, level: Level, rule_id: str, locale: str) -> str:
    """The rule's name at ``level``: its own name in full, a neutral category name as a summary.

    Summarised rules of the same category share one label, so a manager cannot ask for the people
    of one sensitive rule (``/tags 自评压力很大``) and learn more than "a check-in signal".
    """
    if level is Level.FULL:
        return rule_name(runtime, rule_id, locale)
    reads = rule_reads(runtime, rule_id)
    return privacy_evidence.summary(
        rule_category(runtime, rule_id), {}, locale, reads if reads is not None else {Category.DECLARED}
    ).name
