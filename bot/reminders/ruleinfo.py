"""What the rules engine tells a reminder: the tag's name, evidence, why, actions and talking points."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from bot.core.runtime import Runtime
from bot.models import Employee, Tag
from bot.privacy import Level, Viewer, policy_of
from bot.privacy import evidence as privacy_evidence
from bot.tags import rulebook

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuleText:
    """A rule's texts for one tag in one language."""

    name: str
    evidence: str
    why: str = ""
    actions: list[str] = field(default_factory=list)
    talking_points: list[str] = field(default_factory=list)


def audience(runtime: Runtime, rule_id: str) -> str:
    """``hr``, ``manager`` or ``both`` as the rule declares (``hr`` for an unknown rule)."""
    rule = rulebook.rule(runtime, rule_id)
    return str(rule.audience) if rule is not None else "hr"


def hr_only(runtime: Runtime, rule_id: str) -> bool:
    """Whether the rule's tags are what an employee declared for HR (category ``life``): never a manager's."""
    rule = rulebook.rule(runtime, rule_id)
    return rule is not None and rule.category == "life" and rule.audience == "hr"


def _raw(evidence: dict[str, Any]) -> str:
    return json.dumps(evidence, ensure_ascii=False, sort_keys=True, default=str)[:1000]


def level_for(runtime: Runtime, tag: Tag, viewer: Viewer) -> Level:
    """How much of ``tag`` the visibility policy lets ``viewer`` read (unknown rules: as declared data)."""
    rule = rulebook.rule(runtime, tag.rule_id)
    category = str(rule.category) if rule is not None else None
    reads = (
        privacy_evidence.condition_categories(rule.condition)
        if rule is not None
        else {privacy_evidence.Category.DECLARED}
    )
    return privacy_evidence.tag_level(policy_of(runtime.settings), viewer, category, tag.evidence, reads)


def summarised(runtime: Runtime, tag: Tag, locale: str) -> RuleText:
    """The neutral version of a tag for a recipient who may not read its evidence (e.g. the manager)."""
    rule = rulebook.rule(runtime, tag.rule_id)
    category = str(rule.category) if rule is not None else None
    reads = (
        privacy_evidence.condition_categories(rule.condition)
        if rule is not None
        else {privacy_evidence.Category.DECLARED}
    )
    short = privacy_evidence.summary(category, tag.evidence, locale, reads)
    # No why, no rule actions or talking points: they quote the answer ("谢谢你在问答里如实告诉我们").
    return RuleText(name=short.name, evidence=short.evidence, actions=[short.advice])


def describe(
    runtime: Runtime, session: Session, tag: Tag, locale: str, viewer: Viewer | None = None, *, role: str = "hr"
) -> RuleText:
    """The tag's texts in ``locale`` for a recipient in ``role``, evidence filled in as of today.

    Raw evidence if the rule is gone. A manager (``role="manager"``) reads the rule's manager texts.

    With ``viewer``, the texts go through the visibility policy: a recipient who may not read the
    evidence in full gets :func:`summarised` texts instead.
    """
    from rules.templates import render

    if viewer is not None and level_for(runtime, tag, viewer) is not Level.FULL:
        return summarised(runtime, tag, locale)
    rule = rulebook.rule(runtime, tag.rule_id)
    if rule is None:
        return RuleText(name=tag.rule_id, evidence=_raw(tag.evidence))
    subject = session.get(Employee, tag.employee_id)
    try:
        rendered = render(
            rule,
            tag.evidence,
            locale,
            employee=subject.name if subject else "",
            audience="manager" if role == "manager" else "hr",
            today=runtime.today(),
        )
    except (KeyError, TypeError, ValueError):
        log.warning("evidence of tag %s (%s) does not match its rule; showing it raw", tag.id, tag.rule_id)
        return RuleText(name=rule.name.get(locale), evidence=_raw(tag.evidence), why=rule.why.get(locale))
    return RuleText(
        name=rendered.name,
        evidence=rendered.evidence,
        why=rendered.why,
        actions=list(rendered.actions),
        talking_points=list(rendered.talking_points),
    )
