"""Human-readable tags: rule names, severity labels and evidence lines, in the caller's language.

Texts come from the rules package (each rule's name and evidence template, each condition's
``describe``); a tag whose rule was removed or whose rule files are broken still reads sensibly.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import ColumnElement, true

from bot import i18n, rulebook
from bot.models import Tag
from bot.runtime import Runtime
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


def hr_only_rule_ids(runtime: Runtime) -> tuple[str, ...]:
    """Rules whose tags only HR sees: what employees declared for HR (``audience = "hr"``, ``category = "life"``).

    Interim until the shared visibility policy (issue 12) renders every surface.
    """
    ruleset = rulebook.ruleset(runtime)
    if ruleset is None:
        return ("family_event", "voice_request", "voice_distress")
    return tuple(rule.id for rule in ruleset if rule.audience == "hr" and rule.category == "life")


def tag_visible(runtime: Runtime, roles: frozenset[str] | set[str]) -> ColumnElement[bool]:
    """A condition on ``Tag`` hiding HR-only tags from callers without the HR role (managers)."""
    ids = hr_only_rule_ids(runtime)
    if "hr" in roles or not ids:
        return true()
    return Tag.rule_id.not_in(ids)


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
            text = render(rule, evidence, locale).evidence
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
