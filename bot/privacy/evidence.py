"""Tag evidence through the policy: which categories a tag quotes, and what a viewer may read of it.

A tag's evidence inherits the strictest category it quotes: an attrition-risk score that counts a
low eNPS check-in is ``risk`` *and* ``checkin``. A viewer sees a tag at all only if they may see
its primary category (the strictest one) at least as a summary; they read the evidence in full
only if every category it quotes is ``full`` for them. Otherwise they read one sentence that
names no number and no comment ("近期关怀问答显示需要关注，HR 会跟进").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.core import i18n
from bot.privacy import texts as _texts  # noqa: F401  (registers the summary texts)
from bot.privacy.policy import Category, Level, Policy, Viewer, strictest

__all__ = ["Category", "Level", "categories", "quoted", "redacted", "summary", "tag_level"]

KIND_CATEGORIES: dict[str, Category] = {
    "streak": Category.ATTENDANCE,
    "count_in_window": Category.ATTENDANCE,
    "period_sum": Category.ATTENDANCE,
    "metric_change": Category.PERFORMANCE,
    "metric_vs_team": Category.PERFORMANCE,
    "metric_threshold": Category.PERFORMANCE,
    "pulse_latest": Category.CHECKIN,
    "pulse_trend": Category.CHECKIN,
    "pulse_unanswered": Category.PARTICIPATION,
    "birthday": Category.DIRECTORY,
    "work_anniversary": Category.DIRECTORY,
    "tenure": Category.DIRECTORY,
    "tenure_milestone": Category.DIRECTORY,
    "probation_ending": Category.DIRECTORY,
    "life_event": Category.LIFE_EVENT,
    "voice_request": Category.DECLARED,  # what the employee said in chat and agreed HR may hear
    "declaration": Category.DECLARED,
    "declared": Category.DECLARED,
    "score": Category.RISK,
}
COMPOSITE_KINDS = frozenset({"all", "any", "not"})
# A rule's own category can be stricter than its evidence (a risk rule is risk whatever it counts).
RULE_CATEGORIES: dict[str, Category] = {"risk": Category.RISK, "life": Category.LIFE_EVENT}


def quoted(evidence: Any) -> set[Category]:
    """Every category an evidence tree quotes; an unknown condition kind counts as ``declared``.

    Failing closed matters: a condition kind added later (chat declarations, a learned risk model)
    is treated as the most private category until it is mapped here.
    """
    if not isinstance(evidence, Mapping):
        return set()
    kind = evidence.get("kind")
    found: set[Category] = set()
    if isinstance(kind, str) and kind:
        if kind in KIND_CATEGORIES:
            found.add(KIND_CATEGORIES[kind])
        elif kind not in COMPOSITE_KINDS:
            found.add(Category.DECLARED)
    for part in evidence.get("parts") or []:
        found |= quoted(part)
    for signal in evidence.get("signals") or []:
        if isinstance(signal, Mapping):
            found |= quoted(signal.get("evidence"))
    return found


def condition_categories(condition: Any) -> set[Category]:
    """Every category a rule's condition tree reads (a rule file, not a tag: known before any tag exists)."""
    from rules.model import children

    kind = getattr(condition, "kind", "")
    found: set[Category] = set()
    if kind in KIND_CATEGORIES:
        found.add(KIND_CATEGORIES[kind])
    elif kind not in COMPOSITE_KINDS:
        found.add(Category.DECLARED)
    for child in children(condition):
        found |= condition_categories(child)
    return found


def categories(
    rule_category: str | None, evidence: Any, reads: set[Category] | None = None
) -> tuple[Category, set[Category]]:
    """``(primary, quoted)`` of a tag: its strictest category and everything it quotes.

    ``reads`` are the categories of the rule's condition (:func:`condition_categories`) when the rule
    is known; the evidence itself is always inspected too.
    """
    found = quoted(evidence) | (reads or set())
    if rule_category in RULE_CATEGORIES:
        # A risk score *is* risk data, whatever signals it counts: its signals decide only whether
        # the detail may be shown (a score counting a silent pulse is still listed as a summary).
        own = RULE_CATEGORIES[rule_category]
        found.add(own)
        return own, found
    return strictest(found), found


def tag_level(
    policy: Policy, viewer: Viewer, rule_category: str | None, evidence: Any, reads: set[Category] | None = None
) -> Level:
    """``NONE`` (hide the tag), ``SUMMARY`` (name and one neutral sentence) or ``FULL`` (the evidence)."""
    primary, found = categories(rule_category, evidence, reads)
    shown = min(policy.can(viewer, Category.TAG), policy.can(viewer, primary))
    if shown is Level.NONE:
        return Level.NONE
    detail = min([policy.can(viewer, c) for c in found], default=Level.FULL)
    return Level.FULL if shown is Level.FULL and detail is Level.FULL else Level.SUMMARY


@dataclass(frozen=True)
class Summary:
    """What a summarised tag shows instead of its rule name and evidence."""

    name: str
    evidence: str
    advice: str


def summary(rule_category: str | None, evidence: Any, locale: str, reads: set[Category] | None = None) -> Summary:
    """The neutral name, sentence and advice for a tag shown as a summary."""
    primary, _ = categories(rule_category, evidence, reads)
    key = primary.value if i18n.has(f"privacy.summary.{primary.value}") else "other"
    return Summary(
        name=i18n.t(f"privacy.summary_name.{key}", locale),
        evidence=i18n.t(f"privacy.summary.{key}", locale),
        advice=i18n.t("privacy.summary_advice", locale),
    )


def redacted(
    evidence: Any, rule_category: str | None, level: Level, locale: str, reads: set[Category] | None = None
) -> dict[str, Any] | None:
    """The evidence as an API answer may carry it: whole, a summary without values, or nothing."""
    if level is Level.FULL:
        return dict(evidence) if isinstance(evidence, Mapping) else {}
    if level is Level.NONE:
        return None
    primary, found = categories(rule_category, evidence, reads)
    return {
        "summary": summary(rule_category, evidence, locale, reads).evidence,
        "category": primary.value,
        "categories": sorted(c.value for c in found),
    }
